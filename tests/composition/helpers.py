"""Helpers for composition tests: compose inline SDLs, compare supergraphs structurally."""

from __future__ import annotations

from graphql import (
    DefinitionNode,
    DirectiveDefinitionNode,
    SchemaDefinitionNode,
    TypeDefinitionNode,
    parse,
    print_ast,
)

from gateway.composition import SubgraphSource, compose


def sources(**sdls: str) -> list[SubgraphSource]:
    return [SubgraphSource(name, f"http://{name}.test/graphql", sdl) for name, sdl in sdls.items()]


def compose_ok(**sdls: str) -> str:
    result = compose(sources(**sdls))
    assert result.errors == [], [str(e) for e in result.errors]
    assert result.supergraph_sdl is not None
    return result.supergraph_sdl


def compose_errors(**sdls: str) -> list[tuple[str, str]]:
    result = compose(sources(**sdls))
    assert result.supergraph_sdl is None
    return [(e.code, e.message) for e in result.errors]


def type_block(supergraph: str, name: str) -> str:
    """The printed definition of one type (with its description), up to its closing brace."""
    keywords = ("type", "interface", "input", "enum", "union", "scalar")
    lines = supergraph.split("\n")
    for i, line in enumerate(lines):
        words = line.split(" ")
        if len(words) > 1 and words[0] in keywords and words[1] == name:
            start = i
            if i and lines[i - 1] == '"""':
                start = i - 2
                while lines[start] != '"""':
                    start -= 1
            end, braced = i, False
            while end + 1 < len(lines) and lines[end] != "}":
                braced = braced or lines[end] == "{"
                if not braced and lines[end + 1] == "":
                    break  # a union or scalar: no body
                end += 1
            return "\n".join(lines[start : end + 1])
    raise AssertionError(f"type {name} not in supergraph")


def _directives(node: object) -> list[str]:
    return sorted(print_ast(d) for d in getattr(node, "directives", None) or ())


def _fields(node: object) -> dict[str, object]:
    out: dict[str, object] = {}
    for f in getattr(node, "fields", None) or getattr(node, "values", None) or ():
        args = sorted(
            (a.name.value, print_ast(a.type), print_ast(a.default_value or a.type))
            for a in getattr(f, "arguments", None) or ()
        )
        field_type = print_ast(f.type) if hasattr(f, "type") else None
        out[f.name.value] = (field_type, args, _directives(f))
    return out


def _definition(node: DefinitionNode) -> tuple[str, object]:
    if isinstance(node, SchemaDefinitionNode):
        ops = sorted((o.operation.value, o.type.name.value) for o in node.operation_types)
        return "schema", (_directives(node), ops)
    if isinstance(node, DirectiveDefinitionNode):
        args = sorted(print_ast(a) for a in node.arguments or ())
        locations = sorted(loc.value for loc in node.locations)
        return f"@{node.name.value}", (args, node.repeatable, locations)
    assert isinstance(node, TypeDefinitionNode)
    members = sorted(t.name.value for t in getattr(node, "types", None) or ())
    interfaces = sorted(i.name.value for i in getattr(node, "interfaces", None) or ())
    return node.name.value, (node.kind, _directives(node), _fields(node), members, interfaces)


def structure(sdl: str) -> dict[str, object]:
    """A supergraph as comparable data: definitions, directives and fields, order-free."""
    return dict(_definition(d) for d in parse(sdl, no_location=True).definitions)
