"""The directives through composition and into the gateway: the supergraph carries them as
rover prints them, several subgraphs' requirements are ANDed, the gateway reads them
(renamed ones too) and the API schema does not show them."""

from __future__ import annotations

from graphql import parse, print_schema

from gateway.authz.requirements import Requirement, read_rules
from gateway.composition import compose
from gateway.composition.compose import SubgraphSource
from gateway.supergraph import Supergraph
from tests.authz.helpers import supergraph_sdl

LINK = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", '
    'import: ["@key", "@shareable", "@requiresScopes", "@policy"])\n'
)


def test_the_supergraph_links_and_defines_the_three_specs() -> None:
    sdl = supergraph_sdl()
    for line in (
        '@link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY)',
        '@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)',
        '@link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)',
        "directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM",
        "directive @requiresScopes(scopes: [[requiresScopes__Scope!]!]!) on FIELD_DEFINITION"
        " | OBJECT | INTERFACE | SCALAR | ENUM",
        "directive @policy(policies: [[policy__Policy!]!]!) on FIELD_DEFINITION | OBJECT"
        " | INTERFACE | SCALAR | ENUM",
        "scalar requiresScopes__Scope",
        "scalar policy__Policy",
        '  ssn: String! @join__field(graph: ACCOUNTS) @requiresScopes(scopes: [["pii:read",'
        ' "admin"]])',
        "type Secret\n  @join__type(graph: ACCOUNTS)\n  @authenticated\n",
    ):
        assert line in sdl, line


def test_requirements_met_in_several_subgraphs_are_anded() -> None:
    a = LINK + (
        'type Query { t: T }\ntype T @key(fields: "id") { id: ID!\n'
        '  k: String @shareable @requiresScopes(scopes: [["a"], ["b"]]) }'
    )
    b = LINK + (
        'type T @key(fields: "id") { id: ID!\n'
        '  k: String @shareable @requiresScopes(scopes: [["c"]]) @policy(policies: [["p"]]) }'
    )
    result = compose([SubgraphSource("a", "http://a", a), SubgraphSource("b", "http://b", b)])
    assert result.supergraph_sdl is not None, result.errors
    assert (
        '@requiresScopes(scopes: [["a", "c"], ["b", "c"]]) @policy(policies: [["p"]])'
        in result.supergraph_sdl
    )
    rules = Supergraph.parse(result.supergraph_sdl).authorization
    assert rules.fields[("T", "k")] == Requirement(
        scopes=(frozenset({"a", "c"}), frozenset({"b", "c"})), policies=(frozenset({"p"}),)
    )


def test_renamed_directives_are_read_under_their_link_names() -> None:
    document = parse(
        """
        schema
          @link(url: "https://specs.apollo.dev/link/v1.0")
          @link(url: "https://specs.apollo.dev/authenticated/v0.1", as: "signedIn", for: SECURITY)
          @link(url: "https://specs.apollo.dev/requiresScopes/v0.1", import: [{name: "@requiresScopes", as: "@scopes"}])
        { query: Query }
        type Query { a: Int @signedIn b: Int @scopes(scopes: [["x"]]) c: Int @authenticated }
        """  # noqa: E501 -- one link per line, as printed
    )
    rules = read_rules(document)
    assert rules.fields == {
        ("Query", "a"): Requirement(authenticated=True),
        ("Query", "b"): Requirement(scopes=(frozenset({"x"}),)),
    }


def test_the_api_schema_shows_none_of_it() -> None:
    api = print_schema(Supergraph.parse(supergraph_sdl()).api_schema)
    for name in ("authenticated", "requiresScopes", "policy"):
        assert name not in api
    assert "ssn: String!" in api and "type Secret" in api
