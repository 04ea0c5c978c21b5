# ruff: noqa: E501  (expected supergraph text and messages are kept verbatim)
"""Federation 1 subgraphs (no ``@link``) are upgraded as Federation 2 composition does."""

from __future__ import annotations

from inline_snapshot import snapshot

from tests.composition.helpers import compose_ok, type_block

FED2 = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.0", import: ["@key"])\n'


def test_extend_type_with_external_keys_is_a_plain_entity_definition() -> None:
    supergraph = compose_ok(
        users='type Query { me: User } type User @key(fields: "id") { id: ID! name: String }',
        reviews='extend type User @key(fields: "id") { id: ID! @external reviews: [String] }',
    )
    # No ``extension: true`` and no ``external: true`` on the key field, as rover upgrades it.
    assert type_block(supergraph, "User") == snapshot("""\
type User
  @join__type(graph: REVIEWS, key: "id")
  @join__type(graph: USERS, key: "id")
{
  id: ID!
  reviews: [String] @join__field(graph: REVIEWS)
  name: String @join__field(graph: USERS)
}\
""")


def test_unused_external_fields_are_dropped() -> None:
    supergraph = compose_ok(
        users='type Query { me: User } type User @key(fields: "id") { id: ID! name: String }',
        reviews='extend type User @key(fields: "id") { id: ID! @external name: String @external }',
    )
    assert type_block(supergraph, "User") == snapshot("""\
type User
  @join__type(graph: REVIEWS, key: "id")
  @join__type(graph: USERS, key: "id")
{
  id: ID!
  name: String @join__field(graph: USERS)
}\
""")


def test_fields_of_federation_1_subgraphs_are_shareable() -> None:
    supergraph = compose_ok(
        a="type Query { version: String } type Money { amount: Int }",
        b="extend type Query { version: String money: Money } type Money { amount: Int }",
    )
    assert type_block(supergraph, "Query") == snapshot("""\
type Query
  @join__type(graph: A)
  @join__type(graph: B)
{
  version: String
  money: Money @join__field(graph: B)
}\
""")


def test_the_extends_directive_marks_an_extension_in_federation_2() -> None:
    supergraph = compose_ok(
        a=FED2 + 'type Query { me: User } type User @key(fields: "id") { id: ID! }',
        b=(
            'extend schema @link(url: "https://specs.apollo.dev/federation/v2.0", '
            'import: ["@key", "@extends"])\n'
            'type User @key(fields: "id") @extends { id: ID! age: Int }'
        ),
    )
    assert '@join__type(graph: B, key: "id", extension: true)' in type_block(supergraph, "User")


def test_the_extends_directive_still_marks_an_extension_in_federation_1() -> None:
    supergraph = compose_ok(
        owner='type Query { items: [Item!]! } type Item @key(fields: "id") { id: ID! name: String! }',
        photos='type Item @extends @key(fields: "id") { id: ID! @external photos: [String!]! }',
    )
    assert type_block(supergraph, "Item") == (
        "type Item\n"
        '  @join__type(graph: OWNER, key: "id")\n'
        '  @join__type(graph: PHOTOS, key: "id", extension: true)\n'
        "{\n"
        "  id: ID!\n"
        "  name: String! @join__field(graph: OWNER)\n"
        "  photos: [String!]! @join__field(graph: PHOTOS)\n"
        "}"
    )
