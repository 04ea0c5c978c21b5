"""Print the supergraph model as join-spec SDL, in rover's layout.

Layout follows ``rover supergraph compose``: the ``schema`` definition with its ``@link``s,
directive definitions sorted by name, then every type sorted by name (case-insensitively,
which puts ``join__``/``link__`` types before ``Product``... as rover's output shows),
type-level directives one per line with the opening brace on its own line, field
directives on the field's line. The output is deterministic: same input, same bytes.
"""

from __future__ import annotations

from graphql.language.print_string import print_string

from gateway.composition import specs
from gateway.composition.joined import (
    JoinField,
    JoinType,
    MergedArgument,
    MergedField,
    MergedType,
    Supergraph,
)
from gateway.composition.model import Applied

_KEYWORDS = {
    "object": "type",
    "interface": "interface",
    "input": "input",
    "enum": "enum",
    "union": "union",
    "scalar": "scalar",
}


def print_supergraph(supergraph: Supergraph) -> str:
    uses = _uses(supergraph)
    links = [
        f"@link(url: {print_string(specs.LINK_URL)})",
        f"@link(url: {print_string(specs.join_url(supergraph.join_version))}, for: EXECUTION)",
    ]
    if uses["tag"]:
        links.append(f"@link(url: {print_string(specs.TAG_URL)})")
    if uses["inaccessible"]:
        links.append(f"@link(url: {print_string(specs.INACCESSIBLE_URL)}, for: SECURITY)")
    if uses["cost"]:
        links.append(f'@link(url: {print_string(specs.COST_URL)}, import: ["@cost", "@listSize"])')
    # In the order rover prints them.
    for spec in ("policy", "requiresScopes", "authenticated"):
        if uses[spec]:
            links.append(
                f"@link(url: {print_string(specs.AUTHORIZATION_URLS[spec])}, for: SECURITY)"
            )
    links += _composed_links(supergraph)
    schema = "schema\n" + "".join(f"  {link}\n" for link in links) + "{\n"
    schema += "".join(f"  {kind}: {name}\n" for kind, name in supergraph.roots.items()) + "}"
    blocks = [schema]
    spec_directives = specs.directive_definitions(
        supergraph.join_version,
        inaccessible=uses["inaccessible"],
        tag=uses["tag"],
        cost=uses["cost"],
        authorization=frozenset(s for s in specs.AUTHORIZATION_URLS if uses[s]),
    )
    # ``directive @name(`` or ``directive @name on``: sort spec and shared directives together.
    directives = {d.split(" ")[1].split("(")[0]: d for d in spec_directives}
    directives.update({f"@{n}": d for n, d in supergraph.directive_definitions.items()})
    directives.update({f"@{n}": d.definition for n, d in supergraph.composed_directives.items()})
    blocks += [directives[name] for name in sorted(directives)]
    types = specs.join_support_types(supergraph.join_version)
    types.update(
        specs.authorization_types(frozenset(s for s in specs.AUTHORIZATION_URLS if uses[s]))
    )
    types["join__Graph"] = _graph_enum(supergraph)
    for name, merged in supergraph.types.items():
        types[name] = _type(merged)
    blocks += [types[name] for name in sorted(types, key=lambda n: (n.lower(), n))]
    return "\n\n".join(blocks) + "\n"


def _uses(supergraph: Supergraph) -> dict[str, bool]:
    elements: list[Applied] = []
    for t in supergraph.types.values():
        elements.append(t)
        elements.extend(t.values)
        for f in t.fields:
            elements.append(f)
            elements.extend(f.args)
    return {
        "tag": any(e.tags for e in elements),
        "inaccessible": any(e.inaccessible for e in elements),
        "cost": any(e.cost is not None or e.list_size is not None for e in elements),
        "authenticated": any(e.authenticated for e in elements),
        "requiresScopes": any(e.scopes is not None for e in elements),
        "policy": any(e.policies is not None for e in elements),
    }


def _composed_links(supergraph: Supergraph) -> list[str]:
    """One ``@link`` per spec that ``@composeDirective`` directives come from."""
    by_url: dict[str, list[str]] = {}
    for name, directive in sorted(supergraph.composed_directives.items()):
        by_url.setdefault(directive.url, []).append(print_string(f"@{name}"))
    return [
        f"@link(url: {print_string(url)}, import: [{', '.join(imports)}])"
        for url, imports in sorted(by_url.items())
    ]


def _graph_enum(supergraph: Supergraph) -> str:
    lines = [
        f"  {g.enum} @join__graph(name: {print_string(g.name)}, url: {print_string(g.url)})"
        for g in supergraph.graphs
    ]
    return "enum join__Graph {\n" + "\n".join(lines) + "\n}"


