# ruff: noqa: E501  (expected supergraph text and messages are kept verbatim)
"""Field types and arguments across subgraphs: compatible differences, and conflicts."""

from __future__ import annotations

from inline_snapshot import snapshot

from tests.composition.helpers import compose_errors, compose_ok, type_block

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
    'import: ["@key", "@shareable"])\n'
)


def test_nullability_differences_keep_the_general_type_and_record_each() -> None:
    supergraph = compose_ok(
        a=FED + "type Query { name: String! @shareable }",
        b=FED + "type Query { name: String @shareable }",
    )
    assert type_block(supergraph, "Query") == snapshot("""\
type Query
  @join__type(graph: A)
  @join__type(graph: B)
{
  name: String @join__field(graph: A, type: "String!") @join__field(graph: B, type: "String")
}\
""")


def test_an_interface_covers_its_implementation() -> None:
    supergraph = compose_ok(
        a=FED + "type Query { node: Node @shareable } interface Node { id: ID! } "
        "type U implements Node @shareable { id: ID! }",
        b=FED + "type Query { node: U @shareable } type U @shareable { id: ID! }",
    )
    assert type_block(supergraph, "Query") == snapshot("""\
type Query
  @join__type(graph: A)
  @join__type(graph: B)
{
  node: Node @join__field(graph: A, type: "Node") @join__field(graph: B, type: "U")
}\
""")


def test_incompatible_field_types() -> None:
    errors = compose_errors(
        a=FED + "type Query { count: Int @shareable }",
        b=FED + "type Query { count: String @shareable }",
    )
    assert errors == snapshot(
        [
            (
                "FIELD_TYPE_MISMATCH",
                'Type of field "Query.count" is incompatible across subgraphs: it has type "Int" in subgraph "a" but type "String" in subgraph "b"',
            )
        ]
    )


def test_arguments_keep_the_strictest_type_and_drop_optional_partial_ones() -> None:
    supergraph = compose_ok(
        a=FED + "type Query { users(first: Int, after: String): [ID] @shareable }",
        b=FED + "type Query { users(first: Int!): [ID] @shareable }",
    )
    assert type_block(supergraph, "Query") == snapshot("""\
type Query
  @join__type(graph: A)
  @join__type(graph: B)
{
  users(first: Int!): [ID]
}\
""")


def test_a_required_argument_missing_in_another_subgraph() -> None:
    errors = compose_errors(
        a=FED + "type Query { users(org: ID!): [ID] @shareable }",
        b=FED + "type Query { users: [ID] @shareable }",
    )
    assert errors == snapshot(
        [
            (
                "REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH",
                'argument "org" of field "Query.users" is required in subgraph(s) "a" but missing in subgraph(s) "b"',
            )
        ]
    )


def test_incompatible_argument_types() -> None:
    errors = compose_errors(
        a=FED + "type Query { users(first: Int): [ID] @shareable }",
        b=FED + "type Query { users(first: String): [ID] @shareable }",
    )
    assert errors == snapshot(
        [
            (
                "FIELD_ARGUMENT_TYPE_MISMATCH",
                'Type of argument "first" of field "Query.users" is incompatible across subgraphs: "Int" in subgraph "a", "String" in subgraph "b"',
            )
        ]
    )


def test_inconsistent_argument_defaults() -> None:
    errors = compose_errors(
        a=FED + "type Query { users(first: Int = 5): [ID] @shareable }",
        b=FED + "type Query { users(first: Int = 10): [ID] @shareable }",
    )
    assert errors == snapshot(
        [
            (
                "FIELD_ARGUMENT_DEFAULT_MISMATCH",
                'Default value of argument "first" of field "Query.users" is inconsistent across subgraphs: 5 in subgraph "a", 10 in subgraph "b"',
            )
        ]
    )


def test_a_type_defined_as_two_kinds() -> None:
    errors = compose_errors(
        a=FED + "type Query { a: Thing } type Thing { id: ID }",
        b=FED + "type Query { b(t: Thing): Int } input Thing { id: ID }",
    )
    assert errors == snapshot(
        [
            (
                "TYPE_KIND_MISMATCH",
                'Type "Thing" has mismatched kind: it is defined as object in subgraph "a", input in subgraph "b"',
            )
        ]
    )
