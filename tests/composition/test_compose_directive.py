# ruff: noqa: E501  (expected supergraph text is kept verbatim)
"""``@composeDirective``: a custom directive (``@cacheControl``) kept in the supergraph."""

from __future__ import annotations

from graphql import build_schema

from tests.composition.helpers import compose_errors, compose_ok, type_block

CACHE_SPEC = "https://specs.example.com/cacheControl/v0.1"
DEFINITIONS = """
enum CacheControlScope { PUBLIC PRIVATE }
directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
"""


def _subgraph(body: str, compose: bool = True) -> str:
    composed = '\n  @composeDirective(name: "@cacheControl")' if compose else ""
    return (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.1", '
        'import: ["@key", "@composeDirective"])\n'
        f'  @link(url: "{CACHE_SPEC}", import: ["@cacheControl"]){composed}\n' + DEFINITIONS + body
    )


COURSES = _subgraph(
    """
    type Query { course(id: ID!): Course @cacheControl(maxAge: 300) }
    type Course @key(fields: "id") @cacheControl(maxAge: 600) { id: ID! title: String! }
    """
)
PROGRESS = _subgraph(
    """
    type Course @key(fields: "id") {
      id: ID!
      myProgress: Int @cacheControl(maxAge: 10, scope: PRIVATE)
    }
    """
)


def test_applications_definition_and_link_reach_the_supergraph() -> None:
    supergraph = compose_ok(courses=COURSES, progress=PROGRESS)
    assert f'@link(url: "{CACHE_SPEC}", import: ["@cacheControl"])' in supergraph
    assert (
        "directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) "
        "on FIELD_DEFINITION | OBJECT | INTERFACE | UNION"
    ) in supergraph
    assert type_block(supergraph, "Course") == (
        "type Course\n"
        '  @join__type(graph: COURSES, key: "id")\n'
        '  @join__type(graph: PROGRESS, key: "id")\n'
        "  @cacheControl(maxAge: 600)\n"
        "{\n"
        "  id: ID!\n"
        "  title: String! @join__field(graph: COURSES)\n"
        "  myProgress: Int @join__field(graph: PROGRESS) @cacheControl(maxAge: 10, scope: PRIVATE)\n"
        "}"
    )
    assert "course(id: ID!): Course @join__field(graph: COURSES) @cacheControl(maxAge: 300)" in (
        supergraph
    )
    build_schema(supergraph)  # a valid schema: the definition is there for its uses


def test_without_compose_directive_applications_are_dropped() -> None:
    supergraph = compose_ok(
        courses=_subgraph(
            'type Query { course: Course } type Course @key(fields: "id") @cacheControl(maxAge: 5) { id: ID! }',
            compose=False,
        )
    )
    assert "@cacheControl" not in supergraph


def test_a_directive_named_but_not_defined_is_an_error() -> None:
    sdl = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.1", '
        'import: ["@composeDirective"])\n'
        f'  @link(url: "{CACHE_SPEC}", import: ["@cacheControl"])\n'
        '  @composeDirective(name: "@cacheControl")\n'
        "type Query { a: Int }"
    )
    errors = compose_errors(a=sdl)
    assert errors == [
        (
            "DIRECTIVE_COMPOSITION_ERROR",
            '[a] @composeDirective(name: "@cacheControl"): the directive is not defined in this subgraph',
        )
    ]


def test_a_directive_not_imported_from_a_spec_is_an_error() -> None:
    sdl = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.1", '
        'import: ["@composeDirective"])\n'
        '  @composeDirective(name: "@cacheControl")\n' + DEFINITIONS + "type Query { a: Int }"
    )
    [(code, message)] = compose_errors(a=sdl)
    assert code == "DIRECTIVE_COMPOSITION_ERROR"
    assert "not imported from a @link'ed spec" in message
