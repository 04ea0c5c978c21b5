"""Turn a normalized operation into a query plan for one supergraph.

The walk: every field is resolved in the subgraph of the fetch we are in when that
subgraph can resolve it (staying is cheapest); otherwise we jump through ``_entities`` to
a subgraph that can, choosing one whose ``@key`` the current subgraph can provide (keys
it cannot provide are themselves planned, which also reaches entities "only through
another entity's key"). A ``@requires`` makes the jump's fetch depend on the fetches that
supply the required fields, and adds them to the representation. Fetches are grouped per
(parent fetch, subgraph, response path); the groups form a DAG that is emitted as
``Sequence``/``Parallel`` levels, mutations' root fields strictly in order.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from dataclasses import dataclass, field

from graphql import (
    FieldNode,
    GraphQLSchema,
    ListValueNode,
    ObjectValueNode,
    SelectionSetNode,
    VariableNode,
    print_ast,
)

from gateway.errors import GatewayError
from gateway.planning.graph import SupergraphGraph, parse_field_set, provided_field
from gateway.planning.operation import NField, NormalizedOperation, Normalizer, NSelection
from gateway.planning.plan import (
    Fetch,
    Flatten,
    KeyField,
    Parallel,
    PlanNode,
    QueryPlan,
    Sequence,
)
from gateway.planning.selection import SubField, SubSelection, print_arguments

Path = tuple[str, ...]


class PlanningError(GatewayError):
    code = "QUERY_PLANNING_FAILED"
    status = 500


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

    def __hash__(self) -> int:
        return self.id


class _Walk:
    """One planning run (mutable state), for one normalized operation."""

    def __init__(self, graph: SupergraphGraph, operation: NormalizedOperation) -> None:
        self.graph = graph
        self.operation = operation
        self.groups: list[FetchGroup] = []
        self._ids = itertools.count()
        self._in_progress: set[tuple[int, str, str]] = set()
        self._field_sets = Normalizer(graph.schema, {}, {})
        self.client_keys = client_keys(operation.root)
        self._splits = 0
        #: The fields planned alongside the current one (same object, same fetch).
        self._siblings: list[NField] = []

    def new_group(
        self, subgraph: str, path: Path, entity: bool, parent: FetchGroup | None
    ) -> FetchGroup:
        group = FetchGroup(next(self._ids), subgraph, path, entity, parent)
        if parent is not None:
            group.depends_on.add(parent)
        self.groups.append(group)
        return group

    # -- fields --------------------------------------------------------------------------

    def plan_field(
        self,
        group: FetchGroup,
        type_name: str,
        nfield: NField,
        target: SubSelection,
        path: Path,
        provided: SelectionSetNode | None,
        internal: bool = False,
        requirements_met: bool = False,
    ) -> tuple[set[FetchGroup], SubField]:
        """Place ``nfield`` (a field of ``type_name`` at ``path``) into the plan.

        ``requirements_met``: we are in the entity fetch whose representations carry the
        field's ``@requires``. Returns the groups that will supply it and the placed field."""
        subgraph = group.subgraph
        key = None if internal else nfield.key
        if nfield.name == "__typename":
            return {group}, target.add_field("__typename", key=key, client_keys=self.client_keys)
        resolvable = self.graph.can_resolve(type_name, nfield.name, subgraph, provided)
        if resolvable and self._stuck_below(type_name, nfield, subgraph, provided):
            others = [s for s in self.graph.resolvers(type_name, nfield.name) if s != subgraph]
            if any(not self._stuck_below(type_name, nfield, s, None) for s in others):
                # Another subgraph answers the whole field: take it there.
                resolvable = False
            elif others:
                return self._split_field(group, type_name, nfield, target, path, provided, internal)
        if (
            resolvable
            and not requirements_met
            and self._needs_requirements(type_name, nfield.name, subgraph, provided)
        ):
            # Resolvable here, but only with fields this fetch cannot select: fetch them
            # first, then come back to this subgraph through _entities.
            return self._through_entities(
                group, type_name, nfield, target, path, provided, internal, same_subgraph=True
            )
        if resolvable:
            placed = target.add_field(
                nfield.name,
                nfield.arguments,
                key=key,
                composite=nfield.selection is not None,
                client_keys=self.client_keys,
            )
            _collect_variables(nfield.arguments, group.variables)
            supplied = {group}
            if nfield.selection is not None and placed.selection is not None:
                sub_provided = self._provided_below(type_name, nfield.name, subgraph, provided)
                child_path = path + (placed.key,) + ("@",) * nfield.list_depth
                supplied |= self.plan_selection(
                    group, nfield.selection, placed.selection, child_path, sub_provided, internal
                )
            return supplied, placed
        return self._through_entities(group, type_name, nfield, target, path, provided, internal)

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
        """Resolve ``nfield`` in an entity fetch below ``group`` (see ``jump``)."""
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

    def _split_field(
        self,
        group: FetchGroup,
        type_name: str,
        nfield: NField,
        target: SubSelection,
        path: Path,
        provided: SelectionSetNode | None,
        internal: bool,
    ) -> tuple[set[FetchGroup], SubField]:
        """Fields below ``nfield``, on value types (no key to come back through), are
        out of this subgraph's reach (e.g. past what ``@provides`` gave): this subgraph
        answers the part it can; the rest comes from another subgraph that resolves the
        same field, through the parent entity."""
        self._splits += 1
        if self._splits > 64:
            raise PlanningError(
                f"Cannot plan {type_name}.{nfield.name}: no subgraph can answer its fields."
            )
        subgraph = group.subgraph
        below = self._provided_below(type_name, nfield.name, subgraph, provided)
        assert nfield.selection is not None
        local: dict[str, list[NField]] = {}
        remote: dict[str, list[NField]] = {}
        for inner_type, fields in nfield.selection.by_type.items():
            for inner in fields:
                here = inner.name == "__typename" or (
                    self.graph.can_resolve(inner_type, inner.name, subgraph, below)
                    and not self._stuck_below(inner_type, inner, subgraph, below)
                )
                (local if here else remote).setdefault(inner_type, []).append(inner)
        supplied: set[FetchGroup] = set()
        if any(f.name != "__typename" for fields in local.values() for f in fields):
            part = _with_selection(nfield, local)
            supplied |= self.plan_field(group, type_name, part, target, path, provided, internal)[0]
        remote_part = _with_selection(nfield, remote)
        more, placed = self._through_entities(
            group, type_name, remote_part, target, path, provided, internal
        )
        return supplied | more, placed

    def _stuck_below(
        self, type_name: str, nfield: NField, subgraph: str, provided: SelectionSetNode | None
    ) -> bool:
        if nfield.selection is None:
            return False
        below = self._provided_below(type_name, nfield.name, subgraph, provided)
        for inner_type, fields in nfield.selection.by_type.items():
            if self.graph.is_entity(inner_type):
                continue
            for inner in fields:
                if inner.name == "__typename":
                    continue
                if not self.graph.can_resolve(inner_type, inner.name, subgraph, below):
                    return True
                if self._stuck_below(inner_type, inner, subgraph, below):
                    return True
        return False

    def _needs_requirements(
        self, type_name: str, field_name: str, subgraph: str, provided: SelectionSetNode | None
    ) -> bool:
        join = self.graph.join_field(type_name, field_name, subgraph)
        if join is None or not join.requires:
            return False
        return not self._key_available(type_name, join.requires, subgraph, provided)

    def plan_selection(
        self,
        group: FetchGroup,
        selection: NSelection,
        target: SubSelection,
        path: Path,
        provided: SelectionSetNode | None,
        internal: bool = False,
    ) -> set[FetchGroup]:
        supplied: set[FetchGroup] = set()
        if not selection.abstract:
            for type_name, fields in selection.by_type.items():
                self._siblings = fields
                for nfield in fields:
                    supplied |= self.plan_field(
                        group, type_name, nfield, target, path, provided, internal
                    )[0]
            return supplied
        # Abstract: ask the subgraph about each concrete type it may return, with
        # __typename so the shaper (and later fetches) know which one each object is.
        target.add_field("__typename")
        if self.graph.is_interface_object(selection.parent, group.subgraph):
            return self._plan_interface_object(group, selection, target, path, provided, internal)
        possible = self.graph.possible_types_in(selection.parent, group.subgraph)
        for type_name, fields in selection.by_type.items():
            if type_name not in possible:
                continue
            fragment = target.fragment(type_name)
            self._siblings = fields
            for nfield in fields:
                supplied |= self.plan_field(
                    group, type_name, nfield, fragment, path, provided, internal
                )[0]
        return supplied

    def _plan_interface_object(
        self,
        group: FetchGroup,
        selection: NSelection,
        target: SubSelection,
        path: Path,
        provided: SelectionSetNode | None,
        internal: bool,
    ) -> set[FetchGroup]:
        """An interface this subgraph sees as an object (``@interfaceObject``): it answers
        the interface's own fields; the concrete type (``__typename``) and the
        implementations' other fields come from the subgraph that owns the interface."""
        interface = selection.parent
        supplied: set[FetchGroup] = set()
        rest: list[tuple[str, NField]] = []
        for type_name, fields in selection.by_type.items():
            for nfield in fields:
                if nfield.name != "__typename" and self.graph.can_resolve(
                    interface, nfield.name, group.subgraph, provided
                ):
                    supplied |= self.plan_field(
                        group, interface, nfield, target, path, provided, internal
                    )[0]
                else:
                    rest.append((type_name, nfield))
        owners = self.graph.interface_owners(interface)
        if not owners:
            return supplied
        # Even with only interface fields selected, the response needs each object's
        # concrete type (the shaper selects fields per type): the owner knows it.
        owner = owners[0]
        child = self._child(group, owner, path, interface, None)
        key = self.graph.resolvable_keys(interface, owner)[0]
        self._require(group, child, interface, key, path, target, provided)
        child.selection.fragment(interface).add_field("__typename")
        for type_name, nfield in rest:
            if nfield.name == "__typename":
                continue
            fragment = child.selection.fragment(interface).fragment(type_name)
            supplied |= self.plan_field(child, type_name, nfield, fragment, path, None, internal)[0]
        return supplied | {child}

    def _provided_below(
        self, type_name: str, field_name: str, subgraph: str, provided: SelectionSetNode | None
    ) -> SelectionSetNode | None:
        if provided is not None:
            found = provided_field(provided, type_name, field_name)
            if isinstance(found, FieldNode):
                return found.selection_set
        join = self.graph.join_field(type_name, field_name, subgraph)
        if join is not None and join.provides:
            return parse_field_set(join.provides)
        return None

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
    ) -> tuple[FetchGroup, str]:
        """The entity fetch (child of ``group``) that resolves ``type.field``, and the
        entity type to ask it for (an interface, for an ``@interfaceObject``)."""
        guard = (group.id, type_name, field_name)
        if guard in self._in_progress:
            raise PlanningError(f"No way to reach {type_name}.{field_name} (key cycle).")
        candidates = [
            (s, type_name)
            for s in self.graph.resolvers(type_name, field_name)
            if (s == group.subgraph) == same_subgraph
        ]
        if not candidates:
            candidates = [
                (s, interface)
                for s, interface in self.graph.interface_object_resolvers(type_name, field_name)
                if s != group.subgraph
            ]
        siblings = self._siblings
        best: tuple[tuple[bool, bool, int, int], str, str, str] | None = None
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
                direct = self._key_available(type_name, key, group.subgraph, provided)
                # A key we hold beats merging into an existing fetch: a key we must first
                # fetch elsewhere costs a whole extra step.
                score = (direct, existing, coverage, -index)
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
        child = self._child(group, subgraph, path, type_name, requirement)
        if entity_type != type_name:
            child.sent_types[type_name] = entity_type
        self._in_progress.add(guard)
        try:
            self._require(group, child, type_name, key, path, target, provided, is_key=True)
            if requirement:
                self._require(group, child, type_name, requirement, path, target, provided)
        finally:
            self._in_progress.discard(guard)
        return child, entity_type

    def _child(
        self, group: FetchGroup, subgraph: str, path: Path, type_name: str, requires: str | None
    ) -> FetchGroup:
        """The entity fetch under ``group`` for (subgraph, path). Two fields that require
        the same field with different arguments cannot share one representation (it has
        one value per field name), so such a requirement gets a fetch of its own."""
        wanted = self._normalized_field_set(type_name, requires) if requires else []
        for variant in itertools.count():
            child = group.children.get((subgraph, path, variant))
            if child is None:
                child = self.new_group(subgraph, path, True, group)
                group.children[(subgraph, path, variant)] = child
                return child
            if not _conflicting(child.requires.get(type_name, []), wanted):
                return child
        raise AssertionError("unreachable")

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
        target.add_field("__typename")
        requirement = self._normalized_field_set(type_name, field_set)
        entries = child.requires.setdefault(type_name, [])
        for nfield in requirement:
            supplied, placed = self.plan_field(
                group, type_name, nfield, target, path, provided, internal=True
            )
            child.depends_on |= supplied - {child}
            if not any(existing.name == nfield.name for existing, _, _ in entries):
                entries.append((nfield, placed, is_key))

    def _normalized_field_set(self, type_name: str, field_set: str) -> list[NField]:
        schema_type = self.graph.schema.get_type(type_name)
        assert schema_type is not None
        selection = self._field_sets.selection(
            schema_type,
            list(parse_field_set(field_set).selections),
        )
        if selection.abstract:
            # A key on an interface selects the interface's own fields: the same for
            # every implementation.
            return next(iter(selection.by_type.values()), [])
        return selection.by_type.get(type_name, [])

    def _key_available(
        self, type_name: str, key: str, subgraph: str, provided: SelectionSetNode | None
    ) -> bool:
        return all(
            self._locally_resolvable(type_name, nfield, subgraph, provided)
            for nfield in self._normalized_field_set(type_name, key)
        )

    def _locally_resolvable(
        self, type_name: str, nfield: NField, subgraph: str, provided: SelectionSetNode | None
    ) -> bool:
        if not self.graph.can_resolve(type_name, nfield.name, subgraph, provided):
            return False
        if nfield.selection is None:
            return True
        below = self._provided_below(type_name, nfield.name, subgraph, provided)
        return all(
            self._locally_resolvable(t, f, subgraph, below)
            for t, fields in nfield.selection.by_type.items()
            for f in fields
        )

    # -- root --------------------------------------------------------------------------

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

    def plan_root(self) -> list[FetchGroup]:
        root = self.operation.root
        type_name = root.parent
        roots: list[FetchGroup] = []
        by_subgraph: dict[str, FetchGroup] = {}
        sequential = self.operation.kind == "mutation"
        for nfield in root.by_type[type_name]:
            if nfield.introspection or nfield.name == "__typename":
                continue
            candidates = self.graph.resolvers(type_name, nfield.name)
            if not candidates:
                raise PlanningError(f"No subgraph resolves {type_name}.{nfield.name}.")
            if sequential:
                subgraph = candidates[0]
                group = roots[-1] if roots and roots[-1].subgraph == subgraph else None
                if group is None:
                    group = self.new_group(subgraph, (), False, None)
                    roots.append(group)
            else:
                subgraph = max(
                    candidates,
                    key=lambda s: (s in by_subgraph, self.local_score(type_name, nfield, s)),
                )
                group = by_subgraph.get(subgraph)
                if group is None:
                    group = by_subgraph[subgraph] = self.new_group(subgraph, (), False, None)
                    roots.append(group)
            self.plan_field(group, type_name, nfield, group.selection, (), None)
        return roots


