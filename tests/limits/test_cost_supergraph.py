"""Cost directives end to end: subgraph SDL -> composed supergraph -> API schema -> estimate."""

from __future__ import annotations

import pytest
from graphql import parse

from gateway.composition import SubgraphSource, compose
from gateway.limits import CostConfig, CostTooExpensive, check_cost, estimate_cost
from gateway.supergraph import Supergraph

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", '
    'import: ["@key", "@cost", "@listSize"])\n'
)
COURSES = (
    FED
    + """
type Query {
  courses(first: Int, after: String): CourseConnection!
    @listSize(slicingArguments: ["first"], sizedFields: ["edges"])
}
type CourseConnection { edges: [CourseEdge!]! }
type CourseEdge { node: Course! }
type Course @key(fields: "id") {
  id: ID! title: String modules: [Module!]! @listSize(assumedSize: 8)
}
type Module @cost(weight: 2) { id: ID! }
"""
)
PROGRESS = (
    FED
    + """
type Query { leaderboard: [Course!]! @cost(weight: 25) }
type Course @key(fields: "id") { id: ID! completions: Int @cost(weight: 5) }
"""
)


@pytest.fixture(scope="module")
def supergraph() -> Supergraph:
    result = compose(
        [
            SubgraphSource("courses", "http://courses.test/graphql", COURSES),
            SubgraphSource("progress", "http://progress.test/graphql", PROGRESS),
        ]
    )
    assert result.supergraph_sdl is not None, [str(e) for e in result.errors]
    return Supergraph.parse(result.supergraph_sdl)


def test_the_api_schema_keeps_the_applications(supergraph: Supergraph) -> None:
    query = "{ courses(first: 5) { edges { node { title completions modules { id } } } } }"
    # connection 1 + edges 5 * (edge 1 + node 1 + completions 5 + modules 8 * 2)
    expected = 1 + 5 * (1 + 1 + 5 + 8 * 2)
    document = parse(query)
    assert estimate_cost(supergraph.api_schema, document) == expected
    assert estimate_cost(supergraph.api_schema, document, link_schema=supergraph.schema) == expected


def test_a_list_field_weight_multiplies(supergraph: Supergraph) -> None:
    # @cost on a list field is the weight of each element (default list size 10)
    assert estimate_cost(supergraph.api_schema, parse("{ leaderboard { id } }")) == 10 * 25


def test_the_maximum_is_enforced_on_the_api_schema(supergraph: Supergraph) -> None:
    document = parse("query($n: Int) { courses(first: $n) { edges { node { id } } } }")
    config = CostConfig(max=1000)
    assert check_cost(config, supergraph.api_schema, document, None, {"n": 10}).estimated == 21
    with pytest.raises(CostTooExpensive) as caught:
        check_cost(config, supergraph.api_schema, document, None, {"n": 10_000})
    assert caught.value.extra_extensions == {"limit": 1000, "measured": 20_001}
