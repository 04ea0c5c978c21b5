"""What one subgraph can answer from where the walk stands.

Pure questions over the supergraph's resolution facts (``gateway.planning.graph``) and
a normalized selection: can this subgraph resolve a field together with everything
below it, does it hold an entity's key, does a field's ``@requires`` need other
subgraphs. ``provided`` is the ``@provides`` selection in force on the current path:
fields it names are resolvable here although they are ``@external``.
"""

from __future__ import annotations

import dataclasses

from graphql import FieldNode, SelectionSetNode

from gateway.planning.graph import SupergraphGraph, parse_field_set, provided_field
from gateway.planning.operation import NField, Normalizer, NSelection


class Reach:
    def __init__(self, graph: SupergraphGraph) -> None:
        self.graph = graph
        self._field_sets = Normalizer(graph.schema, {}, {})
        self._reachable: dict[tuple[str, str, str], bool] = {}

    def field_set(self, type_name: str, field_set: str) -> list[NField]:
        """A ``FieldSet`` (key or requirement) of ``type_name`` as normalized fields."""
        schema_type = self.graph.schema.get_type(type_name)
        if schema_type is None:
            return []
        selection = self._field_sets.selection(
            schema_type,
            list(parse_field_set(field_set).selections),
        )
        if selection.abstract:
            # A key on an interface selects the interface's own fields: the same for
            # every implementation.
            return next(iter(selection.by_type.values()), [])
        return selection.by_type.get(type_name, [])

    def provided_below(
        self, type_name: str, field_name: str, subgraph: str, provided: SelectionSetNode | None
    ) -> SelectionSetNode | None:
        """The ``@provides`` selection in force below ``type.field`` in ``subgraph``."""
        if provided is not None:
            found = provided_field(provided, type_name, field_name)
            if isinstance(found, FieldNode):
                return found.selection_set
        join = self.graph.join_field(type_name, field_name, subgraph)
        if join is not None and join.provides:
            return parse_field_set(join.provides)
        return None

    def stuck_below(
        self, type_name: str, nfield: NField, subgraph: str, provided: SelectionSetNode | None
    ) -> bool:
        """True when a value-type (key-less) field below ``nfield`` is out of this
        subgraph's reach: there is no key to come back through to another subgraph."""
        if nfield.selection is None:
            return False
        below = self.provided_below(type_name, nfield.name, subgraph, provided)
        possible = self._possible(type_name, nfield, subgraph)
        for inner_type, fields in nfield.selection.by_type.items():
            if self.graph.is_entity(inner_type) or inner_type not in possible:
                continue
            for inner in fields:
                if inner.name == "__typename":
                    continue
                if not self.graph.can_resolve(inner_type, inner.name, subgraph, below):
                    return True
                if self.stuck_below(inner_type, inner, subgraph, below):
                    return True
        return False

    def reachable(
        self,
        type_name: str,
        field_name: str,
        subgraph: str,
        provided: SelectionSetNode | None,
        visiting: frozenset[tuple[str, str]] = frozenset(),
    ) -> bool:
        """Can the walk, standing in ``subgraph`` on an object of ``type_name``, get
        ``field_name`` at all: here, or through a chain of entity jumps whose keys (and
        requirements) are themselves reachable? ``visiting`` holds the fields being
        reached higher up the chain: a key that needs itself is a cycle, not a path."""
        if field_name == "__typename":
            return True
        memo_key = (type_name, field_name, subgraph)
        memoize = provided is None and not visiting
        if memoize and memo_key in self._reachable:
            return self._reachable[memo_key]
        marker = (type_name, field_name)
        found = False
        if marker not in visiting:
            inner = visiting | {marker}
            if self.graph.can_resolve(type_name, field_name, subgraph, provided):
                join = self.graph.join_field(type_name, field_name, subgraph)
                requires = join.requires if join is not None else None
                found = not requires or self.fields_reachable(
                    type_name, requires, subgraph, provided, inner
                )
            if not found:
                found = any(
                    self._through_key(
                        type_name, field_name, other, entity, subgraph, provided, inner
                    )
                    for other, entity in self.jump_candidates(type_name, field_name, subgraph)
                )
        if memoize:
            self._reachable[memo_key] = found
        return found

    def _through_key(
        self,
        type_name: str,
        field_name: str,
        other: str,
        entity: str,
        subgraph: str,
        provided: SelectionSetNode | None,
        visiting: frozenset[tuple[str, str]],
    ) -> bool:
        join = self.graph.join_field(entity, field_name, other)
        requires = join.requires if join is not None else None
        if requires and not self.fields_reachable(
            type_name, requires, subgraph, provided, visiting
        ):
            return False
        return any(
            self.fields_reachable(type_name, key, subgraph, provided, visiting)
            for key in self.graph.resolvable_keys(entity, other)
        )

    def fields_reachable(
        self,
        type_name: str,
        field_set: str,
        subgraph: str,
        provided: SelectionSetNode | None,
        visiting: frozenset[tuple[str, str]] = frozenset(),
    ) -> bool:
        """Every top-level field of a key or requirement is reachable from ``subgraph``."""
        return all(
            self.reachable(type_name, nfield.name, subgraph, provided, visiting)
            for nfield in self.field_set(type_name, field_set)
        )

    def jump_candidates(
        self, type_name: str, field_name: str, subgraph: str, same_subgraph: bool = False
    ) -> list[tuple[str, str]]:
        """(subgraph, entity type to ask for) pairs an entity jump for ``type.field`` may
        go to: the subgraphs resolving it, else ``@interfaceObject``s of its interfaces."""
        candidates = [
            (s, type_name)
            for s in self.graph.resolvers(type_name, field_name)
            if (s == subgraph) == same_subgraph
        ]
        if not candidates and not same_subgraph:
            candidates = [
                (s, interface)
                for s, interface in self.graph.interface_object_resolvers(type_name, field_name)
                if s != subgraph
            ]
        return candidates

    def partition(
        self, type_name: str, nfield: NField, subgraph: str, provided: SelectionSetNode | None
    ) -> tuple[NField | None, NField | None]:
        """Split a field whose value-type selection ``subgraph`` can only partly answer
        into (the part it answers, the part another subgraph must), at every depth:
        ``config { locale nested { x y } }`` in a subgraph without ``x`` gives
        ``config { locale nested { y } }`` and ``config { nested { x } }``. Either part is
        None when empty."""
        assert nfield.selection is not None
        below = self.provided_below(type_name, nfield.name, subgraph, provided)
        local: dict[str, list[NField]] = {}
        remote: dict[str, list[NField]] = {}
        possible = self._possible(type_name, nfield, subgraph)
        for inner_type, fields in nfield.selection.by_type.items():
            if inner_type not in possible:
                # This subgraph never returns such objects here: nothing to split.
                local.setdefault(inner_type, []).extend(f for f in fields if f.name == "__typename")
                continue
            for inner in fields:
                if inner.name == "__typename":
                    local.setdefault(inner_type, []).append(inner)
                elif not self.graph.can_resolve(inner_type, inner.name, subgraph, below):
                    remote.setdefault(inner_type, []).append(inner)
                elif self.stuck_below(inner_type, inner, subgraph, below):
                    here, there = self.partition(inner_type, inner, subgraph, below)
                    if here is not None:
                        local.setdefault(inner_type, []).append(here)
                    if there is not None:
                        remote.setdefault(inner_type, []).append(there)
                else:
                    local.setdefault(inner_type, []).append(inner)
        has_local = any(f.name != "__typename" for fields in local.values() for f in fields)
        return (
            _with_selection(nfield, local) if has_local else None,
            _with_selection(nfield, remote) if remote else None,
        )

    def selection_reachable(self, type_name: str, nfield: NField, subgraph: str) -> bool:
        """Every field below ``nfield`` can be reached when ``subgraph`` resolves it:
        here, or through jumps whose keys are reachable (one level past a jump is
        assumed to be the target's: it resolves what it was chosen for)."""
        if nfield.selection is None:
            return True
        possible = self._possible(type_name, nfield, subgraph)
        for inner_type, fields in nfield.selection.by_type.items():
            if inner_type not in possible:
                continue
            for inner in fields:
                if not self.reachable(inner_type, inner.name, subgraph, None):
                    return False
                if self.graph.can_resolve(
                    inner_type, inner.name, subgraph
                ) and not self.selection_reachable(inner_type, inner, subgraph):
                    return False
        return True

    def _possible(self, type_name: str, nfield: NField, subgraph: str) -> set[str]:
        """The object types ``subgraph`` may return for ``type.field``."""
        assert nfield.selection is not None
        if not nfield.selection.abstract:
            return set(nfield.selection.by_type)
        declared = self.graph.declared_type(type_name, nfield.name, subgraph)
        return self.graph.possible_types_in(declared or nfield.selection.parent, subgraph)

    def needs_requirements(
        self, type_name: str, field_name: str, subgraph: str, provided: SelectionSetNode | None
    ) -> bool:
        """True when the field's ``@requires`` names fields this fetch cannot select."""
        join = self.graph.join_field(type_name, field_name, subgraph)
        if join is None or not join.requires:
            return False
        return not self.key_available(type_name, join.requires, subgraph, provided)

    def key_available(
        self, type_name: str, key: str, subgraph: str, provided: SelectionSetNode | None
    ) -> bool:
        """True when ``subgraph`` can select every field of ``key`` on ``type_name``."""
        return all(
            self.locally_resolvable(type_name, nfield, subgraph, provided)
            for nfield in self.field_set(type_name, key)
        )

    def locally_resolvable(
        self, type_name: str, nfield: NField, subgraph: str, provided: SelectionSetNode | None
    ) -> bool:
        if not self.graph.can_resolve(type_name, nfield.name, subgraph, provided):
            return False
        if nfield.selection is None:
            return True
        below = self.provided_below(type_name, nfield.name, subgraph, provided)
        return all(
            self.locally_resolvable(t, f, subgraph, below)
            for t, fields in nfield.selection.by_type.items()
            for f in fields
        )

    def local_score(self, type_name: str, nfield: NField, subgraph: str) -> int:
        """How many fields below ``nfield`` ``subgraph`` resolves without leaving."""
        if nfield.selection is None:
            return 1
        score = 1
        for inner_type, fields in nfield.selection.by_type.items():
            for inner in fields:
                if self.graph.can_resolve(inner_type, inner.name, subgraph):
                    score += self.local_score(inner_type, inner, subgraph)
        return score


def _with_selection(nfield: NField, by_type: dict[str, list[NField]]) -> NField:
    assert nfield.selection is not None
    selection = NSelection(nfield.selection.parent, nfield.selection.abstract, by_type)
    return dataclasses.replace(nfield, selection=selection)