def _with_selection(nfield: NField, by_type: dict[str, list[NField]]) -> NField:
    assert nfield.selection is not None
    selection = NSelection(nfield.selection.parent, nfield.selection.abstract, by_type)
    return dataclasses.replace(nfield, selection=selection)


def client_keys(root: NSelection) -> dict[str, set[tuple[str, str]]]:
    """Every response key the operation uses, with what it selects (name, arguments)."""
    keys: dict[str, set[tuple[str, str]]] = {}
    seen: set[int] = set()

    def visit(selection: NSelection) -> None:
        if id(selection) in seen:
            return
        seen.add(id(selection))
        for fields in selection.by_type.values():
            for nfield in fields:
                keys.setdefault(nfield.key, set()).add(
                    (nfield.name, print_arguments(nfield.arguments))
                )
                if nfield.selection is not None:
                    visit(nfield.selection)

    visit(root)
    return keys


def _conflicting(entries: list[tuple[NField, SubField, bool]], wanted: list[NField]) -> bool:
    held = {nfield.name: _arguments_text(nfield) for nfield, _, _ in entries}
    return any(
        nfield.name in held and held[nfield.name] != _arguments_text(nfield) for nfield in wanted
    )


def _arguments_text(nfield: NField) -> str:
    return ", ".join(print_ast(argument) for argument in nfield.arguments)


