"""Emit the plan: the fetch DAG as ``Sequence`` / ``Parallel`` / ``Flatten`` / ``Fetch``.

Each group becomes one ``Fetch`` whose operation text is printed once, here (compact, for
the subgraph) with a readable form for the plan text. Groups are placed in levels: a
group runs after every group it depends on; a level's groups run in parallel.
"""

from __future__ import annotations

import dataclasses
import itertools
import re

from graphql import is_abstract_type, print_ast

from gateway.planning.aliases import TypeConflicts
from gateway.planning.fetch_graph import FetchGroup, PlanningError
from gateway.planning.graph import SupergraphGraph
from gateway.planning.operation import NField, NormalizedOperation
from gateway.planning.optimize import merge_same_fetches
from gateway.planning.plan import Fetch, Flatten, KeyField, Parallel, PlanNode, Sequence, path_text
from gateway.planning.selection import SubField, SubSelection, print_arguments


def wrap(kind: type[Sequence] | type[Parallel], nodes: list[PlanNode]) -> PlanNode | None:
    if not nodes:
        return None
    if len(nodes) == 1:
        return nodes[0]
    return kind(tuple(nodes))


class Emitter:
    """Turns fetch groups into plan nodes: one ``Fetch`` text per group, levels of
    independent groups in ``Parallel``, levels in ``Sequence``."""

    def __init__(self, operation: NormalizedOperation, graph: SupergraphGraph) -> None:
        self.operation = operation
        self.conflicts = TypeConflicts(graph)
        self.graph = graph
        self.counter = itertools.count()
        definitions = operation.operation.variable_definitions or ()
        self.variable_definitions = {d.variable.name.value: d for d in definitions}

    def levels(self, groups: list[FetchGroup]) -> PlanNode:
        members = set(groups)
        level: dict[FetchGroup, int] = {}

        visiting: set[FetchGroup] = set()

        def level_of(group: FetchGroup) -> int:
            if group not in level:
                if group in visiting:
                    raise PlanningError(
                        f"Fetches from '{group.subgraph}' at {path_text(group.path) or 'the root'}"
                        " depend on each other (a cycle of requirements)."
                    )
                visiting.add(group)
                deps = [d for d in group.depends_on if d in members]
                level[group] = 1 + max((level_of(d) for d in deps), default=-1)
                visiting.discard(group)
            return level[group]

        by_level: dict[int, list[FetchGroup]] = {}
        for group in sorted(groups, key=lambda g: g.id):
            if group.selection.is_empty():
                continue
            by_level.setdefault(level_of(group), []).append(group)
        stages = [wrap(Parallel, self._level(by_level[k])) for k in sorted(by_level)]
        node = wrap(Sequence, [s for s in stages if s is not None])
        assert node is not None
        return node

    def _level(self, groups: list[FetchGroup]) -> list[PlanNode]:
        nodes = merge_same_fetches([self.node(group) for group in groups])
        return [self._named(node) for node in nodes]

    def _named(self, node: PlanNode) -> PlanNode:
        """Name the operation sent to the subgraph (``TestQuery__products__3``): subgraph
        logs and traces then show which client operation a request serves."""
        name = self.operation.name
        fetch = node.node if isinstance(node, Flatten) else node
        if not name or not isinstance(fetch, Fetch):
            return node
        # Subgraph names may hold characters a GraphQL name cannot ("product-catalog").
        subgraph = re.sub(r"\W", "_", fetch.subgraph)
        kind = fetch.operation.split("(", 1)[0].split("{", 1)[0]
        operation = f"{kind} {name}__{subgraph}__{next(self.counter)}"
        fetch = dataclasses.replace(fetch, operation=operation + fetch.operation[len(kind) :])
        return Flatten(node.paths, fetch) if isinstance(node, Flatten) else fetch

    def node(self, group: FetchGroup) -> PlanNode:
        variables = tuple(sorted(group.variables))
        definitions = [
            print_ast(self.variable_definitions[v])
            for v in variables
            if v in self.variable_definitions
        ]
        parent = "_Entity" if group.entity else self.operation.root.parent
        renames = self.conflicts.fix(group.selection, parent, group.subgraph)
        if not group.entity:
            kind = self.operation.kind
            header = kind + (f"({', '.join(definitions)})" if definitions else "")
            fetch = Fetch(
                group.subgraph,
                header + group.selection.compact(),
                variables,
                text=tuple(group.selection.pretty(1)),
                kind=kind,
                renames=renames,
            )
            return fetch
        definitions.insert(0, "$representations: [_Any!]!")
        header = f"query({', '.join(definitions)})"
        operation = (
            header
            + "{_entities(representations: $representations)"
            + group.selection.compact()
            + "}"
        )
        requires_selection = SubSelection()
        requires: list[tuple[str, str, tuple[KeyField, ...]]] = []
        for type_name, entries in group.requires.items():
            fragment = requires_selection.fragment(type_name)
            fragment.add_field("__typename")
            keys = tuple(
                _key_field(nfield, placed, fragment, is_key) for nfield, placed, is_key in entries
            )
            sent = group.sent_types.get(type_name, type_name)
            requires.append((type_name, sent, keys))
            # Objects reached as an interface (an @interfaceObject's answers) may since
            # have been given their concrete type by the interface's owner: match those
            # too, still sent as the interface.
            abstract = self.graph.schema.get_type(type_name)
            if is_abstract_type(abstract):
                for concrete in self.graph.schema.get_possible_types(abstract):
                    if concrete.name not in group.requires:
                        requires.append((concrete.name, sent, keys))
        fetch = Fetch(
            group.subgraph,
            operation,
            variables,
            requires=tuple(requires),
            text=tuple(group.selection.pretty(1)),
            requires_text=tuple(requires_selection.pretty(1)),
            renames=renames,
        )
        return Flatten((group.path,), fetch)


