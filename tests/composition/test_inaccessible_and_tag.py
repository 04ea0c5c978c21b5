# ruff: noqa: E501  (expected supergraph text and messages are kept verbatim)
"""``@inaccessible`` and ``@tag`` are carried into the supergraph with their spec links."""

from __future__ import annotations

from inline_snapshot import snapshot

from tests.composition.helpers import compose_errors, compose_ok, type_block

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
    'import: ["@key", "@shareable", "@inaccessible", "@tag"])\n'
)


def test_inaccessible_and_tags_on_every_kind_of_element() -> None:
    supergraph = compose_ok(
        a=FED
        + """
        type Query { users(internal: Boolean @inaccessible): [User] @tag(name: "public") }
        type User @key(fields: "id") @tag(name: "entity") { id: ID! secret: String @inaccessible }
        enum Role @tag(name: "enum") { ADMIN @inaccessible USER }
        type Holder { role: Role }
        """,
        b=FED
        + """
        type User @key(fields: "id") @tag(name: "entity") @tag(name: "b") { id: ID! karma: Int }
        """,
    )
    head = supergraph.split("\n}\n", 1)[0]
    assert head == snapshot("""\
schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)
  @link(url: "https://specs.apollo.dev/tag/v0.3")
  @link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)
{
  query: Query\
""")
    assert type_block(supergraph, "User") == snapshot("""\
type User
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id")
  @tag(name: "entity")
  @tag(name: "b")
{
  id: ID!
  secret: String @join__field(graph: A) @inaccessible
  karma: Int @join__field(graph: B)
}\
""")
    assert type_block(supergraph, "Query") == snapshot("""\
type Query
  @join__type(graph: A)
  @join__type(graph: B)
{
  users(internal: Boolean @inaccessible): [User] @join__field(graph: A) @tag(name: "public")
}\
""")
    assert type_block(supergraph, "Role") == snapshot("""\
enum Role
  @join__type(graph: A)
  @tag(name: "enum")
{
  ADMIN @join__enumValue(graph: A) @inaccessible
  USER @join__enumValue(graph: A)
}\
""")
    assert "directive @inaccessible on FIELD_DEFINITION" in supergraph
    assert "directive @tag(name: String!) repeatable on FIELD_DEFINITION" in supergraph


def test_no_inaccessible_or_tag_means_no_links_for_them() -> None:
    supergraph = compose_ok(a="type Query { a: Int }")
    assert "inaccessible" not in supergraph
    assert "@tag" not in supergraph


def test_a_visible_field_returning_an_inaccessible_type() -> None:
    errors = compose_errors(
        a=FED + "type Query { secret: Secret } type Secret @inaccessible { code: String }"
    )
    assert errors == snapshot(
        [
            (
                "REFERENCED_INACCESSIBLE",
                'Type "Secret" is @inaccessible but is referenced by "Query.secret", which is in the API schema',
            )
        ]
    )


def test_a_type_whose_fields_are_all_inaccessible() -> None:
    errors = compose_errors(
        a=FED + "type Query { a: Int w: Wrapper } type Wrapper { x: Int @inaccessible }"
    )
    assert errors == snapshot(
        [
            (
                "ONLY_INACCESSIBLE_CHILDREN",
                'Type "Wrapper" is in the API schema but all of its fields are @inaccessible',
            )
        ]
    )


def test_a_required_argument_that_is_inaccessible() -> None:
    errors = compose_errors(a=FED + "type Query { users(tenant: ID! @inaccessible): [ID] }")
    assert errors == snapshot(
        [("REQUIRED_INACCESSIBLE", 'argument "Query.users(tenant:)" is required but @inaccessible')]
    )


def test_an_inaccessible_type_referenced_only_by_inaccessible_fields_composes() -> None:
    supergraph = compose_ok(
        a=FED
        + "type Query { a: Int secret: Secret @inaccessible } "
        + "type Secret @inaccessible { code: String }"
    )
    assert "  secret: Secret @inaccessible" in supergraph
