# ruff: noqa: E501  (expected supergraph text and messages are kept verbatim)
"""The whole printed supergraph, byte for byte, in rover's layout and link versions."""

from __future__ import annotations

from inline_snapshot import snapshot

from tests.composition.helpers import compose_ok

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.{minor}", import: ["@key"])\n'
)

USERS = """
type Query { me: User }
type User @key(fields: "id") { id: ID! name: String }
"""
REVIEWS = """
type User @key(fields: "id") { id: ID! reviews: [String!]! }
"""


def test_two_subgraphs_print_exactly_as_rover_lays_them_out() -> None:
    supergraph = compose_ok(
        users=FED.format(minor=3) + USERS, reviews=FED.format(minor=3) + REVIEWS
    )
    assert supergraph == snapshot('''\
schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)
{
  query: Query
}

directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE

directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, external: Boolean, override: String, usedOverridden: Boolean) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION

directive @join__graph(name: String!, url: String!) on ENUM_VALUE

directive @join__implements(graph: join__Graph!, interface: String!) repeatable on OBJECT | INTERFACE

directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR

directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION

directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA

scalar join__FieldSet

enum join__Graph {
  REVIEWS @join__graph(name: "reviews", url: "http://reviews.test/graphql")
  USERS @join__graph(name: "users", url: "http://users.test/graphql")
}

scalar link__Import

enum link__Purpose {
  """
  `SECURITY` features provide metadata necessary to securely resolve fields.
  """
  SECURITY

  """
  `EXECUTION` features provide metadata necessary for operation execution.
  """
  EXECUTION
}

type Query
  @join__type(graph: REVIEWS)
  @join__type(graph: USERS)
{
  me: User @join__field(graph: USERS)
}

type User
  @join__type(graph: REVIEWS, key: "id")
  @join__type(graph: USERS, key: "id")
{
  id: ID!
  reviews: [String!]! @join__field(graph: REVIEWS)
  name: String @join__field(graph: USERS)
}
''')


def test_federation_2_7_links_join_v0_4_with_override_labels() -> None:
    supergraph = compose_ok(
        users=FED.format(minor=7) + USERS, reviews=FED.format(minor=0) + REVIEWS
    )
    assert '@link(url: "https://specs.apollo.dev/join/v0.4", for: EXECUTION)' in supergraph
    assert supergraph.split("\n\n")[2:4] == snapshot(
        [
            "directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE",
            "directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, external: Boolean, override: String, usedOverridden: Boolean, overrideLabel: String) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION",
        ]
    )
    assert "join__ContextArgument" not in supergraph


def test_federation_2_8_and_later_link_join_v0_5() -> None:
    supergraph = compose_ok(
        users=FED.format(minor=11) + USERS, reviews=FED.format(minor=3) + REVIEWS
    )
    assert '@link(url: "https://specs.apollo.dev/join/v0.5", for: EXECUTION)' in supergraph
    assert [b for b in supergraph.split("\n\n") if "join__" in b.split("\n")[0]] == snapshot(
        [
            "directive @join__directive(graphs: [join__Graph!], name: String!, args: join__DirectiveArguments) repeatable on SCHEMA | OBJECT | INTERFACE | FIELD_DEFINITION",
            "directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE",
            "directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, external: Boolean, override: String, usedOverridden: Boolean, overrideLabel: String, contextArguments: [join__ContextArgument!]) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION",
            "directive @join__graph(name: String!, url: String!) on ENUM_VALUE",
            "directive @join__implements(graph: join__Graph!, interface: String!) repeatable on OBJECT | INTERFACE",
            "directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR",
            "directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION",
            """\
input join__ContextArgument {
  name: String!
  type: String!
  context: String!
  selection: join__FieldValue!
}\
""",
            "scalar join__DirectiveArguments",
            "scalar join__FieldSet",
            "scalar join__FieldValue",
            """\
enum join__Graph {
  REVIEWS @join__graph(name: "reviews", url: "http://reviews.test/graphql")
  USERS @join__graph(name: "users", url: "http://users.test/graphql")
}\
""",
        ]
    )


def test_output_is_deterministic_whatever_the_input_order() -> None:
    a = compose_ok(users=FED.format(minor=3) + USERS, reviews=FED.format(minor=3) + REVIEWS)
    b = compose_ok(reviews=FED.format(minor=3) + REVIEWS, users=FED.format(minor=3) + USERS)
    assert a == b
