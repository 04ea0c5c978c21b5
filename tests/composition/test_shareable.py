# ruff: noqa: E501  (expected supergraph text and messages are kept verbatim)
"""``@shareable``: a field resolved by several subgraphs must be shareable in all of them."""

from __future__ import annotations

from inline_snapshot import snapshot

from tests.composition.helpers import compose_errors, compose_ok, type_block

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
    'import: ["@key", "@shareable", "@external", "@provides", "@requires"])\n'
)


def test_a_field_in_two_subgraphs_without_shareable_is_an_error() -> None:
    errors = compose_errors(
        a=FED + 'type Query { a: T } type T @key(fields: "id") { id: ID! name: String }',
        b=FED + 'type T @key(fields: "id") { id: ID! name: String }',
    )
    assert errors == snapshot(
        [
            (
                "INVALID_FIELD_SHARING",
                'Non-shareable field "T.name" is resolved from multiple subgraphs: it is resolved from subgraphs "a" and "b" and defined as non-shareable in all of them',
            )
        ]
    )


def test_shareable_in_only_one_subgraph_names_the_other() -> None:
    errors = compose_errors(
        a=FED + "type Query { version: String @shareable }",
        b=FED + "type Query { version: String }",
        c=FED + "type Query { version: String @shareable }",
    )
    assert errors == snapshot(
        [
            (
                "INVALID_FIELD_SHARING",
                'Non-shareable field "Query.version" is resolved from multiple subgraphs: it is resolved from subgraphs "a", "b" and "c" and defined as non-shareable in subgraph(s) "b"',
            )
        ]
    )


def test_shareable_on_the_type_or_the_field_allows_sharing() -> None:
    supergraph = compose_ok(
        a=FED + 'type Query { a: T } type T @key(fields: "id") @shareable { id: ID! name: String }',
        b=FED + 'type T @key(fields: "id") { id: ID! name: String @shareable }',
    )
    assert type_block(supergraph, "T") == snapshot("""\
type T
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id")
{
  id: ID!
  name: String
}\
""")


def test_external_definitions_do_not_count_as_resolving() -> None:
    supergraph = compose_ok(
        a=FED + 'type Query { a: T } type T @key(fields: "id") { id: ID! name: String }',
        b=FED
        + """
        type Query { b: T }
        type T @key(fields: "id") { id: ID! name: String @external nick: String @requires(fields: "name") }
        """,
    )
    assert type_block(supergraph, "T") == snapshot("""\
type T
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id")
{
  id: ID!
  name: String @join__field(graph: A) @join__field(graph: B, external: true)
  nick: String @join__field(graph: B, requires: "name")
}\
""")


def test_a_provided_field_must_be_shareable_where_it_is_defined() -> None:
    errors = compose_errors(
        a=FED + 'type Query { a: T } type T @key(fields: "id") { id: ID! name: String }',
        b=FED
        + """
        type Query { b: T @provides(fields: "name") }
        type T @key(fields: "id") { id: ID! name: String @external }
        """,
    )
    assert errors == snapshot(
        [
            (
                "INVALID_FIELD_SHARING",
                'Non-shareable field "T.name" is resolved from multiple subgraphs: it is resolved from subgraphs "a" and "b" (through @provides) and defined as non-shareable in all of them',
            )
        ]
    )


def test_a_provided_field_that_is_shareable_composes() -> None:
    supergraph = compose_ok(
        a=FED + 'type Query { a: T } type T @key(fields: "id") { id: ID! name: String @shareable }',
        b=FED
        + """
        type Query { b: T @provides(fields: "name") }
        type T @key(fields: "id") { id: ID! name: String @external }
        """,
    )
    assert type_block(supergraph, "Query") == snapshot("""\
type Query
  @join__type(graph: A)
  @join__type(graph: B)
{
  a: T @join__field(graph: A)
  b: T @join__field(graph: B, provides: "name")
}\
""")
