"""Random valid operations over every supergraph the tests use: the planner's invariants.

For each supergraph (every ``*SUPERGRAPH*`` constant of ``tests/planning/test_*.py``, the
platform's ``schema/supergraph.graphql`` and the benchmark's), hypothesis draws operations
valid against its API schema (``tests.planning.random_operations``), and each is planned
as the gateway plans it. Two invariants:

- no crash: planning either returns a plan or raises a ``GatewayError`` with code
  ``QUERY_PLANNING_FAILED`` (those are recorded and listed at the end of the run: a valid
  operation the planner cannot plan is a planner gap, but not a crash);
- every fetch of the plan is valid against its subgraph's own schema
  (``gateway.planning.validity``).

Seeded (``derandomize``: the same operations every run) and bounded (``max_examples``).
"""

from __future__ import annotations

import os
from datetime import timedelta
from functools import cache

import pytest
from graphql import GraphQLSchema
from hypothesis import HealthCheck, assume, given, settings

from gateway.errors import GatewayError
from gateway.planning.validity import subgraph_schemas, validate_plan
from tests.planning.random_operations import (
    ROOT,
    PlanningCase,
    operations,
    override_labels,
    supergraph_sources,
)

SOURCES = supergraph_sources()
#: Drawn operations per supergraph: the whole file stays under a minute. A deeper search:
#: ``RANDOM_OPERATIONS_EXAMPLES=1000 pytest tests/planning/test_random_operations.py``.
EXAMPLES = int(os.environ.get("RANDOM_OPERATIONS_EXAMPLES", "50"))

#: Valid operations the planner refused (QUERY_PLANNING_FAILED), per supergraph: message ->
#: the shortest operation seen. ``tests/planning/conftest.py`` prints them after the run.
PLANNING_FAILURES: dict[str, dict[str, str]] = {}


#: Each supergraph, and again with its progressive-override labels enabled if it has some.
CASES = [
    pytest.param(name, labels, id=name + (f"[labels={','.join(labels)}]" if labels else ""))
    for name, sdl in sorted(SOURCES.items())
    for labels in sorted({(), override_labels(sdl)})
]


@cache
def _case(name: str, labels: tuple[str, ...] = ()) -> tuple[PlanningCase, dict[str, GraphQLSchema]]:
    case = PlanningCase.load(name, SOURCES[name], labels)
    return case, subgraph_schemas(case.supergraph)


def test_every_test_supergraph_is_covered() -> None:
    platform = (ROOT / "schema" / "supergraph.graphql").read_text(encoding="utf-8")
    assert platform in SOURCES.values()  # as test_platform's SUPERGRAPH (same text)
    assert "bench/data/supergraph.graphql" in SOURCES
    assert "test_interface_object.SUPERGRAPH" in SOURCES
    assert len(SOURCES) >= 30
    assert ("test_override.SUPERGRAPH", ("beta",)) in [tuple(c.values) for c in CASES]


@pytest.mark.timeout(60)
@pytest.mark.parametrize(("name", "labels"), CASES)
def test_random_operations_plan_into_valid_fetches(name: str, labels: tuple[str, ...]) -> None:
    case, schemas = _case(name, labels)
    failures = PLANNING_FAILURES.setdefault(name + (f" {list(labels)}" if labels else ""), {})

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=timedelta(seconds=3),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(operations(case.supergraph.api_schema))
    def check(drawn: tuple[str, dict[str, bool]]) -> None:
        text, variables = drawn
        assume(not case.validation_errors(text))
        outcome = case.plan(text, variables)  # any other exception fails the test
        if isinstance(outcome, GatewayError):
            assert outcome.code == "QUERY_PLANNING_FAILED", (outcome.code, outcome.message)
            if len(text) < len(failures.get(outcome.message, text + " ")):
                failures[outcome.message] = text
            return
        problems = validate_plan(outcome, schemas)
        assert problems == [], "\n".join([text, f"variables: {variables}", *problems])

    check()


#: Operations the random test found (shrunk by hand to their cause), kept as regression
#: cases: each is valid against its supergraph's API schema, and a correct planner plans
#: it into valid fetches.
FOUND = [
    pytest.param(
        "test_shareable.SUPERGRAPH",
        "{ products { upc } shop { address } }",
        # Query.shop is shareable (catalog, shops) but Shop.address is only in shops and
        # Shop has no key: staying in catalog's root fetch for `shop` leaves no way to
        # reach `address`; `shop` alone is planned in shops.
        id="shareable-root-field-without-key",
    ),
    pytest.param(
        "test_abstract_types.SUPERGRAPH",
        "{ bargains { __typename: price } }",
        # A client alias `__typename` below an abstract type: the planner adds its own
        # `__typename` beside it, and the subgraph rejects the two different fields under
        # one response key. (Same with any abstract selection: `{ nodes { __typename: id } }`
        # in test_scalars_nested_interfaces, `library`, `songs`, `accounts`, ...)
        id="client-alias-__typename-on-abstract-type",
    ),
    pytest.param(
        "test_abstract_entities.SUPERGRAPH",
        "{ people { favorite { __typename } __typename: wishlist { id } } }",
        # A client field with a selection aliased `__typename` where the planner needs the
        # object's `__typename` (Person's representation for catalog): the two merge into
        # `__typename { ... }`, and `wishlist` is not asked for at all.
        id="client-alias-__typename-with-selection-on-entity",
    ),
]


def test_an_enum_value_the_subgraph_lacks_is_refused_not_sent() -> None:
    # Color.GREEN is only catalog's, paints is paint's: sent as is, paint would reject the
    # whole operation. (Composition refuses an input enum whose values differ by subgraph,
    # so only a hand-made supergraph has this; the gateway refuses it with a clear error.)
    case, _ = _case("test_enums_inputs.SUPERGRAPH")
    text = "{ paints(color: GREEN) { name } }"
    assert case.validation_errors(text) == []
    outcome = case.plan(text, {})
    assert isinstance(outcome, GatewayError)
    assert outcome.code == "QUERY_PLANNING_FAILED"
    assert "GREEN" in outcome.message and "'paint'" in outcome.message


@pytest.mark.parametrize(("name", "text"), FOUND)
def test_found_operations_plan_into_valid_fetches(name: str, text: str) -> None:
    case, schemas = _case(name)
    assert case.validation_errors(text) == []
    outcome = case.plan(text, {})
    assert not isinstance(outcome, GatewayError), outcome.message
    assert validate_plan(outcome, schemas) == []
