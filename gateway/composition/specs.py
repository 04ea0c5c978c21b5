"""The core-schema definitions a supergraph carries, as rover prints them."""

from __future__ import annotations

LINK_URL = "https://specs.apollo.dev/link/v1.0"
INACCESSIBLE_URL = "https://specs.apollo.dev/inaccessible/v0.2"
TAG_URL = "https://specs.apollo.dev/tag/v0.3"
COST_URL = "https://specs.apollo.dev/cost/v0.1"
#: The authorization specs (federation v2.5+), by directive name.
AUTHORIZATION_URLS = {
    "authenticated": "https://specs.apollo.dev/authenticated/v0.1",
    "requiresScopes": "https://specs.apollo.dev/requiresScopes/v0.1",
    "policy": "https://specs.apollo.dev/policy/v0.1",
}
_AUTHORIZATION_LOCATIONS = "FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM"

_JOIN_FIELD_ARGS = {
    3: "graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, "
    "external: Boolean, override: String, usedOverridden: Boolean",
    4: "graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, "
    "external: Boolean, override: String, usedOverridden: Boolean, overrideLabel: String",
    5: "graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, "
    "external: Boolean, override: String, usedOverridden: Boolean, overrideLabel: String, "
    "contextArguments: [join__ContextArgument!]",
}
_ALL_ELEMENTS = (
    "FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | "
    "ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION"
)


def join_url(version: int) -> str:
    return f"https://specs.apollo.dev/join/v0.{version}"


def directive_definitions(
    join_version: int,
    *,
    inaccessible: bool,
    tag: bool,
    cost: bool,
    authorization: frozenset[str] = frozenset(),
) -> list[str]:
    """Every ``directive @...`` line, sorted by name as rover sorts them."""
    defs = {
        "join__enumValue": "directive @join__enumValue(graph: join__Graph!) "
        "repeatable on ENUM_VALUE",
        "join__field": f"directive @join__field({_JOIN_FIELD_ARGS[join_version]}) repeatable on "
        "FIELD_DEFINITION | INPUT_FIELD_DEFINITION",
        "join__graph": "directive @join__graph(name: String!, url: String!) on ENUM_VALUE",
        "join__implements": "directive @join__implements(graph: join__Graph!, interface: String!) "
        "repeatable on OBJECT | INTERFACE",
        "join__type": "directive @join__type(graph: join__Graph!, key: join__FieldSet, "
        "extension: Boolean! = false, resolvable: Boolean! = true, "
        "isInterfaceObject: Boolean! = false) repeatable on OBJECT | INTERFACE | UNION | ENUM | "
        "INPUT_OBJECT | SCALAR",
        "join__unionMember": "directive @join__unionMember(graph: join__Graph!, member: String!) "
        "repeatable on UNION",
        "link": "directive @link(url: String, as: String, for: link__Purpose, "
        "import: [link__Import]) repeatable on SCHEMA",
    }
    if join_version >= 4:
        defs["join__directive"] = (
            "directive @join__directive(graphs: [join__Graph!], name: String!, "
            "args: join__DirectiveArguments) repeatable on SCHEMA | OBJECT | INTERFACE | "
            "FIELD_DEFINITION"
        )
    if inaccessible:
        defs["inaccessible"] = f"directive @inaccessible on {_ALL_ELEMENTS}"
    if tag:
        defs["tag"] = f"directive @tag(name: String!) repeatable on {_ALL_ELEMENTS} | SCHEMA"
    if cost:
        defs["cost"] = (
            "directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | "
            "INPUT_FIELD_DEFINITION | OBJECT | SCALAR"
        )
        defs["listSize"] = (
            "directive @listSize(assumedSize: Int, slicingArguments: [String!], "
            "sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION"
        )
    if "authenticated" in authorization:
        defs["authenticated"] = f"directive @authenticated on {_AUTHORIZATION_LOCATIONS}"
    if "requiresScopes" in authorization:
        defs["requiresScopes"] = (
            "directive @requiresScopes(scopes: [[requiresScopes__Scope!]!]!) on "
            + _AUTHORIZATION_LOCATIONS
        )
    if "policy" in authorization:
        defs["policy"] = (
            f"directive @policy(policies: [[policy__Policy!]!]!) on {_AUTHORIZATION_LOCATIONS}"
        )
    return [defs[name] for name in sorted(defs)]


def authorization_types(authorization: frozenset[str]) -> dict[str, str]:
    """The scalars the ``@requiresScopes``/``@policy`` definitions use."""
    types = {}
    if "requiresScopes" in authorization:
        types["requiresScopes__Scope"] = "scalar requiresScopes__Scope"
    if "policy" in authorization:
        types["policy__Policy"] = "scalar policy__Policy"
    return types


def join_support_types(join_version: int) -> dict[str, str]:
    """The join/link types by name (the ``join__Graph`` enum is printed separately)."""
    types = {
        "join__FieldSet": "scalar join__FieldSet",
        "link__Import": "scalar link__Import",
        "link__Purpose": (
            "enum link__Purpose {\n"
            '  """\n'
            "  `SECURITY` features provide metadata necessary to securely resolve fields.\n"
            '  """\n'
            "  SECURITY\n"
            "\n"
            '  """\n'
            "  `EXECUTION` features provide metadata necessary for operation execution.\n"
            '  """\n'
            "  EXECUTION\n"
            "}"
        ),
    }
    if join_version >= 4:
        types["join__DirectiveArguments"] = "scalar join__DirectiveArguments"
    if join_version >= 5:
        types["join__FieldValue"] = "scalar join__FieldValue"
        types["join__ContextArgument"] = (
            "input join__ContextArgument {\n"
            "  name: String!\n"
            "  type: String!\n"
            "  context: String!\n"
            "  selection: join__FieldValue!\n"
            "}"
        )
    return types
