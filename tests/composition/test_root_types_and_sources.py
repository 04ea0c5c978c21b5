"""Root operation types, and what is checked about the subgraph list itself."""

from __future__ import annotations

from gateway.composition import SubgraphSource, compose
from tests.composition.helpers import compose_errors, compose_ok, type_block


def test_mutation_and_subscription_roots_are_declared_in_schema() -> None:
    supergraph = compose_ok(
        a="type Query { a: Int } type Mutation { setA(a: Int!): Int }",
        b="type Subscription { ticks: Int } type Query { b: Int }",
    )
    assert "{\n  query: Query\n  mutation: Mutation\n  subscription: Subscription\n}" in supergraph
    assert type_block(supergraph, "Mutation") == (
        "type Mutation\n  @join__type(graph: A)\n{\n  setA(a: Int!): Int\n}"
    )


def test_every_subgraph_appears_on_query() -> None:
    supergraph = compose_ok(
        a="type Query { a: Int }",
        b='extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])'
        ' type T @key(fields: "id") { id: ID! }',
    )
    assert type_block(supergraph, "Query").split("\n")[:3] == [
        "type Query",
        "  @join__type(graph: A)",
        "  @join__type(graph: B)",
    ]


def test_no_query_fields_anywhere() -> None:
    assert compose_errors(a="type T { id: ID }") == [
        ("NO_QUERIES", "No queries found in any subgraph: a supergraph must have a query root type")
    ]


def test_duplicate_and_invalid_subgraph_names() -> None:
    result = compose(
        [
            SubgraphSource("a", "http://a", "type Query { a: Int }"),
            SubgraphSource("a", "http://a2", "type Query { b: Int }"),
            SubgraphSource("", "http://x", "type Query { c: Int }"),
        ]
    )
    assert result.supergraph_sdl is None
    assert [(e.code, e.message) for e in result.errors] == [
        ("INVALID_SUBGRAPH_NAME", 'Subgraph name "a" is used twice'),
        ("INVALID_SUBGRAPH_NAME", 'Invalid subgraph name ""'),
    ]


def test_no_subgraphs() -> None:
    result = compose([])
    assert [e.code for e in result.errors] == ["NO_SUBGRAPHS"]


def test_graph_enum_names_are_sanitised_and_unique() -> None:
    supergraph = compose_ok(
        **{"my-users": "type Query { a: Int }", "my_users": "type Query { b: Int }"},
        **{"2fa": "type Query { c: Int }"},
    )
    graph_enum = type_block(supergraph, "join__Graph")
    assert graph_enum.split("\n")[1:4] == [
        '  _2FA @join__graph(name: "2fa", url: "http://2fa.test/graphql")',
        '  MY_USERS_1 @join__graph(name: "my-users", url: "http://my-users.test/graphql")',
        '  MY_USERS_2 @join__graph(name: "my_users", url: "http://my_users.test/graphql")',
    ]
