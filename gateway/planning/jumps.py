"""Entity jumps: how the walk leaves the subgraph it is in.

When the fetch the walk is in cannot resolve a field, the field is resolved in another
fetch: an entity fetch (``_entities``) below it, reached through a ``@key`` of the
target subgraph that the current fetch holds or can itself reach (``reach.py`` rules out
keys that need themselves), or — for a query's root fields — another root fetch. The
keys and ``@requires`` fields a jump needs are planned first, as internal fields of the
current fetch (or of further jumps); the fetch that takes the field then runs after
every fetch that supplies them, and is never one of those (which would be a cycle).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from graphql import SelectionSetNode

from gateway.planning.fetch_graph import FetchGraph, FetchGroup, Path, PlanningError
from gateway.planning.graph import SupergraphGraph
from gateway.planning.operation import NField, NormalizedOperation, NSelection
from gateway.planning.reach import Reach
from gateway.planning.selection import SubField, SubSelection


class EntityJumps:
    """The jumps of one walk (``gateway.planning.walk.Walk`` builds on this)."""

    graph: SupergraphGraph
    operation: NormalizedOperation
    fetches: FetchGraph
    reach: Reach
    _in_progress: set[tuple[int, str, str]]
    _roots: dict[str, FetchGroup]
    _siblings: list[NField]
    #: Places a field (``Walk.plan_field``): a jump resolves its field through it.
    plan_field: Callable[..., tuple[set[FetchGroup], SubField]]

    def _through_entities(
        self,
        group: FetchGroup,
        type_name: str,
        nfield: NField,
        target: SubSelection,
        path: Path,
        provided: SelectionSetNode | None,
        internal: bool,
        same_subgraph: bool = False,
    ) -> tuple[set[FetchGroup], SubField]:
        """Resolve ``nfield`` in an entity fetch below ``group`` (see ``jump``); a root
        field of a query, in another root fetch (the root is reachable everywhere)."""
        if not path and type_name == self.operation.root.parent and not same_subgraph:
            return self._through_root(group, type_name, nfield, internal)
        child, entity_type = self.jump(
            group, type_name, nfield.name, path, target, provided, same_subgraph
        )
        supplied, placed = self.plan_field(
            child,
            entity_type,
            nfield,
            child.selection.fragment(entity_type),
            path,
            None,
            internal,
            requirements_met=True,
        )
        return supplied | {child}, placed

    def _through_root(
        self, group: FetchGroup, type_name: str, nfield: NField, internal: bool
    ) -> tuple[set[FetchGroup], SubField]:
        """A root field that another subgraph also resolves (``@shareable``) and that
        answers what this one cannot: fetch it there too, in parallel; the results merge
        at the root. Never for mutations: a mutation must run exactly once."""
        if self.operation.kind != "query":
            raise PlanningError(
                f"Cannot plan {type_name}.{nfield.name}: '{group.subgraph}' cannot resolve"
                " all of its selection and a root field of a "
                f"{self.operation.kind} runs in one subgraph only."
            )
        others = [s for s in self.graph.resolvers(type_name, nfield.name) if s != group.subgraph]
        if not others:
            raise PlanningError(
                f"Cannot plan {type_name}.{nfield.name}: no other subgraph resolves it."
            )
        subgraph = self.best_root(type_name, nfield, others)
        root = self.root_group(subgraph)
        supplied, placed = self.plan_field(
            root, type_name, nfield, root.selection, (), None, internal
        )
        return supplied | {root}, placed

    def best_root(self, type_name: str, nfield: NField, candidates: Sequence[str]) -> str:
        """The subgraph to resolve a root field in: one that reaches all of its selection,
        then one that is not stuck below it, then one already fetched from, then the one
        that answers most of it without leaving."""
        return max(
            candidates,
            key=lambda s: (
                self.reach.selection_reachable(type_name, nfield, s),
                not self.reach.stuck_below(type_name, nfield, s, None),
                s in self._roots,
                self.reach.local_score(type_name, nfield, s),
            ),
        )

    def root_group(self, subgraph: str) -> FetchGroup:
        """The query's root fetch to ``subgraph`` (one per subgraph)."""
        group = self._roots.get(subgraph)
        if group is None:
            group = self._roots[subgraph] = self.fetches.new_group(subgraph, (), False, None)
        return group

    def _interface_owner(
        self, group: FetchGroup, interface: str, path: Path, provided: SelectionSetNode | None
    ) -> tuple[str, str]:
        """The subgraph (and key) that tells the concrete type of an interface object:
        one whose key this fetch holds, else one whose key it can reach."""
        pairs = [
            (owner, key)
            for owner in self.graph.interface_owners(interface)
            for key in self.graph.resolvable_keys(interface, owner)
        ]
        for check in (self.reach.key_available, self.reach.fields_reachable):
            for owner, key in pairs:
                if check(interface, key, group.subgraph, provided):
                    return owner, key
        where = ".".join(path) or "the root"
        raise PlanningError(
            f"Cannot plan {interface} at {where}: '{group.subgraph}' sees it as an"
            " @interfaceObject and no subgraph that owns the interface has a key it can"
            " reach, so the concrete type of each object cannot be known."
        )

    # -- entity jumps --------------------------------------------------------------------

    def jump(
        self,
        group: FetchGroup,
        type_name: str,
        field_name: str,
        path: Path,
        target: SubSelection,
        provided: SelectionSetNode | None,
        same_subgraph: bool = False,
        deferring: bool = False,
    ) -> tuple[FetchGroup, str]:
        """The entity fetch (child of ``group``) that resolves ``type.field``, and the
        entity type to ask it for (an interface, for an ``@interfaceObject``).
        ``deferring``: a deferred field, fetched apart from ``group`` even when its
        subgraph resolves it (``defer.py``)."""
        guard = (group.id, type_name, field_name)
        if guard in self._in_progress:
            raise PlanningError(f"No way to reach {type_name}.{field_name} (key cycle).")
        if deferring:
            candidates = [(s, type_name) for s in self.graph.resolvers(type_name, field_name)]
        else:
            candidates = self.reach.jump_candidates(
                type_name, field_name, group.subgraph, same_subgraph
            )
        if not candidates and same_subgraph:
            # Requirements it cannot select itself: any subgraph that resolves the field.
            candidates = self.reach.jump_candidates(type_name, field_name, group.subgraph)
        siblings = self._siblings
        visiting = frozenset({(type_name, field_name)})
        best: tuple[tuple[bool, bool, bool, int, int], str, str, str] | None = None
        for index, (candidate, entity_type) in enumerate(candidates):
            existing = (candidate, path, 0) in group.children
            # Fewest fetches: prefer the subgraph that also resolves the sibling fields
            # this one cannot (they will take the same jump).
            coverage = sum(
                1
                for f in siblings
                if not self.graph.can_resolve(type_name, f.name, group.subgraph, provided)
                and self.graph.can_resolve(entity_type, f.name, candidate)
            )
            for key in self.graph.resolvable_keys(entity_type, candidate):
                direct = self.reach.key_available(type_name, key, group.subgraph, provided)
                # A key that cannot be reached at all (it needs itself) is no path.
                reachable = direct or self.reach.fields_reachable(
                    type_name, key, group.subgraph, provided, visiting
                )
                # A key we hold beats merging into an existing fetch: a key we must first
                # fetch elsewhere costs a whole extra step.
                score = (reachable, direct, existing, coverage, -index)
                if best is None or score > best[0]:
                    best = (score, candidate, entity_type, key)
        if best is None:
            raise PlanningError(
                f"Cannot plan {type_name}.{field_name}: no subgraph resolves it through a key"
                f" reachable from '{group.subgraph}'."
            )
        _, subgraph, entity_type, key = best
        join = self.graph.join_field(entity_type, field_name, subgraph)
        requirement = join.requires if join is not None else None
        self._in_progress.add(guard)
        try:
            # Requirements first: the fetch that takes the field must come after every
            # fetch that supplies them, so it cannot be one those depend on (A requires
            # B.b which requires A.a: A.a, then B.b, then a second fetch from A).
            entries, supplied = self._plan_requirement(
                group, type_name, key, path, target, provided, is_key=True
            )
            if requirement:
                more, more_supplied = self._plan_requirement(
                    group, type_name, requirement, path, target, provided
                )
                entries += more
                supplied |= more_supplied
        finally:
            self._in_progress.discard(guard)
        wanted = [nfield for nfield, _, _ in entries]
        child = self.fetches.child(
            group, subgraph, path, type_name, wanted, avoid=upstream(supplied)
        )
        if entity_type != type_name:
            child.sent_types[type_name] = entity_type
        _register(child, type_name, entries, supplied)
        return child, entity_type

    def _require(
        self,
        group: FetchGroup,
        child: FetchGroup,
        type_name: str,
        field_set: str,
        path: Path,
        target: SubSelection,
        provided: SelectionSetNode | None,
        is_key: bool = False,
    ) -> None:
        """Fetch ``field_set`` of ``type_name`` before ``child`` and send it in its
        representations (an object whose key is null is not sent)."""
        entries, supplied = self._plan_requirement(
            group, type_name, field_set, path, target, provided, is_key
        )
        _register(child, type_name, entries, supplied)

    def _plan_requirement(
        self,
        group: FetchGroup,
        type_name: str,
        field_set: str,
        path: Path,
        target: SubSelection,
        provided: SelectionSetNode | None,
        is_key: bool = False,
    ) -> tuple[list[tuple[NField, SubField, bool]], set[FetchGroup]]:
        """Plan ``field_set`` of ``type_name`` (a key or a ``@requires``) from ``group``:
        the representation entries, and the groups that supply them."""
        target.add_field("__typename")
        entries: list[tuple[NField, SubField, bool]] = []
        supplied: set[FetchGroup] = set()
        for nfield in self.reach.field_set(type_name, field_set):
            more, placed = self.plan_field(
                group, type_name, nfield, target, path, provided, internal=True
            )
            supplied |= more
            entries.append((nfield, placed, is_key))
        return entries, supplied

    # -- root --------------------------------------------------------------------------


