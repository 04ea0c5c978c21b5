"""The walk: which subgraph resolves each field of the operation, and the fetches it takes.

Every field is resolved in the subgraph of the fetch the walk is in when that subgraph
can resolve it together with its value-type fields (staying is cheapest); otherwise the
walk jumps (``jumps.py``) to a subgraph that can. A value-type selection that no one
subgraph answers is partitioned: each part from a subgraph that has it, through the
nearest entity's key (or, at a query's root, another root fetch). Abstract selections
ask each subgraph only about the types it knows. The result is a ``FetchGraph``: groups
per (parent fetch, subgraph, response path) and their dependencies.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from graphql import (
    EnumValueNode,
    GraphQLEnumType,
    ListValueNode,
    ObjectValueNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)

from gateway.planning.defer import DeferredFragments
from gateway.planning.fetch_graph import FetchGraph, FetchGroup, Path, PlanningError
from gateway.planning.graph import SupergraphGraph
from gateway.planning.operation import NField, NormalizedOperation, NSelection
from gateway.planning.reach import Reach
from gateway.planning.selection import SubField, SubSelection, print_arguments


class Walk(DeferredFragments):
    """One planning run (mutable state), for one normalized operation."""

    def __init__(self, graph: SupergraphGraph, operation: NormalizedOperation) -> None:
        self.graph = graph
        self.operation = operation
        self.fetches = FetchGraph()
        self.reach = Reach(graph)
        self._in_progress: set[tuple[int, str, str]] = set()
        #: The root fetch per subgraph (queries and subscriptions), of the context being
        #: planned (the primary part's, or a deferred fragment's: ``defer.py``).
        self._roots: dict[str, FetchGroup] = {}
        self._roots_by_context = {0: self._roots}
        self._pending = deque()
        self._queued = set()
        self.client_keys = client_keys(operation.root)
        self._splits = 0
        #: The fields planned alongside the current one (same object, same fetch).
        self._siblings: list[NField] = []

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
        condition: bool = False,
    ) -> tuple[set[FetchGroup], SubField]:
        """Place ``nfield`` (a field of ``type_name`` at ``path``) into the plan.

        ``requirements_met``: we are in the entity fetch whose representations carry the
        field's ``@requires``. ``condition``: the field is selected under a type condition
        (``... on UserReview { product { c } }``): fetches below it take only the objects
        of that type (the path says ``reviews.@|[UserReview].product``). Returns the
        groups that will supply it and the placed field."""
        supplied, placed = self._place(
            group, type_name, nfield, target, path, provided, internal, requirements_met, condition
        )
        if target.fields.get(placed.key) is not placed:
            # Fetched by another fetch into the same objects: a representation built from
            # these objects finds its data key here (``emit._find_placed``).
            target.elsewhere.setdefault(placed.signature(), placed)
        return supplied, placed

    def _place(
        self,
        group: FetchGroup,
        type_name: str,
        nfield: NField,
        target: SubSelection,
        path: Path,
        provided: SelectionSetNode | None,
        internal: bool,
        requirements_met: bool,
        condition: bool = False,
    ) -> tuple[set[FetchGroup], SubField]:
        subgraph = group.subgraph
        key = None if internal else nfield.source
        if nfield.name == "__typename":
            return {group}, target.add_field("__typename", key=key, client_keys=self.client_keys)
        resolvable = self.graph.can_resolve(type_name, nfield.name, subgraph, provided)
        if resolvable and self._partly_out_of_reach(type_name, nfield, subgraph, provided):
            others = [s for s in self.graph.resolvers(type_name, nfield.name) if s != subgraph]
            if any(not self._partly_out_of_reach(type_name, nfield, s, None) for s in others):
                # Another subgraph answers the whole field: take it there.
                resolvable = False
            elif others:
                return self._split_field(group, type_name, nfield, target, path, provided, internal)
        if (
            resolvable
            and not requirements_met
            and self.reach.needs_requirements(type_name, nfield.name, subgraph, provided)
        ):
            # Resolvable here, but only with fields this fetch cannot select: fetch them
            # first, then come back to this subgraph through _entities.
            return self._through_entities(
                group, type_name, nfield, target, path, provided, internal, same_subgraph=True
            )
        if resolvable:
            self._check_enum_arguments(type_name, nfield, subgraph)
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
                sub_provided = self.reach.provided_below(type_name, nfield.name, subgraph, provided)
                typed = ("|" + type_name,) if condition else ()
                child_path = path + typed + (placed.key,) + ("@",) * nfield.list_depth
                declared = self.graph.declared_type(type_name, nfield.name, subgraph)
                supplied |= self.plan_selection(
                    group,
                    nfield.selection,
                    placed.selection,
                    child_path,
                    sub_provided,
                    internal,
                    declared if declared != nfield.type_name else None,
                )
            return supplied, placed
        return self._through_entities(group, type_name, nfield, target, path, provided, internal)

    def _check_enum_arguments(self, type_name: str, nfield: NField, subgraph: str) -> None:
        """An enum literal in an argument that ``subgraph``'s own enum lacks would make it
        refuse the whole operation: refuse it here, naming the value (values that differ
        by subgraph on an input enum are refused by composition; a hand-made supergraph
        may still have them)."""
        if not nfield.arguments:
            return
        parent = self.graph.schema.get_type(type_name)
        definition = getattr(parent, "fields", {}).get(nfield.name)
        if definition is None:
            return
        for argument in nfield.arguments:
            arg = definition.args.get(argument.name.value)
            if arg is None:
                continue
            enum = get_named_type(arg.type)
            if not isinstance(enum, GraphQLEnumType):
                continue
            known = self.graph.enum_values_in(enum.name, subgraph)
            if known is None:
                continue
            values = (
                argument.value.values
                if isinstance(argument.value, ListValueNode)
                else (argument.value,)
            )
            for value in values:
                if (
                    isinstance(value, EnumValueNode)
                    and known is not None
                    and value.value not in known
                ):
                    raise PlanningError(
                        f"Cannot plan {type_name}.{nfield.name}: subgraph '{subgraph}' does"
                        f" not know the value {value.value} of {enum.name}"
                        f" (argument '{argument.name.value}')."
                    )

    def _partly_out_of_reach(
        self, type_name: str, nfield: NField, subgraph: str, provided: SelectionSetNode | None
    ) -> bool:
        """Some field below ``nfield`` cannot come from ``subgraph``'s answer: a value
        type's field it lacks, or a field no chain of keys from it reaches (a key
        ``@external`` there)."""
        if nfield.selection is None:
            return False
        return self.reach.stuck_below(type_name, nfield, subgraph, provided) or (
            provided is None and not self.reach.selection_reachable(type_name, nfield, subgraph)
        )

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
        local, remote = self.reach.partition(type_name, nfield, group.subgraph, provided)
        supplied: set[FetchGroup] = set()
        if local is not None:
            supplied |= self.plan_field(group, type_name, local, target, path, provided, internal)[
                0
            ]
        if remote is None:  # pragma: no cover - a stuck field has a remote part
            raise PlanningError(f"Cannot plan {type_name}.{nfield.name}.")
        more, placed = self._through_entities(
            group, type_name, remote, target, path, provided, internal
        )
        return supplied | more, placed

    def plan_selection(
        self,
        group: FetchGroup,
        selection: NSelection,
        target: SubSelection,
        path: Path,
        provided: SelectionSetNode | None,
        internal: bool = False,
        declared: str | None = None,
    ) -> set[FetchGroup]:
        """Place a field's selection; ``declared``: the field's type in this subgraph
        when it is not the API's (``book: Book`` here, ``book: Media`` in the API).
        Its deferred fragments are planned later (``defer.py``)."""
        if selection.deferred:
            self.queue_deferred(group, selection, target, path, provided, declared)
        supplied: set[FetchGroup] = set()
        if selection.abstract:
            # Abstract: ask the subgraph about each concrete type it may return, with
            # __typename so the shaper (and later fetches) know which one each object is.
            target.add_field("__typename")
            if self.graph.is_interface_object(selection.parent, group.subgraph):
                return self._plan_interface_object(
                    group, selection, target, path, provided, internal
                )
        for type_name, fields, place, conditioned in self.placements(
            group, selection, target, declared
        ):
            self._siblings = fields
            for nfield in fields:
                supplied |= self.plan_field(
                    group,
                    type_name,
                    nfield,
                    place,
                    path,
                    provided,
                    internal,
                    condition=conditioned,
                )[0]
        return supplied

    def placements(
        self,
        group: FetchGroup,
        selection: NSelection,
        target: SubSelection,
        declared: str | None,
    ) -> Iterator[tuple[str, list[NField], SubSelection, bool]]:
        """Where each type's fields of ``selection`` go in ``group``'s fetch: (type name,
        its fields, where they are placed, whether under a type condition). An abstract
        selection places each concrete type in its own fragment, and only the type
        conditions the subgraph's own schema allows here (``declared``: the field's type
        in this subgraph when it is not the API's)."""
        if not selection.abstract:
            for type_name, fields in selection.by_type.items():
                yield type_name, fields, target, False
            return
        possible = self.graph.possible_types_in(declared or selection.parent, group.subgraph)
        conditioned = len(selection.by_type) > 1
        for type_name, fields in selection.by_type.items():
            if type_name in possible:
                yield type_name, fields, target.fragment(type_name), conditioned

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
        # Fields selected on the interface itself; the others sit under a type condition.
        common = {f.key for f in selection.own or ()}
        interface_fields = getattr(self.graph.schema.get_type(interface), "fields", {})
        done: set[str] = set()
        needs_type = False
        for type_name, fields in selection.by_type.items():
            for nfield in fields:
                if nfield.name == "__typename":
                    needs_type = True
                    continue
                here = self.graph.can_resolve(interface, nfield.name, group.subgraph, provided)
                if nfield.name in interface_fields and (nfield.key in common or here):
                    # The interface's own field: this subgraph answers it, or another
                    # that resolves the interface by its key (another interface object:
                    # no detour through the owner). Selected for some types only, it
                    # still comes from here; the concrete type then decides who sees it.
                    needs_type = needs_type or nfield.key not in common
                    if nfield.key not in done:
                        done.add(nfield.key)
                        supplied |= self.plan_field(
                            group, interface, nfield, target, path, provided, internal
                        )[0]
                else:
                    rest.append((type_name, nfield))
                    needs_type = True
        if not needs_type:
            # Every object gets the same fields: the concrete type changes nothing the
            # client sees (the shaper reads the interface object's own __typename).
            return supplied
        # A concrete __typename, a type condition or an implementation's own field: the
        # subgraph that owns the interface knows each object's type.
        owner, key = self._interface_owner(group, interface, path, provided)
        child = self.fetches.child(group, owner, path, interface, [])
        self._require(group, child, interface, key, path, target, provided)
        child.selection.fragment(interface).add_field("__typename")
        for type_name, nfield in rest:
            if nfield.name == "__typename":
                continue
            fragment = child.selection.fragment(interface).fragment(type_name)
            supplied |= self.plan_field(child, type_name, nfield, fragment, path, None, internal)[0]
        return supplied | {child}

    def plan_root(self) -> list[FetchGroup]:
        root = self.operation.root
        type_name = root.parent
        sequential = self.operation.kind == "mutation"
        mutations: list[FetchGroup] = []
        for nfield in root.by_type[type_name]:
            if nfield.introspection or nfield.name == "__typename":
                continue
            candidates = self.graph.resolvers(type_name, nfield.name)
            if not candidates:
                raise PlanningError(f"No subgraph resolves {type_name}.{nfield.name}.")
            if sequential:
                # Mutations run one root field after the other: consecutive fields of one
                # subgraph share a fetch, the next subgraph starts a new one.
                subgraph = candidates[0]
                group = mutations[-1] if mutations and mutations[-1].subgraph == subgraph else None
                if group is None:
                    group = self.fetches.new_group(subgraph, (), False, None)
                    mutations.append(group)
            else:
                subgraph = self.best_root(type_name, nfield, candidates)
                group = self.root_group(subgraph)
            self.plan_field(group, type_name, nfield, group.selection, (), None)
        roots = mutations if sequential else list(self._roots.values())
        if root.deferred:
            # Fragments deferred at the root: each gets root fetches of its own.
            self.queue_deferred(None, root, SubSelection(), (), None, None)
        return roots


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
                keys.setdefault(nfield.source, set()).add(
                    (nfield.name, print_arguments(nfield.arguments))
                )
                if nfield.selection is not None:
                    visit(nfield.selection)
        for deferred in selection.deferred:
            visit(deferred.selection)

    visit(root)
    return keys


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
