"""``INVALID_FIELD_SHARING``: a non-shareable field resolved by several subgraphs.

In Federation 2 a field of an object type may be resolved by more than one subgraph only
if every one of them marks it ``@shareable`` (on the field or its type). Key fields are
shareable by nature, ``@external`` definitions do not resolve the field, and a subgraph
whose definition is overridden (``@override``) no longer counts. Federation 1 subgraphs
were upgraded to mark every field shareable (``subgraph_checks.py``).
"""

from __future__ import annotations

from gateway.composition.context import MergeContext


def check_shareability(ctx: MergeContext, type_names: list[str]) -> None:
    for type_name in type_names:
        sources = ctx.sources(type_name)
        if any(s.type.kind != "object" or s.type.interface_object for s in sources):
            continue
        fields = dict.fromkeys(f for s in sources for f in s.type.fields)
        for field_name in fields:
            present = [
                (s, s.type.fields[field_name]) for s in sources if field_name in s.type.fields
            ]
            overridden = {
                f.override_from for _, f in present if f.override_from and f.override_label is None
            }
            labelled = any(f.override_label for _, f in present)
            resolving = [
                (s, f) for s, f in present if not f.external and s.subgraph.name not in overridden
            ]
            if len(resolving) < 2 or labelled:
                continue
            unshared = [
                s.subgraph.name
                for s, f in resolving
                if not f.shareable and (type_name, field_name) not in s.subgraph.key_fields
            ]
            if not unshared:
                continue
            names = [s.subgraph.name for s, _ in resolving]
            where = (
                "all of them"
                if len(unshared) == len(names)
                else "subgraph(s) " + ", ".join(f'"{n}"' for n in unshared)
            )
            ctx.error(
                "INVALID_FIELD_SHARING",
                f'Non-shareable field "{type_name}.{field_name}" is resolved from multiple '
                f"subgraphs: it is resolved from subgraphs "
                + ", ".join(f'"{n}"' for n in names)
                + f" and defined as non-shareable in {where}",
                names,
            )
