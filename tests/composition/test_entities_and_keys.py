# ruff: noqa: E501  (expected supergraph text and messages are kept verbatim)
"""Entities: ``@key`` (single, compound, nested, several), ``resolvable: false``, extensions."""

from __future__ import annotations

from inline_snapshot import snapshot

from tests.composition.helpers import compose_errors, compose_ok, type_block

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
    'import: ["@key", "@shareable"])\n'
)


def test_compound_nested_and_multiple_keys_become_one_join_type_each() -> None:
    supergraph = compose_ok(
        products=FED
        + """
        type Query { products: [Product] }
        type Org { id: ID! }
        type Product @key(fields: "id") @key(fields: "sku org { id }") {
          id: ID! sku: String! org: Org! name: String
        }
        """,
        stock=FED
        + """
        type Org { id: ID! }
        type Product @key(fields: "sku org { id }", resolvable: false) {
          sku: String! org: Org!
        }
        type Query { lowStock: [Product] }
        """,
    )
    assert type_block(supergraph, "Product") == snapshot("""\
type Product
  @join__type(graph: PRODUCTS, key: "id")
  @join__type(graph: PRODUCTS, key: "sku org { id }")
  @join__type(graph: STOCK, key: "sku org { id }", resolvable: false)
{
  id: ID! @join__field(graph: PRODUCTS)
  sku: String!
  org: Org!
  name: String @join__field(graph: PRODUCTS)
}\
""")


def test_a_type_extension_in_a_federation_2_subgraph_is_marked_extension() -> None:
    supergraph = compose_ok(
        users=FED + 'type Query { me: User } type User @key(fields: "id") { id: ID! }',
        reviews=FED + 'extend type User @key(fields: "id") { id: ID! karma: Int }',
    )
    assert type_block(supergraph, "User") == snapshot("""\
type User
  @join__type(graph: REVIEWS, key: "id", extension: true)
  @join__type(graph: USERS, key: "id")
{
  id: ID!
  karma: Int @join__field(graph: REVIEWS)
}\
""")


def test_value_types_must_be_shareable_but_key_fields_are_shareable_by_nature() -> None:
    supergraph = compose_ok(
        a=FED + "type Query { a: Money } type Money @shareable { amount: Int currency: String }",
        b=FED + "type Query { b: Money } type Money @shareable { amount: Int currency: String }",
    )
    # Defined identically everywhere: no @join__field at all, as rover prints it.
    assert type_block(supergraph, "Money") == snapshot("""\
type Money
  @join__type(graph: A)
  @join__type(graph: B)
{
  amount: Int
  currency: String
}\
""")


def test_key_on_an_unknown_field() -> None:
    errors = compose_errors(a=FED + 'type Query { t: T } type T @key(fields: "nope") { id: ID! }')
    assert errors == snapshot(
        [
            (
                "KEY_INVALID_FIELDS",
                '[a] @key(fields: "nope") on "T" is invalid: cannot query field "nope" on type "T"',
            )
        ]
    )


def test_key_with_invalid_syntax() -> None:
    errors = compose_errors(a=FED + 'type Query { t: T } type T @key(fields: "id {") { id: ID! }')
    assert errors == snapshot(
        [
            (
                "KEY_INVALID_FIELDS",
                '[a] @key(fields: "id {") on "T" is invalid: "id {" is not a valid selection set',
            )
        ]
    )


def test_key_selecting_a_list_field() -> None:
    errors = compose_errors(
        a=FED + 'type Query { t: T } type T @key(fields: "ids") { ids: [ID!]! }'
    )
    assert errors == snapshot(
        [
            (
                "KEY_FIELDS_SELECT_INVALID_TYPE",
                '[a] @key(fields: "ids") on "T" selects a list, interface or union field: T.ids',
            )
        ]
    )


def test_key_selecting_an_interface_field() -> None:
    errors = compose_errors(
        a=FED
        + """
        type Query { t: T }
        interface Node { id: ID! }
        type N implements Node { id: ID! }
        type T @key(fields: "node { id }") { node: Node! }
        """
    )
    assert errors == snapshot(
        [
            (
                "KEY_FIELDS_SELECT_INVALID_TYPE",
                '[a] @key(fields: "node { id }") on "T" selects a list, interface or union field: T.node',
            )
        ]
    )


def test_key_selecting_a_field_with_arguments() -> None:
    errors = compose_errors(
        a=FED + 'type Query { t: T } type T @key(fields: "id") { id(format: String): ID! }'
    )
    assert errors == snapshot(
        [
            (
                "KEY_FIELDS_HAS_ARGS",
                '[a] @key(fields: "id") on "T" selects field(s) with arguments: T.id',
            )
        ]
    )


def test_entity_interface_key_must_be_on_every_implementation() -> None:
    errors = compose_errors(
        a=FED
        + """
        type Query { media: [Media] }
        interface Media @key(fields: "id") { id: ID! }
        type Book implements Media @key(fields: "id") { id: ID! }
        type Song implements Media { id: ID! }
        """
    )
    assert errors == snapshot(
        [
            (
                "INTERFACE_KEY_NOT_ON_IMPLEMENTATIONS",
                '[a] Key @key(fields: "id") on interface type "Media" is missing on implementation type "Song"',
            )
        ]
    )
