"""``@inaccessible`` must leave a valid API schema (what clients see once it is removed).

- ``REFERENCED_INACCESSIBLE``: a visible field, argument or input field whose type is
  inaccessible, or an interface or union member hidden behind a visible type's reference.
- ``ONLY_INACCESSIBLE_CHILDREN``: a visible type whose every field or value is hidden.
- ``REQUIRED_INACCESSIBLE``: a required argument or input field that is hidden (clients
  could never send it).
"""

from __future__ import annotations

from gateway.composition.context import MergeContext
from gateway.composition.fieldset import base_name
from gateway.composition.joined import MergedType, Supergraph


def check_inaccessible(ctx: MergeContext, supergraph: Supergraph) -> None:
    hidden = {name for name, t in supergraph.types.items() if t.inaccessible}
    for t in supergraph.types.values():
        if t.inaccessible:
            continue
        _check_children(ctx, t)
        for f in t.fields:
            coordinate = f"{t.name}.{f.name}"
            if not f.inaccessible and base_name(f.type) in hidden:
                ctx.error(
                    "REFERENCED_INACCESSIBLE",
                    f'Type "{base_name(f.type)}" is @inaccessible but is referenced by '
                    f'"{coordinate}", which is in the API schema',
                )
            if f.inaccessible and t.kind == "input" and _required(f.type, f.default):
                ctx.error(
                    "REQUIRED_INACCESSIBLE",
                    f'Input field "{coordinate}" is required but @inaccessible',
                )
            for a in f.args:
                if f.inaccessible:
                    continue
                where = f'argument "{coordinate}({a.name}:)"'
                if not a.inaccessible and base_name(a.type) in hidden:
                    ctx.error(
                        "REFERENCED_INACCESSIBLE",
                        f'Type "{base_name(a.type)}" is @inaccessible but is referenced by '
                        f"{where}, which is in the API schema",
                    )
                if a.inaccessible and _required(a.type, a.default):
                    ctx.error("REQUIRED_INACCESSIBLE", f"{where} is required but @inaccessible")


def _required(type_ref: str, default: str | None) -> bool:
    return type_ref.endswith("!") and default is None


def _check_children(ctx: MergeContext, t: MergedType) -> None:
    children = t.values if t.kind == "enum" else t.fields
    if children and all(c.inaccessible for c in children):
        kind = "values" if t.kind == "enum" else "fields"
        ctx.error(
            "ONLY_INACCESSIBLE_CHILDREN",
            f'Type "{t.name}" is in the API schema but all of its {kind} are @inaccessible',
        )