def _collect_variables(arguments: tuple[object, ...], into: set[str]) -> None:
    def visit(value: object) -> None:
        if isinstance(value, VariableNode):
            into.add(value.name.value)
        elif isinstance(value, ListValueNode):
            for item in value.values:
                visit(item)
        elif isinstance(value, ObjectValueNode):
            for entry in value.fields:
                visit(entry.value)

    for argument in arguments:
        visit(getattr(argument, "value", None))


class Planner:
    """Builds plans for one supergraph. Pure: no I/O, same input → same plan."""

    def __init__(self, graph: SupergraphGraph) -> None:
        self.graph = graph

    @property
    def schema(self) -> GraphQLSchema:
        return self.graph.schema

    def plan(self, operation: NormalizedOperation) -> QueryPlan:
        walk = _Walk(self.graph, operation)
        try:
            roots = walk.plan_root()
        except RecursionError:
            raise PlanningError(
                "The operation cannot be planned (planning went too deep)."
            ) from None
        has_introspection = any(
            f.introspection for f in operation.root.by_type[operation.root.parent]
        )
        emitter = _Emitter(operation)
        if operation.kind == "mutation":
            nodes = [emitter.levels(_subtree(root, walk.groups)) for root in roots]
            node: PlanNode | None = _wrap(Sequence, nodes)
        else:
            node = emitter.levels(walk.groups) if walk.groups else None
        return QueryPlan(node, operation, has_introspection, frozenset(walk.client_keys))


