"""Where an operation meets the supergraph's requirements: its *sites*.

Computed once per normalized operation (and cached): a tree holding only the selected
fields that carry a requirement and the fields on the way to them, each with its response
path (``"@"`` for each list level, as Apollo writes authorization errors' paths) and its
coordinate (``Type.field``, the concrete type). Per request, ``denied`` walks this small
tree with the caller's facts; an operation that touches no requirement has an empty tree
and costs nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gateway.authz.requirements import Requirement, Rules
from gateway.planning.operation import NField, NSelection

#: A site's identity: (response path, coordinate).
SiteId = tuple[tuple[str, ...], str]


@dataclass(frozen=True, slots=True)
class Site:
    path: tuple[str, ...]
    coordinate: str
    #: None: nothing required here (a field on the way to deeper sites).
    requirement: Requirement | None
    children: tuple[Site, ...]

    @property
    def id(self) -> SiteId:
        return (self.path, self.coordinate)


@dataclass(frozen=True, slots=True)
class Sites:
    roots: tuple[Site, ...]
    #: Every policy named anywhere in the tree (evaluated once per request).
    policy_names: frozenset[str]
    #: Outcomes already decided, by the caller's facts (``decision.Caller`` -> ``Access``;
    #: filled by ``step.Authorizer``).
    outcomes: dict[Any, Any] = field(default_factory=dict, compare=False)


def field_path(path: tuple[str, ...], nfield: NField) -> tuple[str, ...]:
    """The response path of ``nfield`` under ``path``; ``"@"`` per list level below it."""
    return (*path, nfield.key, *("@",) * nfield.list_depth)


def find_sites(rules: Rules, root: NSelection) -> Sites:
    roots = tuple(_selection(rules, root, ()))
    names: set[str] = set()
    stack = list(roots)
    while stack:
        site = stack.pop()
        if site.requirement is not None:
            names |= site.requirement.policy_names
        stack.extend(site.children)
    return Sites(roots, frozenset(names))


def fields_of(selection: NSelection) -> list[tuple[str | None, NField]]:
    """Every field of a selection with the interface it was selected through (if any)."""
    interface = selection.parent if selection.abstract else None
    out = [(interface, f) for fields in selection.by_type.values() for f in fields]
    out.extend((None, f) for f in selection.own or ())
    return out


def _selection(rules: Rules, selection: NSelection, path: tuple[str, ...]) -> list[Site]:
    sites: dict[SiteId, Site] = {}
    for interface, nfield in fields_of(selection):
        if nfield.name == "__typename" or nfield.introspection:
            continue
        through = interface if interface != nfield.parent_type else None
        requirement = rules.for_field(through, nfield.parent_type, nfield.name, nfield.type_name)
        below = field_path(path, nfield)
        children = (
            () if nfield.selection is None else tuple(_selection(rules, nfield.selection, below))
        )
        if requirement is None and not children:
            continue
        site = Site(below, f"{nfield.parent_type}.{nfield.name}", requirement, children)
        sites.setdefault(site.id, site)
    return list(sites.values())