def _description(text: str | None, indent: str) -> str:
    if text is None:
        return ""
    body = "\n".join(
        indent + line if line else "" for line in text.replace('"""', '\\"""').split("\n")
    )
    return f'{indent}"""\n{body}\n{indent}"""\n'


def _applied(element: Applied) -> list[str]:
    out: list[str] = []
    if element.deprecated is not None:
        out.append(
            "@deprecated"
            if element.deprecated == ""
            else f"@deprecated(reason: {print_string(element.deprecated)})"
        )
    out += [f"@tag(name: {print_string(tag)})" for tag in element.tags]
    if element.inaccessible:
        out.append("@inaccessible")
    if element.cost is not None:
        out.append(f"@cost(weight: {element.cost})")
    if element.list_size is not None:
        out.append(f"@listSize({element.list_size})")
    if element.authenticated:
        out.append("@authenticated")
    if element.scopes is not None:
        out.append(f"@requiresScopes(scopes: {_nested(element.scopes)})")
    if element.policies is not None:
        out.append(f"@policy(policies: {_nested(element.policies)})")
    out += element.composed
    return out


def _nested(groups: tuple[tuple[str, ...], ...]) -> str:
    inner = (", ".join(print_string(s) for s in group) for group in groups)
    return "[" + ", ".join(f"[{g}]" for g in inner) + "]"


def _join_type(j: JoinType) -> str:
    args = [f"graph: {j.graph}"]
    if j.key is not None:
        args.append(f"key: {print_string(j.key)}")
    if j.extension:
        args.append("extension: true")
    if not j.resolvable:
        args.append("resolvable: false")
    if j.is_interface_object:
        args.append("isInterfaceObject: true")
    return f"@join__type({', '.join(args)})"


def _join_field(j: JoinField) -> str:
    args: list[str] = []
    if j.graph is not None:
        args.append(f"graph: {j.graph}")
    if j.requires is not None:
        args.append(f"requires: {print_string(j.requires)}")
    if j.provides is not None:
        args.append(f"provides: {print_string(j.provides)}")
    if j.type is not None:
        args.append(f"type: {print_string(j.type)}")
    if j.external:
        args.append("external: true")
    if j.override is not None:
        args.append(f"override: {print_string(j.override)}")
    if j.used_overridden:
        args.append("usedOverridden: true")
    if j.override_label is not None:
        args.append(f"overrideLabel: {print_string(j.override_label)}")
    return f"@join__field({', '.join(args)})" if args else "@join__field"


def _argument(a: MergedArgument) -> str:
    text = f"{a.name}: {a.type}"
    if a.default is not None:
        text += f" = {a.default}"
    return " ".join([text, *_applied(a)])


def _field(f: MergedField, first: bool) -> str:
    out = "" if first or f.description is None else "\n"
    out += _description(f.description, "  ")
    out += f"  {f.name}"
    if f.args:
        if any(a.description for a in f.args):
            inner = "".join(
                _description(a.description, "    ") + f"    {_argument(a)}\n" for a in f.args
            )
            out += f"(\n{inner}  )"
        else:
            out += "(" + ", ".join(_argument(a) for a in f.args) + ")"
    out += f": {f.type}"
    if f.default is not None:
        out += f" = {f.default}"
    directives = [_join_field(j) for j in f.join_fields] + _applied(f)
    return out + "".join(f" {d}" for d in directives)


def _type(t: MergedType) -> str:
    head = _description(t.description, "") + f"{_KEYWORDS[t.kind]} {t.name}"
    if t.interfaces:
        head += " implements " + " & ".join(t.interfaces)
    directives = [f'@join__implements(graph: {g}, interface: "{i}")' for g, i in t.join_implements]
    directives += [_join_type(j) for j in t.join_types]
    directives += [f'@join__unionMember(graph: {g}, member: "{m}")' for g, m in t.join_members]
    directives += _applied(t)
    head += "".join(f"\n  {d}" for d in directives)
    if t.kind == "scalar":
        return head
    if t.kind == "union":
        return head + ("\n = " + " | ".join(t.members) if t.members else "")
    if t.kind == "enum":
        lines = []
        for i, v in enumerate(t.values):
            prefix = "\n" if i and v.description is not None else ""
            value_directives = [f"@join__enumValue(graph: {g})" for g in v.graphs] + _applied(v)
            lines.append(
                prefix
                + _description(v.description, "  ")
                + f"  {v.name}"
                + "".join(f" {d}" for d in value_directives)
            )
        body = "\n".join(lines)
    else:
        body = "\n".join(_field(f, i == 0) for i, f in enumerate(t.fields))
    return f"{head}\n{{\n{body}\n}}"
