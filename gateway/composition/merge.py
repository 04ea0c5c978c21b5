"""Merge checked subgraphs into the supergraph model (``joined.py``), type by type."""

from __future__ import annotations

from gateway.composition.context import MergeContext, field_copy
from gateway.composition.fieldset import base_name
from gateway.composition.inaccessible import check_inaccessible
from gateway.composition.joined import JoinField, MergedType, Supergraph
from gateway.composition.merge_composite import merge_composite
from gateway.composition.merge_leaves import (
    EnumUsage,
    merge_enum,
    merge_input_object,
    merge_scalar,
    merge_union,
)
from gateway.composition.model import ComposedDirective
from gateway.composition.satisfiability import check_satisfiability
from gateway.composition.shareability import check_shareability


def join_version(max_fed_minor: int) -> int:
    """Join spec minor version rover links for the newest federation version used."""
    if max_fed_minor >= 8:
        return 5
    if max_fed_minor >= 7:
        return 4
    return 3


def merge(ctx: MergeContext) -> Supergraph:
    names = sorted({name for s in ctx.subgraphs for name in s.types})
    types: dict[str, MergedType] = {}
    enums: list[str] = []
    for name in names:
        sources = ctx.sources(name)
        kinds = {"interface" if s.type.interface_object else s.type.kind for s in sources}
        if len(kinds) > 1:
            ctx.error(
                "TYPE_KIND_MISMATCH",
                f'Type "{name}" has mismatched kind: it is defined as '
                + ", ".join(f'{s.type.kind} in subgraph "{s.subgraph.name}"' for s in sources),
                [s.subgraph.name for s in sources],
            )
            continue
        kind = kinds.pop()
        if all(s.type.interface_object for s in sources):
            ctx.error(
                "INTERFACE_OBJECT_USAGE_ERROR",
                f'Type "{name}" is declared with @interfaceObject in all the subgraphs in which '
                "it is defined: it must be an interface (with @key) in at least one subgraph",
                [s.subgraph.name for s in sources],
            )
            continue
        if kind in ("object", "interface"):
            types[name] = merge_composite(ctx, name, sources)
        elif kind == "input":
            types[name] = merge_input_object(ctx, name, sources)
        elif kind == "union":
            types[name] = merge_union(name, sources)
        elif kind == "scalar":
            types[name] = merge_scalar(name, sources)
        else:
            enums.append(name)
    usage = _enum_usage(types)
    for name in enums:
        types[name] = merge_enum(ctx, name, ctx.sources(name), usage.get(name, "unused"))
    types = {name: types[name] for name in names if name in types}
    _add_interface_object_fields(types)
    check_shareability(ctx, names)
    if not ctx.errors:
        check_satisfiability(ctx)
    roots = {kind: root for s in ctx.subgraphs for kind, root in s.roots.items()}
    if not ctx.errors and ("Query" not in types or not types["Query"].fields):
        ctx.error(
            "NO_QUERIES",
            "No queries found in any subgraph: a supergraph must have a query root type",
        )
    supergraph = Supergraph(
        graphs=ctx.graphs,
        types=types,
        roots={k: roots[k] for k in ("query", "mutation", "subscription") if k in roots},
        join_version=join_version(max(s.fed_minor for s in ctx.subgraphs)),
        directive_definitions=_executable_directives(ctx),
        composed_directives=_composed_directives(ctx),
    )
    if not ctx.errors:
        check_inaccessible(ctx, supergraph)
    return supergraph


def _enum_usage(types: dict[str, MergedType]) -> dict[str, EnumUsage]:
    seen: dict[str, set[str]] = {}
    for t in types.values():
        for f in t.fields:
            position = "input" if t.kind == "input" else "output"
            seen.setdefault(base_name(f.type), set()).add(position)
            for a in f.args:
                seen.setdefault(base_name(a.type), set()).add("input")
    usage: dict[str, EnumUsage] = {}
    for name, positions in seen.items():
        usage[name] = (
            "both" if len(positions) == 2 else ("input" if "input" in positions else "output")
        )
    return usage


def _add_interface_object_fields(types: dict[str, MergedType]) -> None:
    """Fields an ``@interfaceObject`` adds to an interface also appear on its implementations.

    They carry a bare ``@join__field``: no subgraph resolves them on the object type itself;
    the planner reaches them through the interface object's subgraph.
    """
    for iface in types.values():
        if iface.kind != "interface" or not any(j.is_interface_object for j in iface.join_types):
            continue
        for impl in types.values():
            if impl.kind != "object" or iface.name not in impl.interfaces:
                continue
            have = {f.name for f in impl.fields}
            for f in iface.fields:
                if f.name not in have:
                    copy = field_copy(f)
                    copy.join_fields = [JoinField()]
                    impl.fields.append(copy)


def _composed_directives(ctx: MergeContext) -> dict[str, ComposedDirective]:
    """Every directive a subgraph keeps with ``@composeDirective``; where several define
    it, the first subgraph's (in name order) definition and link."""
    out: dict[str, ComposedDirective] = {}
    for subgraph in ctx.subgraphs:
        for name, directive in subgraph.composed_directives.items():
            out.setdefault(name, directive)
    return out


def _executable_directives(ctx: MergeContext) -> dict[str, str]:
    """Executable directives defined by every subgraph, on the locations all of them allow.

    A client may put them in operations only if every subgraph the gateway forwards to
    accepts them, as Apollo's composition decides.
    """
    first, *others = ctx.subgraphs
    out: dict[str, str] = {}
    for name, d in first.executable_directives.items():
        defs = [d, *(s.executable_directives.get(name) for s in others)]
        if any(o is None for o in defs):
            continue
        locations = [
            loc for loc in d.locations if all(o is not None and loc in o.locations for o in defs)
        ]
        if not locations:
            continue
        args = f"({d.args})" if d.args else ""
        repeatable = " repeatable" if all(o is not None and o.repeatable for o in defs) else ""
        out[name] = f"directive @{name}{args}{repeatable} on {' | '.join(locations)}"
    return out
