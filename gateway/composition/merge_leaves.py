"""Merging enums, input objects, unions and scalars.

- Unions: the union of every subgraph's members (``@join__unionMember`` per subgraph).
- Input objects: the intersection of fields, since the gateway may only send a field
  every subgraph accepts; a required field missing somewhere is an error.
- Enums: merged by how the supergraph uses them. Only in output positions: the union
  of values (a client must be ready for any). Only in input positions: the intersection
  (every subgraph must accept what a client sends). Both: the values must agree.
"""

from __future__ import annotations

from typing import Literal

from gateway.composition.context import MergeContext, Source, merge_applied, quoted
from gateway.composition.joined import JoinField, JoinType, MergedEnumValue, MergedField, MergedType
from gateway.composition.typeref import merge_input

EnumUsage = Literal["input", "output", "both", "unused"]


def _join_types(sources: list[Source]) -> list[JoinType]:
    return [JoinType(s.graph) for s in sources]


def merge_scalar(name: str, sources: list[Source]) -> MergedType:
    merged = MergedType(name=name, kind="scalar", join_types=_join_types(sources))
    merge_applied(merged, [s.type for s in sources])
    return merged


def merge_union(name: str, sources: list[Source]) -> MergedType:
    merged = MergedType(name=name, kind="union", join_types=_join_types(sources))
    merge_applied(merged, [s.type for s in sources])
    for s in sources:
        for member in s.type.members:
            merged.join_members.append((s.graph, member))
            if member not in merged.members:
                merged.members.append(member)
    return merged


def merge_input_object(ctx: MergeContext, name: str, sources: list[Source]) -> MergedType:
    merged = MergedType(name=name, kind="input", join_types=_join_types(sources))
    merge_applied(merged, [s.type for s in sources])
    for field_name in dict.fromkeys(f for s in sources for f in s.type.fields):
        having = [(s, s.type.fields[field_name]) for s in sources if field_name in s.type.fields]
        coordinate = f'"{name}.{field_name}"'
        if len(having) < len(sources):
            required = [
                s.subgraph.name for s, f in having if f.type.endswith("!") and f.default is None
            ]
            if required:
                missing = [s.subgraph.name for s in sources if field_name not in s.type.fields]
                ctx.error(
                    "REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH",
                    f"Input object field {coordinate} is required in subgraph(s) "
                    f"{quoted(required)} but missing in subgraph(s) "
                    f"{quoted(missing)}",
                    required + missing,
                )
            continue
        field_type = merge_input([f.type for _, f in having])
        if field_type is None:
            ctx.error(
                "FIELD_TYPE_MISMATCH",
                f"Type of input field {coordinate} is incompatible across subgraphs: "
                + ", ".join(f'"{f.type}" in subgraph "{s.subgraph.name}"' for s, f in having),
                [s.subgraph.name for s, _ in having],
            )
            continue
        defaults = {f.default for _, f in having}
        if len(defaults) > 1:
            ctx.error(
                "INPUT_FIELD_DEFAULT_MISMATCH",
                f"Default value of input field {coordinate} is inconsistent across subgraphs: "
                + ", ".join(
                    f'{f.default or "no default"} in subgraph "{s.subgraph.name}"'
                    for s, f in having
                ),
                [s.subgraph.name for s, _ in having],
            )
        merged_field = MergedField(name=field_name, type=field_type, default=having[0][1].default)
        merge_applied(merged_field, [f for _, f in having])
        if len({f.type for _, f in having}) > 1:
            merged_field.join_fields = [JoinField(graph=s.graph, type=f.type) for s, f in having]
        merged.fields.append(merged_field)
    if not merged.fields:
        ctx.error(
            "EMPTY_MERGED_INPUT_TYPE",
            f'None of the fields of input object type "{name}" are consistently defined in all the '
            "subgraphs defining that type",
            [s.subgraph.name for s in sources],
        )
    return merged


def merge_enum(ctx: MergeContext, name: str, sources: list[Source], usage: EnumUsage) -> MergedType:
    merged = MergedType(name=name, kind="enum", join_types=_join_types(sources))
    merge_applied(merged, [s.type for s in sources])
    all_values = list(dict.fromkeys(v for s in sources for v in s.type.values))
    in_all = [v for v in all_values if all(v in s.type.values for s in sources)]
    if usage == "both" and len(in_all) != len(all_values):
        partial = [v for v in all_values if v not in in_all]
        ctx.error(
            "ENUM_VALUE_MISMATCH",
            f'Enum type "{name}" is used as both input type and output type, but value(s) '
            f"{quoted(partial)} are not defined in every subgraph defining it",
            [s.subgraph.name for s in sources],
        )
    kept = in_all if usage == "input" else all_values
    for value_name in kept:
        having = [s for s in sources if value_name in s.type.values]
        value = MergedEnumValue(name=value_name, graphs=[s.graph for s in having])
        merge_applied(value, [s.type.values[value_name] for s in having])
        merged.values.append(value)
    if not merged.values:
        ctx.error(
            "EMPTY_MERGED_ENUM_TYPE",
            f'None of the values of enum type "{name}" are defined consistently in all the '
            "subgraphs defining it (it is only used in inputs, so values are intersected)",
            [s.subgraph.name for s in sources],
        )
    return merged
