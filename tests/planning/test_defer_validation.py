"""The API schema declares ``@defer`` and ``@stream``, and validation applies the
incremental delivery RFC's rules (graphql-core's): over the platform's supergraph."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import print_schema

from gateway.documents import DocumentCache
from gateway.errors import ErrorList, GatewayError
from gateway.limits.config import LimitsConfig
from gateway.supergraph import Supergraph

ROOT = Path(__file__).resolve().parents[2]
SUPERGRAPH = Supergraph.parse((ROOT / "schema" / "supergraph.graphql").read_text())


def refusal(text: str) -> list[str]:
    """The validation errors' messages for ``text`` (empty when it is valid)."""
    cache = DocumentCache(SUPERGRAPH.api_schema, LimitsConfig())
    try:
        cache.get(text)
    except ErrorList as errors:
        assert {e.code for e in errors.errors} == {"GRAPHQL_VALIDATION_FAILED"}
        return [e.message for e in errors.errors]
    except GatewayError as error:
        pytest.fail(f"not a validation error: {error.code} {error}")
    return []


def test_the_api_schema_declares_defer_and_stream() -> None:
    printed = print_schema(SUPERGRAPH.api_schema)
    assert "directive @defer(" in printed
    assert "directive @stream(" in printed


def test_defer_and_stream_in_a_query_are_valid() -> None:
    assert (
        refusal(
            """query { me { id ... @defer(label: "name") { name }
                       enrollments(first: 2) { nodes @stream(initialCount: 1) { id } } } }"""
        )
        == []
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "mutation { ... @defer { enroll(courseId: 1) { id } } }",
            "Defer directive cannot be used on root mutation type 'Mutation'.",
        ),
        (
            "subscription { progressUpdated { ... @defer { occurredAt } } }",
            "Defer directive not supported on subscription operations."
            " Disable `@defer` by setting the `if` argument to `false`.",
        ),
        (
            '{ me { ... @defer(label: "x") { id } ... @defer(label: "x") { name } } }',
            "Defer/Stream directive label argument must be unique.",
        ),
        (
            "{ me { name @stream } }",
            "Stream directive cannot be used on non-list field 'name' on type 'User'.",
        ),
        ("{ me @defer { name } }", "Directive '@defer' may not be used on field."),
    ],
)
def test_misplaced_directives_are_refused(text: str, message: str) -> None:
    assert refusal(text) == [message]
