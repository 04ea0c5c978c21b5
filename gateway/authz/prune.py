"""The operation without the fields the caller may not see: what the planner plans.

The full normalized operation stays what the response is shaped from, so a removed field
comes back ``null`` (and a non-null one nulls its parent, bubbling as for any null); only
the plan is built from the pruned copy. A selection left empty keeps ``__typename`` so
its parent still comes back (an object, with its removed fields null). The copy shares
nothing mutable with the original (the shaper caches tables on the selections it shapes).
"""

from __future__ import annotations

from dataclasses import replace

from gateway.authz.sites import SiteId, field_path, fields_of
from gateway.planning.operation import NField, NormalizedOperation, NSelection


def prune(operation: NormalizedOperation, denied: frozenset[SiteId]) -> NormalizedOperation:
    """A copy of ``operation`` without the fields at ``denied`` sites."""
    return replace(operation, root=_selection(operation.root, denied, ()))


def is_empty(selection: NSelection) -> bool:
    return not fields_of(selection) and not selection.deferred


def _selection(
    selection: NSelection, denied: frozenset[SiteId], path: tuple[str, ...]
) -> NSelection:
    by_type = {
        type_name: _fields(fields, denied, path) for type_name, fields in selection.by_type.items()
    }
    own = None if selection.own is None else _fields(selection.own, denied, path)
    # Deferred fragments keep their id: the response is shaped from the full operation.
    deferred = [
        replace(d, selection=_selection(d.selection, denied, path)) for d in selection.deferred
    ]
    return NSelection(selection.parent, selection.abstract, by_type, None, own, deferred)


def _fields(fields: list[NField], denied: frozenset[SiteId], path: tuple[str, ...]) -> list[NField]:
    kept: list[NField] = []
    for nfield in fields:
        below = field_path(path, nfield)
        if (below, f"{nfield.parent_type}.{nfield.name}") in denied:
            continue
        if nfield.selection is None:
            kept.append(nfield)
            continue
        child = _selection(nfield.selection, denied, below)
        if is_empty(child):
            for type_name in child.by_type:
                child.by_type[type_name] = [_typename(type_name)]
        kept.append(replace(nfield, selection=child))
    return kept


def _typename(type_name: str) -> NField:
    return NField("__typename", "__typename", type_name, chain=(("named", False),))
