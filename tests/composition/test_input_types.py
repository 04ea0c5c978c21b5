# ruff: noqa: E501  (expected supergraph text and messages are kept verbatim)
"""Input objects merge to the intersection of their fields."""

from __future__ import annotations

from inline_snapshot import snapshot

from tests.composition.helpers import compose_errors, compose_ok, type_block


def test_only_fields_in_every_subgraph_remain() -> None:
    supergraph = compose_ok(
        a="type Query { a(f: Filter): Int } input Filter { q: String limit: Int = 10 a: Int }",
        b="type Query { b(f: Filter): Int } input Filter { q: String! limit: Int = 10 b: Int }",
    )
    assert type_block(supergraph, "Filter") == snapshot("""\
input Filter
  @join__type(graph: A)
  @join__type(graph: B)
{
  q: String! @join__field(graph: A, type: "String") @join__field(graph: B, type: "String!")
  limit: Int = 10
}\
""")


def test_a_required_input_field_missing_somewhere() -> None:
    errors = compose_errors(
        a="type Query { a(f: Filter): Int } input Filter { q: String! }",
        b="type Query { b(f: Filter): Int } input Filter { q: String! page: Int! }",
    )
    assert errors == snapshot(
        [
            (
                "REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH",
                'Input object field "Filter.page" is required in subgraph(s) "b" but missing in subgraph(s) "a"',
            )
        ]
    )


def test_no_common_input_field() -> None:
    errors = compose_errors(
        a="type Query { a(f: Filter): Int } input Filter { x: Int }",
        b="type Query { b(f: Filter): Int } input Filter { y: Int }",
    )
    assert errors == snapshot(
        [
            (
                "EMPTY_MERGED_INPUT_TYPE",
                'None of the fields of input object type "Filter" are consistently defined in all the subgraphs defining that type',
            )
        ]
    )


def test_inconsistent_default_values() -> None:
    errors = compose_errors(
        a="type Query { a(f: Filter): Int } input Filter { limit: Int = 10 }",
        b="type Query { b(f: Filter): Int } input Filter { limit: Int = 20 }",
    )
    assert errors == snapshot(
        [
            (
                "INPUT_FIELD_DEFAULT_MISMATCH",
                'Default value of input field "Filter.limit" is inconsistent across subgraphs: 10 in subgraph "a", 20 in subgraph "b"',
            )
        ]
    )
