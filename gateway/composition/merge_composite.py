"""Merging object and interface types: ``@join__type``, ``@join__implements``, fields.

A field gets ``@join__field`` directives only when a query planner needs them, as in
Apollo's composition: when some subgraph defining the type lacks the field, or any
definition is ``@external``, has ``@requires``/``@provides``, takes part in an
``@override``, or the subgraphs declare different types for it (then each one records
its own ``type:``). A field every subgraph of its type defines plainly carries none.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.composition.context import MergeContext, Source, merge_applied, quoted
from gateway.composition.joined import JoinField, JoinType, MergedArgument, MergedField, MergedType
from gateway.composition.model import Field
from gateway.composition.typeref import is_output_subtype, merge_input, merge_output


@dataclass(frozen=True)
class _Definition:
    source: Source
    field: Field
    join: JoinField


def merge_composite(ctx: MergeContext, name: str, sources: list[Source]) -> MergedType:
    is_interface = any(s.type.kind == "interface" for s in sources)
    merged = MergedType(name=name, kind="interface" if is_interface else "object")
    merge_applied(merged, [s.type for s in sources])
    for s in sources:
        if is_interface and s.type.kind == "object" and not s.type.interface_object:
            ctx.error(
                "TYPE_KIND_MISMATCH",
                f'Type "{name}" is an interface in some subgraphs but an object type in '
                f'subgraph "{s.subgraph.name}" (only an @interfaceObject may be)',
                [s.subgraph.name],
            )
        for key in s.type.keys:
            merged.join_types.append(
                JoinType(
                    s.graph, key.fields, key.extension, key.resolvable, s.type.interface_object
                )
            )
        if not s.type.keys:
            merged.join_types.append(JoinType(s.graph, is_interface_object=s.type.interface_object))
        for iface in s.type.interfaces:
            merged.join_implements.append((s.graph, iface))
            if iface not in merged.interfaces:
                merged.interfaces.append(iface)
    names = list(dict.fromkeys(f for s in sources for f in s.type.fields))
    for field_name in names:
        merged_field = _merge_field(ctx, name, field_name, sources)
        if merged_field is not None:
            merged.fields.append(merged_field)
    return merged


def _join_for(
    type_name: str, f: Field, source: Source, overridden: dict[str, Field]
) -> JoinField | None:
    join = JoinField(
        graph=source.graph,
        requires=f.requires,
        provides=f.provides,
        external=f.external,
        override=f.override_from,
        override_label=f.override_label if f.override_from else None,
    )
    overrider = overridden.get(source.subgraph.name)
    if overrider is None:
        return join
    if overrider.override_label is not None:
        join.override_label = overrider.override_label
    elif (type_name, f.name) in source.subgraph.used:
        join.used_overridden = True
    else:
        return None
    return join


def _merge_field(
    ctx: MergeContext, type_name: str, field_name: str, sources: list[Source]
) -> MergedField | None:
    present = [(s, s.type.fields[field_name]) for s in sources if field_name in s.type.fields]
    coordinate = f'"{type_name}.{field_name}"'
    overridden: dict[str, Field] = {}
    for s, f in present:
        if f.override_from is None:
            continue
        target = next((f2 for s2, f2 in present if s2.subgraph.name == f.override_from), None)
        if target is not None and target.override_from is not None:
            ctx.error(
                "OVERRIDE_SOURCE_HAS_OVERRIDE",
                f'Field {coordinate} on subgraph "{s.subgraph.name}" is overridden from subgraph '
                f'"{f.override_from}", which also overrides it',
                [s.subgraph.name, f.override_from],
            )
            continue
        if f.override_from in overridden:
            ctx.error(
                "OVERRIDE_SOURCE_HAS_OVERRIDE",
                f'Field {coordinate} is overridden twice from subgraph "{f.override_from}"',
                [s.subgraph.name],
            )
        overridden[f.override_from] = f
    definitions = [
        _Definition(s, f, join)
        for s, f in present
        if (join := _join_for(type_name, f, s, overridden)) is not None
    ]
    resolving = [d for d in definitions if not d.field.external]
    if not resolving:
        ctx.error(
            "EXTERNAL_MISSING_ON_BASE",
            f"Field {coordinate} is marked @external on all the subgraphs in which it is listed "
            f"({'subgraphs' if len(definitions) > 1 else 'subgraph'} "
            f"{quoted([d.source.subgraph.name for d in definitions])}).",
            [d.source.subgraph.name for d in definitions],
        )
        return None
    field_type = merge_output([d.field.type for d in resolving], ctx.is_member)
    if field_type is None:
        ctx.error(
            "FIELD_TYPE_MISMATCH",
            f"Type of field {coordinate} is incompatible across subgraphs: "
            + _types_by_subgraph([(d.field.type, d.source.subgraph.name) for d in resolving]),
            [d.source.subgraph.name for d in resolving],
        )
        return None
    for d in definitions:
        if (
            d.field.external
            and not is_output_subtype(field_type, d.field.type, ctx.is_member)
            and not is_output_subtype(d.field.type, field_type, ctx.is_member)
        ):
            ctx.error(
                "EXTERNAL_TYPE_MISMATCH",
                f"Type of field {coordinate} is incompatible across subgraphs: it has type "
                f'"{field_type}" but is declared as "{d.field.type}" with @external in '
                f'subgraph "{d.source.subgraph.name}"',
                [d.source.subgraph.name],
            )
    all_equal = len({d.field.type for d in definitions}) == 1
    merged = MergedField(name=field_name, type=field_type)
    merge_applied(merged, [f for _, f in present])
    merged.args = _merge_args(ctx, coordinate, resolving)
    needs_join = (
        not all_equal
        or len(definitions) < len(sources)
        or bool(overridden)
        or any(
            d.join.external or d.join.requires or d.join.provides or d.join.override
            for d in definitions
        )
    )
    if needs_join:
        for d in definitions:
            if not all_equal:
                d.join.type = d.field.type
            merged.join_fields.append(d.join)
    return merged


def _merge_args(
    ctx: MergeContext, coordinate: str, definitions: list[_Definition]
) -> list[MergedArgument]:
    out: list[MergedArgument] = []
    names = list(dict.fromkeys(a for d in definitions for a in d.field.args))
    for arg_name in names:
        having = [(d, d.field.args[arg_name]) for d in definitions if arg_name in d.field.args]
        where = f'argument "{arg_name}" of field {coordinate}'
        if len(having) < len(definitions):
            required = [
                d.source.subgraph.name
                for d, a in having
                if a.type.endswith("!") and a.default is None
            ]
            if required:
                missing = [
                    d.source.subgraph.name for d in definitions if arg_name not in d.field.args
                ]
                ctx.error(
                    "REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH",
                    f"{where} is required in subgraph(s) {quoted(required)} "
                    f"but missing in subgraph(s) {quoted(missing)}",
                    required + missing,
                )
            continue  # optional and not everywhere: dropped, as Apollo does
        arg_type = merge_input([a.type for _, a in having])
        if arg_type is None:
            ctx.error(
                "FIELD_ARGUMENT_TYPE_MISMATCH",
                f"Type of {where} is incompatible across subgraphs: "
                + ", ".join(
                    f'"{a.type}" in subgraph "{d.source.subgraph.name}"' for d, a in having
                ),
                [d.source.subgraph.name for d, _ in having],
            )
            continue
        defaults = {a.default for _, a in having}
        if len(defaults) > 1:
            ctx.error(
                "FIELD_ARGUMENT_DEFAULT_MISMATCH",
                f"Default value of {where} is inconsistent across subgraphs: "
                + ", ".join(
                    f'{a.default or "no default"} in subgraph "{d.source.subgraph.name}"'
                    for d, a in having
                ),
                [d.source.subgraph.name for d, _ in having],
            )
        merged = MergedArgument(name=arg_name, type=arg_type, default=having[0][1].default)
        merge_applied(merged, [a for _, a in having])
        out.append(merged)
    return out


def _types_by_subgraph(pairs: list[tuple[str, str]]) -> str:
    """``it has type "Int" in subgraph "a" but type "String" in subgraphs "b" and "c"``."""
    groups: dict[str, list[str]] = {}
    for type_ref, subgraph in pairs:
        groups.setdefault(type_ref, []).append(subgraph)
    parts = [
        f'type "{t}" in {"subgraphs" if len(names) > 1 else "subgraph"} {quoted(names)}'
        for t, names in groups.items()
    ]
    return "it has " + parts[0] + "".join(f" but {p}" for p in parts[1:])
