"""Deferred fragments (``@defer``): later fetch groups that start from the primary's data.

The walk plans the operation without its deferred fragments first (the primary part).
Each deferred fragment met on the way is queued with where its objects are: the fetch
group that placed them, their selection in it and their path. Then each fragment is
planned in a context of its own (``FetchGroup.defer``): its fields leave the parent's
fetch through an entity jump by key, even to the same subgraph, so the parent's fetch
only gains the key fields and the part it belongs to goes out as soon as its fetches are
done. At a query's root a deferred field gets a root fetch of the fragment's own. An
object that cannot be fetched again by key (a value type, an ``@interfaceObject``) has
its deferred fields fetched with its parent: still delivered in the deferred part, only
not any sooner.

Fragments deferred inside a deferred fragment are planned after it, in their own
context: their sub-plan runs once their parent's part is done.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from graphql import SelectionSetNode

from gateway.planning.fetch_graph import FetchGraph, FetchGroup, Path
from gateway.planning.graph import SupergraphGraph
from gateway.planning.jumps import EntityJumps
from gateway.planning.operation import DeferredSelection, NField, NSelection
from gateway.planning.reach import Reach
from gateway.planning.selection import SubSelection


class DeferUnsupported(Exception):
    """A deferred fragment sits where the planner cannot plan it apart (below a field
    split between subgraphs, or an ``@interfaceObject``'s selection): the operation is
    then planned as if nothing were deferred, and answered in one part."""


@dataclass(slots=True)
class PendingDefer:
    """A deferred fragment met by the walk, not planned yet."""

    deferred: DeferredSelection
    #: The context it is planned after (0: the primary part).
    parent: int
    #: The fetch that placed its objects (None at the root), their selection in it,
    #: and their path.
    group: FetchGroup | None
    target: SubSelection
    path: Path
    provided: SelectionSetNode | None
    declared: str | None


@dataclass(frozen=True, slots=True)
class PlannedDefer:
    """A deferred fragment's context: its groups are those with ``defer == context``."""

    context: int
    parent: int
    deferred: DeferredSelection
    path: Path


class DeferredFragments(EntityJumps):
    """The deferred fragments of one walk (``gateway.planning.walk.Walk`` builds on this)."""

    graph: SupergraphGraph
    fetches: FetchGraph
    reach: Reach
    _pending: deque[PendingDefer]
    _queued: set[tuple[int, Path]]
    _roots_by_context: dict[int, dict[str, FetchGroup]]
    #: Places a selection (``Walk.plan_selection``).
    plan_selection: Callable[..., set[FetchGroup]]
    #: Where each type's fields of a selection go (``Walk.placements``).
    placements: Callable[
        [FetchGroup, NSelection, SubSelection, str | None],
        Iterator[tuple[str, list[NField], SubSelection, bool]],
    ]

    def queue_deferred(
        self,
        group: FetchGroup | None,
        selection: NSelection,
        target: SubSelection,
        path: Path,
        provided: SelectionSetNode | None,
        declared: str | None,
    ) -> None:
        """Remember the fragments deferred in ``selection`` (objects at ``path``, placed
        by ``group``), to plan once the current context is planned."""
        for deferred in selection.deferred:
            if (deferred.id, path) in self._queued:
                continue  # the same objects planned twice (fields split between fetches)
            self._queued.add((deferred.id, path))
            self._pending.append(
                PendingDefer(
                    deferred, self.fetches.context, group, target, path, provided, declared
                )
            )

    def plan_deferred(self) -> list[PlannedDefer]:
        """Plan every queued fragment (and those queued meanwhile), each in its context."""
        planned: list[PlannedDefer] = []
        while self._pending:
            pending = self._pending.popleft()
            context = len(planned) + 1
            self.fetches.context = context
            self._roots = self._roots_by_context.setdefault(context, {})
            self._plan_fragment(pending)
            planned.append(PlannedDefer(context, pending.parent, pending.deferred, pending.path))
        self.fetches.context = 0
        self._roots = self._roots_by_context[0]
        return planned

    def _plan_fragment(self, pending: PendingDefer) -> None:
        selection = pending.deferred.selection
        group, target, path, provided = (
            pending.group,
            pending.target,
            pending.path,
            pending.provided,
        )
        if group is None:
            # At a query's root: each field from a root fetch of this fragment's own.
            root = selection.by_type[selection.parent]
            for nfield in root:
                if nfield.introspection or nfield.name == "__typename":
                    continue  # answered by the gateway itself
                subgraph = self.best_root(
                    selection.parent, nfield, self.graph.resolvers(selection.parent, nfield.name)
                )
                fetch = self.root_group(subgraph)
                self.plan_field(fetch, selection.parent, nfield, fetch.selection, (), None)
            self.queue_deferred(None, selection, target, path, provided, None)
            return
        if selection.abstract and self.graph.is_interface_object(selection.parent, group.subgraph):
            # Fetched with its parent (the interface's owner gives the concrete types).
            self.plan_selection(group, selection, target, path, provided, False, pending.declared)
            return
        if selection.abstract:
            target.add_field("__typename")  # as ``Walk.plan_selection``
        for type_name, fields, place, conditioned in self.placements(
            group, selection, target, pending.declared
        ):
            self._siblings = fields
            for nfield in fields:
                self._defer_field(group, type_name, nfield, place, path, provided, conditioned)
        # Fragments deferred inside this one: the same objects, planned after it.
        self.queue_deferred(group, selection, target, path, provided, pending.declared)

    def _defer_field(
        self,
        group: FetchGroup,
        type_name: str,
        nfield: NField,
        target: SubSelection,
        path: Path,
        provided: SelectionSetNode | None,
        condition: bool,
    ) -> None:
        """Place a field of a deferred fragment: out of ``group`` (the parent's fetch)."""
        if nfield.name == "__typename" or not self._refetchable(group, type_name, nfield, provided):
            self.plan_field(group, type_name, nfield, target, path, provided, condition=condition)
            return
        child, entity_type = self.jump(
            group, type_name, nfield.name, path, target, provided, deferring=True
        )
        _, placed = self.plan_field(
            child,
            entity_type,
            nfield,
            child.selection.fragment(entity_type),
            path,
            None,
            requirements_met=True,
        )
        if target.fields.get(placed.key) is not placed:
            # Where its data lands, for representations built from these objects.
            target.elsewhere.setdefault(placed.signature(), placed)

    def _refetchable(
        self,
        group: FetchGroup,
        type_name: str,
        nfield: NField,
        provided: SelectionSetNode | None,
    ) -> bool:
        """Can ``type.field`` be fetched apart from ``group``: an entity field some
        subgraph resolves by a key ``group`` can give it."""
        visiting = frozenset({(type_name, nfield.name)})
        for subgraph in self.graph.resolvers(type_name, nfield.name):
            for key in self.graph.resolvable_keys(type_name, subgraph):
                if self.reach.key_available(
                    type_name, key, group.subgraph, provided
                ) or self.reach.fields_reachable(
                    type_name, key, group.subgraph, provided, visiting
                ):
                    return True
        return False


def deferred_ids(root: NSelection) -> set[int]:
    """The ids of every deferred fragment of an operation (at any depth)."""
    found: set[int] = set()
    seen: set[int] = set()
    stack = [root]
    while stack:
        selection = stack.pop()
        if id(selection) in seen:
            continue
        seen.add(id(selection))
        for deferred in selection.deferred:
            found.add(deferred.id)
            stack.append(deferred.selection)
        for fields in selection.by_type.values():
            stack.extend(f.selection for f in fields if f.selection is not None)
    return found