def _key_field(
    nfield: NField, placed: SubField | None, text: SubSelection, is_key: bool = False
) -> KeyField:
    """The representation field for a planned requirement (and its readable form).

    ``placed``: where the planner put the field in this fetch's parent, if there (a
    field fetched by another fetch is merged into the object under its own name)."""
    shown = text.add_field(nfield.name, composite=nfield.selection is not None)
    data_key = placed.key if placed is not None else nfield.name
    if nfield.selection is None:
        return KeyField(nfield.name, data_key, required=is_key)
    assert shown.selection is not None
    abstract = nfield.selection.abstract
    children: dict[str, KeyField] = {}
    types_of: dict[str, set[str]] = {}
    for type_name, fields in nfield.selection.by_type.items():
        shown_here = shown.selection.fragment(type_name) if abstract else shown.selection
        for inner in fields:
            if inner.name == "__typename":
                continue
            types_of.setdefault(inner.name, set()).add(type_name)
            found = None
            if placed is not None and placed.selection is not None:
                source = placed.selection.fragments.get(type_name, placed.selection)
                found = _find_placed(source, inner) or _find_placed(placed.selection, inner)
            key_field = _key_field(inner, found, shown_here)
            children.setdefault(inner.name, key_field)
    if abstract:
        # A requirement through type conditions (``address { ... on Work { id } }``):
        # a field goes in the representation only for the types that select it.
        every = set(nfield.selection.by_type)
        children = {
            name: key_field
            if types_of[name] == every
            else dataclasses.replace(key_field, types=frozenset(types_of[name]))
            for name, key_field in children.items()
        }
    return KeyField(
        nfield.name, data_key, tuple(children.values()), required=is_key, typename=abstract
    )


def _find_placed(selection: SubSelection, nfield: NField) -> SubField | None:
    """Where ``nfield`` (a requirement's field) was placed among these objects' fields:
    the same field with the same arguments, in this fetch or another one."""
    wanted = (nfield.name, print_arguments(nfield.arguments))
    found = selection.fields.get(nfield.name)
    if found is not None and found.signature() == wanted:
        return found
    for candidate in selection.fields.values():
        if candidate.signature() == wanted:
            return candidate
    return selection.elsewhere.get(wanted)
