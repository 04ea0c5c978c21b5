"""The fetch DAG: the steps a plan will take, before they become plan nodes.

A ``FetchGroup`` is one request to one subgraph: the root fetch of an operation, or an
entity fetch (``_entities``) for the objects at one response path. The walk
(``gateway.planning.walk``) adds fields to groups as it decides where each field comes
from; a group depends on the groups that supply its representations (keys and
``@requires`` fields). ``FetchGraph`` owns the groups and hands out children, so that
fields that take the same jump share one fetch.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from graphql import print_ast

from gateway.errors import RequestError
from gateway.planning.operation import NField
from gateway.planning.selection import SubField, SubSelection

Path = tuple[str, ...]


class PlanningError(RequestError):
    """The operation cannot be planned; the message names the field and the reason.

    A request error (400 with ``application/graphql-response+json``, like a validation
    error): nothing was executed, and the client learns why its operation cannot be run
    against this supergraph; the gateway logs it with the operation's hash."""

    code = "QUERY_PLANNING_FAILED"


@dataclass(eq=False)
class FetchGroup:
    id: int
    subgraph: str
    path: Path
    entity: bool
    parent: FetchGroup | None
    selection: SubSelection = field(default_factory=SubSelection)
    #: Entity fetches: per entity type, the representation's fields (planned selection).
    requires: dict[str, list[tuple[NField, SubField, bool]]] = field(default_factory=dict)
    #: Entity fetches: the ``__typename`` sent for objects of a type, when it differs
    #: (objects of an interface's implementations sent to an ``@interfaceObject``).
    sent_types: dict[str, str] = field(default_factory=dict)
    depends_on: set[FetchGroup] = field(default_factory=set)
    children: dict[tuple[str, Path, int], FetchGroup] = field(default_factory=dict)
    variables: set[str] = field(default_factory=set)
    #: The part of the response it fetches for: 0 the primary, else a deferred
    #: fragment's context (``gateway.planning.defer``).
    defer: int = 0

    def __hash__(self) -> int:
        return self.id

    def root(self) -> FetchGroup:
        group = self
        while group.parent is not None:
            group = group.parent
        return group


class FetchGraph:
    """All fetch groups of one planning run, in creation order."""

    def __init__(self) -> None:
        self.groups: list[FetchGroup] = []
        self._ids = itertools.count()
        #: The context new groups belong to (0: the primary part; see ``FetchGroup.defer``).
        self.context = 0

    def new_group(
        self, subgraph: str, path: Path, entity: bool, parent: FetchGroup | None
    ) -> FetchGroup:
        group = FetchGroup(next(self._ids), subgraph, path, entity, parent, defer=self.context)
        if parent is not None:
            group.depends_on.add(parent)
        self.groups.append(group)
        return group

    def child(
        self,
        group: FetchGroup,
        subgraph: str,
        path: Path,
        type_name: str,
        wanted: list[NField],
        avoid: set[FetchGroup] | frozenset[FetchGroup] = frozenset(),
    ) -> FetchGroup:
        """The entity fetch under ``group`` for (subgraph, path). Two fields that require
        the same field with different arguments cannot share one representation (it has
        one value per field name), so such a requirement gets a fetch of its own; so
        does a field whose requirements come from a fetch that depends on the existing
        one (``avoid``: sharing it would be a cycle). A fetch for another part of the
        response (a deferred fragment's, or the primary's) is never shared either."""
        for variant in itertools.count():
            child = group.children.get((subgraph, path, variant))
            if child is None:
                child = self.new_group(subgraph, path, True, group)
                group.children[(subgraph, path, variant)] = child
                return child
            if (
                child.defer == self.context
                and child not in avoid
                and not _conflicting(child.requires.get(type_name, []), wanted)
            ):
                return child
        raise AssertionError("unreachable")

    def subtree(self, root: FetchGroup) -> list[FetchGroup]:
        """The primary groups that descend from ``root`` (a mutation's root fields run
        one by one)."""
        return [g for g in self.groups if g.root() is root and g.defer == 0]

    def of_context(self, context: int) -> list[FetchGroup]:
        return [g for g in self.groups if g.defer == context]


def _conflicting(entries: list[tuple[NField, SubField, bool]], wanted: list[NField]) -> bool:
    """Two requirements that select one field with different arguments, at any depth
    (``author { score(weight: 2) }`` and ``author { score(weight: 1) }``): one
    representation has one value per field name, so they cannot share a fetch."""
    held = {nfield.name: nfield for nfield, _, _ in entries}
    return any(nfield.name in held and _differ(held[nfield.name], nfield) for nfield in wanted)


def _differ(first: NField, second: NField) -> bool:
    if _arguments_text(first) != _arguments_text(second):
        return True
    if first.selection is None or second.selection is None:
        return False
    if first.selection.abstract and _conditioned(first) != _conditioned(second):
        # ``items { ... on Book { weight } ... on Gadget { weight } }`` beside
        # ``items { ... on Gadget { weight } }``: merged, the second field's
        # representation would carry book weights it did not ask for.
        return True
    for type_name, fields in second.selection.by_type.items():
        held = {f.name: f for f in first.selection.by_type.get(type_name, [])}
        if any(f.name in held and _differ(held[f.name], f) for f in fields):
            return True
    return False


def _conditioned(nfield: NField) -> frozenset[str]:
    """The object types under which a requirement selects something."""
    assert nfield.selection is not None
    return frozenset(
        t
        for t, fields in nfield.selection.by_type.items()
        if any(f.name != "__typename" for f in fields)
    )


def _arguments_text(nfield: NField) -> str:
    return ", ".join(print_ast(argument) for argument in nfield.arguments)
