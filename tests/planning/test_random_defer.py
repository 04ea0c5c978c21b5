"""Random valid operations with every fragment ``@defer``red, over every test supergraph:
planned as for a client that takes incremental delivery, each either plans into valid
fetches (primary and deferred), falls back to the plan without ``@defer``
(``DeferUnsupported``), or fails with ``QUERY_PLANNING_FAILED`` — never a crash.

The operations are those of ``test_random_operations`` (same generator, seeded), with
``@defer`` added to each inline fragment and fragment spread; the ones that are then
invalid (a ``@defer`` on a mutation's root) are skipped.
"""

from __future__ import annotations

import dataclasses
import os
from datetime import timedelta
from functools import cache
from typing import Any

import pytest
from graphql import (
    DirectiveNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    InlineFragmentNode,
    NameNode,
    OperationDefinitionNode,
    Visitor,
    parse,
    print_ast,
    visit,
)
from hypothesis import HealthCheck, assume, given, settings

from gateway.errors import GatewayError
from gateway.planning.operation import normalize
from gateway.planning.plan import Defer, QueryPlan
from gateway.planning.planner import DeferUnsupported
from gateway.planning.validity import subgraph_schemas, validate_plan
from tests.planning.random_operations import PlanningCase, operations, supergraph_sources

SOURCES = supergraph_sources()
EXAMPLES = int(os.environ.get("RANDOM_OPERATIONS_EXAMPLES", "25"))
_DEFER = DirectiveNode(name=NameNode(value="defer"), arguments=())


class _DeferAll(Visitor):
    def enter_inline_fragment(self, node: InlineFragmentNode, *_: Any) -> InlineFragmentNode:
        return dataclasses.replace(node, directives=(*(node.directives or ()), _DEFER))

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: Any) -> FragmentSpreadNode:
        return dataclasses.replace(node, directives=(*(node.directives or ()), _DEFER))


def with_defer(text: str) -> str:
    return print_ast(visit(parse(text, no_location=True), _DeferAll()))


def plan_incremental(
    case: PlanningCase, text: str, variables: dict[str, Any]
) -> QueryPlan | GatewayError | None:
    """The incremental plan, the error planning raised, or None (planned without @defer)."""
    document = parse(text)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    normalized = normalize(case.supergraph.api_schema, operation, fragments, variables, True)
    try:
        return case.state.planner.plan(normalized)
    except DeferUnsupported:
        return None
    except GatewayError as error:
        return error


@cache
def _case(name: str) -> tuple[PlanningCase, dict[str, GraphQLSchema]]:
    case = PlanningCase.load(name, SOURCES[name])
    return case, subgraph_schemas(case.supergraph)


def test_defer_is_added_to_every_fragment() -> None:
    assert with_defer("{ a ... on T { b } ...F } fragment F on T { c }") == (
        "{\n  a\n  ... on T @defer {\n    b\n  }\n  ...F @defer\n}\n\nfragment F on T {\n  c\n}"
    )


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", sorted(SOURCES))
def test_random_deferred_operations_plan_into_valid_fetches(name: str) -> None:
    case, schemas = _case(name)

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
        deferred = with_defer(text)
        assume(not case.validation_errors(deferred))
        outcome = plan_incremental(case, deferred, variables)  # any other exception fails
        if isinstance(outcome, GatewayError):
            assert outcome.code == "QUERY_PLANNING_FAILED", (outcome.code, outcome.message)
            return
        if outcome is None:
            return
        problems = validate_plan(outcome, schemas)
        assert problems == [], "\n".join([deferred, f"variables: {variables}", *problems])
        if outcome.operation.deferred and outcome.node is not None:
            assert isinstance(outcome.node, Defer), deferred

    check()
