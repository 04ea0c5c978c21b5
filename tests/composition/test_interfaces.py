# ruff: noqa: E501  (expected supergraph text and messages are kept verbatim)
"""Interfaces across subgraphs: ``@join__implements``, entity interfaces, ``@interfaceObject``."""

from __future__ import annotations

from inline_snapshot import snapshot

from tests.composition.helpers import compose_errors, compose_ok, type_block

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
    'import: ["@key", "@shareable", "@interfaceObject"])\n'
)
MEDIA = (
    FED
    + """
type Query { media: [Media] }
interface Media @key(fields: "id") { id: ID! title: String! }
type Book implements Media @key(fields: "id") { id: ID! title: String! pages: Int }
type Film implements Media @key(fields: "id") { id: ID! title: String! }
"""
)


def test_implementations_record_which_subgraph_implements_what() -> None:
    supergraph = compose_ok(
        a=FED
        + "type Query { n: Node } interface Node { id: ID! } "
        + "type U implements Node @shareable { id: ID! }",
        b=FED + "interface Node { id: ID! } type U implements Node @shareable { id: ID! }",
    )
    assert type_block(supergraph, "U") == snapshot("""\
type U implements Node
  @join__implements(graph: A, interface: "Node")
  @join__implements(graph: B, interface: "Node")
  @join__type(graph: A)
  @join__type(graph: B)
{
  id: ID!
}\
""")
    assert type_block(supergraph, "Node") == snapshot("""\
interface Node
  @join__type(graph: A)
  @join__type(graph: B)
{
  id: ID!
}\
""")


def test_interface_object_fields_reach_every_implementation() -> None:
    supergraph = compose_ok(
        media=MEDIA,
        reviews=FED
        + """
        type Media @key(fields: "id") @interfaceObject { id: ID! rating: Float }
        type Query { topRated: [Media] }
        """,
    )
    assert type_block(supergraph, "Media") == snapshot("""\
interface Media
  @join__type(graph: MEDIA, key: "id")
  @join__type(graph: REVIEWS, key: "id", isInterfaceObject: true)
{
  id: ID!
  title: String! @join__field(graph: MEDIA)
  rating: Float @join__field(graph: REVIEWS)
}\
""")
    assert type_block(supergraph, "Book") == snapshot("""\
type Book implements Media
  @join__implements(graph: MEDIA, interface: "Media")
  @join__type(graph: MEDIA, key: "id")
{
  id: ID!
  title: String!
  pages: Int
  rating: Float @join__field
}\
""")


def test_interface_object_without_a_key() -> None:
    errors = compose_errors(
        media=MEDIA, reviews=FED + "type Media @interfaceObject { id: ID! rating: Float }"
    )
    assert errors == snapshot(
        [
            (
                "INTERFACE_OBJECT_USAGE_ERROR",
                '[reviews] @interfaceObject can only be applied to entity types but type "Media" has no @key in this subgraph',
            )
        ]
    )


def test_an_object_type_where_others_define_an_interface() -> None:
    errors = compose_errors(
        a=FED
        + "type Query { n: Node } interface Node { id: ID! } type U implements Node { id: ID! }",
        b=FED + "type Node { id: ID! }",
    )
    assert errors == snapshot(
        [
            (
                "TYPE_KIND_MISMATCH",
                'Type "Node" has mismatched kind: it is defined as interface in subgraph "a", object in subgraph "b"',
            )
        ]
    )


def test_an_interface_field_nobody_implements() -> None:
    errors = compose_errors(
        a=FED
        + "type Query { n: Node } interface Node { id: ID! } type U implements Node { id: ID! }",
        b=FED + "interface Node { id: ID! name: String }",
    )
    assert errors == snapshot(
        [
            (
                "INTERFACE_FIELD_NO_IMPLEM",
                "The composed supergraph is invalid: Interface field Node.name expected but U does not provide it.",
            )
        ]
    )


def test_an_interface_object_needs_a_real_interface_somewhere() -> None:
    errors = compose_errors(
        a=FED + "type Query { a: Int }",
        b=FED
        + 'type Query { m: Media } type Media @key(fields: "id") @interfaceObject { id: ID! }',
    )
    assert errors == snapshot(
        [
            (
                "INTERFACE_OBJECT_USAGE_ERROR",
                'Type "Media" is declared with @interfaceObject in all the subgraphs in which it is defined: it must be an interface (with @key) in at least one subgraph',
            )
        ]
    )
