"""``INVALID_FIELD_SHARING``: a non-shareable field resolved by several subgraphs.

In Federation 2 a field of an object type may be resolved by more than one subgraph only
if every one of them marks it ``@shareable`` (on the field or its type). Key fields are
shareable by nature; an ``@external`` definition does not resolve the field unless its
subgraph ``@provides`` it (then the subgraphs that own it must mark it shareable); a
subgraph whose definition is overridden (``@override``) no longer counts. Federation 1
subgraphs were upgraded to mark every field shareable (``subgraph_checks.py``).
"""

from __future__ import annotations

from gateway.composition.context import MergeContext, Source, quoted
from gateway.composition.model import Field


def check_shareability(ctx: MergeContext, type_names: list[str]) -> None:
    for type_name in type_names:
        sources = ctx.sources(type_name)
        if any(s.type.kind != "object" or s.type.interface_object for s in sources):
            continue
        for field_name in dict.fromkeys(f for s in sources for f in s.type.fields):
            present = [
                (s, s.type.fields[field_name]) for s in sources if field_name in s.type.fields
            ]
            _check_field(ctx, type_name, field_name, present)


def _check_field(
    ctx: MergeContext, type_name: str, field_name: str, present: list[tuple[Source, Field]]
) -> None:
    if any(f.override_label for _, f in present):
        return  # progressive override: both subgraphs resolve it by design
    overridden = {f.override_from for _, f in present if f.override_from}
    coordinate = (type_name, field_name)
    resolving = [
        (s, f)
        for s, f in present
        if s.subgraph.name not in overridden
        and (not f.external or coordinate in s.subgraph.provided)
    ]
    if len(resolving) < 2:
        return
    unshared = [
        s.subgraph.name
        for s, f in resolving
        if not f.shareable and not f.external and coordinate not in s.subgraph.key_fields
    ]
    if not unshared:
        return
    names = [s.subgraph.name for s, _ in resolving]
    shown = [
        f'"{s.subgraph.name}"' + (" (through @provides)" if f.external else "")
        for s, f in resolving
    ]
    owners = [s.subgraph.name for s, f in resolving if not f.external]
    where = "all of them" if unshared == owners else f"subgraph(s) {quoted(unshared)}"
    ctx.error(
        "INVALID_FIELD_SHARING",
        f'Non-shareable field "{type_name}.{field_name}" is resolved from multiple subgraphs: '
        f"it is resolved from subgraphs {', '.join(shown[:-1])} and {shown[-1]} and defined "
        f"as non-shareable in {where}",
        names,
    )
