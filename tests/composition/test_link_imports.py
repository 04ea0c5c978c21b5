# ruff: noqa: E501  (expected supergraph text and messages are kept verbatim)
"""Federation 2 ``@link``: imports, ``as`` renames, ``federation__`` prefixes, unknown names."""

from __future__ import annotations

from inline_snapshot import snapshot

from tests.composition.helpers import compose_errors, compose_ok, type_block

PLAIN = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'
    'type Query { me: User } type User @key(fields: "id") { id: ID! name: String @shareable }'
)


def _expected_user(supergraph: str) -> str:
    return type_block(supergraph, "User")


def test_renamed_imports_mean_the_same_directive() -> None:
    renamed = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
        'import: [{name: "@key", as: "@entity"}, {name: "@shareable", as: "@shared"}])\n'
        'type User @entity(fields: "id") { id: ID! name: String @shared }'
    )
    plain = PLAIN.replace('import: ["@key"]', 'import: ["@key", "@shareable"]')
    supergraph = compose_ok(a=plain, b=renamed)
    assert _expected_user(supergraph) == snapshot("""\
type User
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id")
{
  id: ID!
  name: String
}\
""")


def test_unimported_directives_are_used_with_the_federation_prefix() -> None:
    prefixed = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3")\n'
        'type User @federation__key(fields: "id") { id: ID! name: String @federation__shareable }'
    )
    plain = PLAIN.replace('import: ["@key"]', 'import: ["@key", "@shareable"]')
    assert _expected_user(compose_ok(a=plain, b=prefixed)) == _expected_user(
        compose_ok(a=plain, b=plain.replace("type Query { me: User } ", ""))
    )


def test_a_link_with_as_changes_the_prefix() -> None:
    aliased = (
        'schema @link(url: "https://specs.apollo.dev/federation/v2.3", as: "fed") { query: Query }\n'
        'type Query { other: Int } type User @fed__key(fields: "id") { id: ID! name: String @fed__shareable }'
    )
    plain = PLAIN.replace('import: ["@key"]', 'import: ["@key", "@shareable"]')
    supergraph = compose_ok(a=plain, b=aliased)
    assert '@join__type(graph: B, key: "id")' in _expected_user(supergraph)


def test_a_federation_directive_that_is_not_imported_is_an_error() -> None:
    errors = compose_errors(a=PLAIN)
    assert errors == snapshot(
        [
            (
                "INVALID_GRAPHQL",
                '[a] unknown directive "@shareable" (is it imported from the federation spec?)',
            )
        ]
    )


def test_invalid_sdl_names_the_subgraph() -> None:
    errors = compose_errors(a="type Query { me: User")
    assert errors == snapshot(
        [("INVALID_GRAPHQL", "[a] Syntax Error: Expected Name, found <EOF>.")]
    )


def test_root_types_are_renamed_to_the_standard_names() -> None:
    supergraph = compose_ok(
        a="schema { query: RootQuery } type RootQuery { hello: String }",
    )
    assert type_block(supergraph, "Query") == snapshot("""\
type Query
  @join__type(graph: A)
{
  hello: String
}\
""")


def test_a_directive_newer_than_the_linked_version_cannot_be_imported() -> None:
    errors = compose_errors(
        a='extend schema @link(url: "https://specs.apollo.dev/federation/v2.1", '
        'import: ["@key", "@interfaceObject"])\n'
        "type Query { a: Int }"
    )
    assert errors == snapshot(
        [
            (
                "INVALID_LINK_DIRECTIVE_USAGE",
                '[a] Cannot import unknown element "@interfaceObject" from federation v2.1',
            )
        ]
    )


def test_an_unknown_import() -> None:
    errors = compose_errors(
        a='extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
        'import: ["@key", "@primaryKey"])\n'
        "type Query { a: Int }"
    )
    assert errors == snapshot(
        [
            (
                "INVALID_LINK_DIRECTIVE_USAGE",
                '[a] Cannot import unknown element "@primaryKey" from federation v2.3',
            )
        ]
    )


def test_a_federation_1_subgraph_using_a_federation_2_directive() -> None:
    errors = compose_errors(a="type Query { a: Int @shareable }")
    assert errors == snapshot(
        [
            (
                "INVALID_GRAPHQL",
                '[a] unknown directive "@shareable". If you meant the "@shareable" federation 2 directive, note that this schema is a federation 1 schema. To be a federation 2 schema, it needs to @link to the federation specification v2.',
            )
        ]
    )


def test_types_may_be_imported_too() -> None:
    supergraph = compose_ok(
        a='extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
        'import: ["@key", "FieldSet"])\n'
        'scalar FieldSet type Query { t: T } type T @key(fields: "id") { id: ID! }'
    )
    assert "FieldSet" not in supergraph.replace("join__FieldSet", "")


def test_directives_imported_from_other_specs_are_accepted_and_not_carried() -> None:
    supergraph = compose_ok(
        a='extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])'
        ' @link(url: "https://example.com/feature/v1.0", import: ["@feature"])\n'
        'type Query { a: Int @feature(name: "x") }'
    )
    assert "@feature" not in supergraph
    assert "  a: Int\n" in supergraph