def upstream(groups: set[FetchGroup]) -> set[FetchGroup]:
    """``groups`` and every group they depend on, transitively."""
    seen: set[FetchGroup] = set()
    stack = list(groups)
    while stack:
        group = stack.pop()
        if group not in seen:
            seen.add(group)
            stack.extend(group.depends_on)
    return seen


def _register(
    child: FetchGroup,
    type_name: str,
    entries: list[tuple[NField, SubField, bool]],
    supplied: set[FetchGroup],
) -> None:
    """Send ``entries`` in ``child``'s representations of ``type_name``; ``child`` runs
    after the groups that supply them."""
    held = child.requires.setdefault(type_name, [])
    for nfield, placed, is_key in entries:
        index = next((i for i, (f, _, _) in enumerate(held) if f.name == nfield.name), None)
        if index is None:
            held.append((nfield, placed, is_key))
        else:
            # Two requirements select the same object field (``author { years }`` and
            # ``author { score(weight: 2) }``): its representation carries both.
            first, first_placed, first_key = held[index]
            held[index] = (merge_fields(first, nfield), first_placed, first_key or is_key)
    child.depends_on |= supplied - {child}


def merge_fields(first: NField, second: NField) -> NField:
    """One requirement field selecting what both select (same name and arguments)."""
    if first.selection is None or second.selection is None or first is second:
        return first
    by_type = {t: list(fields) for t, fields in first.selection.by_type.items()}
    for type_name, fields in second.selection.by_type.items():
        merged = by_type.setdefault(type_name, [])
        for field in fields:
            index = next((i for i, f in enumerate(merged) if f.key == field.key), None)
            if index is None:
                merged.append(field)
            else:
                merged[index] = merge_fields(merged[index], field)
    selection = NSelection(first.selection.parent, first.selection.abstract, by_type)
    return dataclasses.replace(first, selection=selection)