def _subtree(root: FetchGroup, groups: list[FetchGroup]) -> list[FetchGroup]:
    def root_of(group: FetchGroup) -> FetchGroup:
        while group.parent is not None:
            group = group.parent
        return group

    return [g for g in groups if root_of(g) is root]


def _wrap(kind: type[Sequence] | type[Parallel], nodes: list[PlanNode]) -> PlanNode | None:
    if not nodes:
        return None
    if len(nodes) == 1:
        return nodes[0]
    return kind(tuple(nodes))


class _Emitter:
    def __init__(self, operation: NormalizedOperation) -> None:
        self.operation = operation
        self.counter = itertools.count()
        definitions = operation.operation.variable_definitions or ()
        self.variable_definitions = {d.variable.name.value: d for d in definitions}

    def levels(self, groups: list[FetchGroup]) -> PlanNode:
        members = set(groups)
        level: dict[FetchGroup, int] = {}

        def level_of(group: FetchGroup) -> int:
            if group not in level:
                deps = [d for d in group.depends_on if d in members]
                level[group] = 1 + max((level_of(d) for d in deps), default=-1)
            return level[group]

        by_level: dict[int, list[FetchGroup]] = {}
        for group in sorted(groups, key=lambda g: g.id):
            if group.selection.is_empty():
                continue
            by_level.setdefault(level_of(group), []).append(group)
        stages = [_wrap(Parallel, self._level(by_level[k])) for k in sorted(by_level)]
        node = _wrap(Sequence, [s for s in stages if s is not None])
        assert node is not None
        return node

    def _level(self, groups: list[FetchGroup]) -> list[PlanNode]:
        """One level's fetches; entity fetches that would send the same operation to the
        same subgraph become one fetch for all their paths (one request, not several)."""
        nodes: list[PlanNode] = []
        merged: dict[Fetch, int] = {}
        for group in groups:
            node = self.node(group)
            if isinstance(node, Flatten):
                index = merged.get(node.node)
                if index is not None:
                    earlier = nodes[index]
                    assert isinstance(earlier, Flatten)
                    nodes[index] = Flatten(earlier.paths + node.paths, earlier.node)
                    continue
                merged[node.node] = len(nodes)
            nodes.append(node)
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
        if not group.entity:
            kind = self.operation.kind
            header = kind + (f"({', '.join(definitions)})" if definitions else "")
            fetch = Fetch(
                group.subgraph,
                header + group.selection.compact(),
                variables,
                text=tuple(group.selection.pretty(1)),
                kind=kind,
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
            requires.append((type_name, group.sent_types.get(type_name, type_name), keys))
        fetch = Fetch(
            group.subgraph,
            operation,
            variables,
            requires=tuple(requires),
            text=tuple(group.selection.pretty(1)),
            requires_text=tuple(requires_selection.pretty(1)),
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
    for type_name, fields in nfield.selection.by_type.items():
        shown_here = shown.selection.fragment(type_name) if abstract else shown.selection
        for inner in fields:
            if inner.name == "__typename" or inner.name in children:
                continue
            found = None
            if placed is not None and placed.selection is not None:
                source = placed.selection.fragments.get(type_name, placed.selection)
                found = _find_internal(source, inner.name) or _find_internal(
                    placed.selection, inner.name
                )
            children[inner.name] = _key_field(inner, found, shown_here)
    return KeyField(
        nfield.name, data_key, tuple(children.values()), required=is_key, typename=abstract
    )


def _find_internal(selection: SubSelection, name: str) -> SubField | None:
    found = selection.fields.get(name)
    if found is not None and found.name == name and not found.arguments:
        return found
    return next((f for f in selection.fields.values() if f.name == name and not f.arguments), None)
