"""Normalize an operation: the form both the planner and the response shaper work from.

A selection set becomes, for each concrete object type it may hold at run time, the ordered
list of fields a client gets for that type (GraphQL's CollectFields): named fragments are
inlined, type conditions resolved, ``@skip``/``@include`` evaluated with the request's
variables, fields with the same response key merged. Each field carries what shaping needs
(its type's list/non-null wrapping, whether it is a leaf) so shaping never looks at the
schema again.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    ArgumentNode,
    BooleanValueNode,
    DirectiveNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLField,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionNode,
    StringValueNode,
    VariableNode,
    is_abstract_type,
    is_composite_type,
)

from gateway.errors import OperationNotFound


@dataclass(frozen=True, slots=True)
class Stream:
    """``@stream`` on a list field: the first ``initial_count`` items go in the part that
    carries the list, the rest in a later part (the list itself is fetched at once)."""

    label: str | None
    #: A number, or the name of the variable that holds it (read per request).
    initial_count: int | str = 0


#: Wrapping of a field's type from the outside in: ("list", nullable) ... ("named", nullable).
TypeChain = tuple[tuple[str, bool], ...]


@dataclass(slots=True, eq=False)
class NField:
    """One field of a normalized selection."""

    key: str
    name: str
    #: The parent type that defines the field (the concrete type being collected for).
    parent_type: str
    arguments: tuple[ArgumentNode, ...] = ()
    #: The named return type ("" for ``__typename``).
    type_name: str = ""
    chain: TypeChain = ()
    selection: NSelection | None = None
    #: ``__schema``/``__type``: answered by the gateway's own introspection.
    introspection: bool = False
    #: For enum fields: the values the API schema has (a subgraph may hold more).
    enum_values: frozenset[str] | None = None
    #: Where the field's value sits in the subgraphs' data when not at ``key``: a client
    #: alias ``__typename`` on another field (``__typename: price``) would collide with
    #: the ``__typename`` the gateway itself reads, so it travels as ``_gw0___typename``.
    data_key: str = ""
    #: ``@stream`` (only when the client takes incremental delivery).
    stream: Stream | None = None

    @property
    def source(self) -> str:
        """The key of the field's value in the merged subgraph data."""
        return self.data_key or self.key

    @property
    def list_depth(self) -> int:
        return sum(1 for kind, _ in self.chain if kind == "list")


@dataclass(slots=True, eq=False)
class NSelection:
    """A selection set at a static type: per possible concrete type, the ordered fields."""

    parent: str
    abstract: bool
    by_type: dict[str, list[NField]] = field(default_factory=dict)
    #: The shaper's per-type table of these fields, built on first use and kept with
    #: the cached plan (``gateway.execution.shaping``): nothing to decide per request.
    shape_table: Any = None
    #: Abstract selections: the fields selected for every possible type (outside any
    #: narrower type condition): all that an object still typed as the interface (an
    #: ``@interfaceObject``'s answer no subgraph could make concrete) can show.
    own: list[NField] | None = None
    #: Fragments deferred (``@defer``) here: not in ``by_type``, each its own selection
    #: of this same parent type, delivered later (only when the client takes incremental
    #: delivery; otherwise their fields are in ``by_type`` like any fragment's).
    deferred: list[DeferredSelection] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class DeferredSelection:
    """One ``@defer``red fragment: its fields as a selection of the enclosing selection's
    type (nested deferred fragments in its ``deferred``). A fragment used at several
    places (a named fragment spread twice) is one ``DeferredSelection``."""

    #: Unique in the operation: plans name the deferred fragment by it.
    id: int
    label: str | None
    selection: NSelection
    #: The concrete types of object the fragment applies to (its type condition).
    types: frozenset[str]


@dataclass(slots=True)
class NormalizedOperation:
    kind: str  # "query" | "mutation" | "subscription"
    name: str | None
    root: NSelection
    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDefinitionNode]
    #: Deferred fragments by id, and whether anything is deferred or streamed: the
    #: response is then delivered in parts (``gateway.execution.incremental``).
    deferred: dict[int, DeferredSelection] = field(default_factory=dict)
    incremental: bool = False


_TYPENAME_ALIAS = "_gw0___typename"


def select_operation(
    operations: list[OperationDefinitionNode], name: str | None
) -> OperationDefinitionNode:
    """Pick the operation to run, per the spec's GetOperation()."""
    if name is None:
        if len(operations) == 1:
            return operations[0]
        raise OperationNotFound(
            "The document has several operations: operationName is required.",
            code="OPERATION_NAME_REQUIRED",
        )
    for operation in operations:
        if operation.name is not None and operation.name.value == name:
            return operation
    raise OperationNotFound(f"Unknown operation named '{name}'.")


def chain_of(type_: Any) -> TypeChain:
    chain: list[tuple[str, bool]] = []
    nullable = True
    while True:
        if isinstance(type_, GraphQLNonNull):
            nullable = False
            type_ = type_.of_type
            continue
        if isinstance(type_, GraphQLList):
            chain.append(("list", nullable))
            nullable = True
            type_ = type_.of_type
            continue
        chain.append(("named", nullable))
        return tuple(chain)


def _named(type_: Any) -> GraphQLNamedType:
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        type_ = type_.of_type
    named: GraphQLNamedType = type_
    return named


class Normalizer:
    """Normalizes selection sets against one schema, with one request's variables."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any],
        incremental: bool = False,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        #: The client takes incremental delivery: ``@defer``/``@stream`` apply. Otherwise
        #: they are ignored, and the client gets the whole response at once.
        self.incremental = incremental
        self.deferred: dict[int, DeferredSelection] = {}
        self.streams = False
        self._ids = itertools.count()
        self._memo: dict[tuple[str, tuple[int, ...]], NSelection] = {}
        #: Deferred fragments without their ``@defer``, by the original node's id; the
        #: original is kept too, so that no id is reused while the memo holds it.
        self._undeferred: dict[int, tuple[SelectionNode, SelectionNode]] = {}

    def selection(self, parent: GraphQLNamedType, nodes: list[SelectionNode]) -> NSelection:
        memo_key = (parent.name, tuple(id(n) for n in nodes))
        cached = self._memo.get(memo_key)
        if cached is not None:
            return cached
        abstract = is_abstract_type(parent)
        possible: list[GraphQLObjectType] = (
            list(self.schema.get_possible_types(parent)) if abstract else [parent]  # type: ignore[list-item, arg-type]
        )
        result = NSelection(parent.name, abstract)
        # Deferred fragments met, in order, with the object types each applies to.
        deferred: dict[int, tuple[SelectionNode, set[str]]] = {}
        for object_type in possible:
            grouped: dict[str, list[FieldNode]] = {}
            found: dict[int, SelectionNode] = {}
            self._collect(object_type, nodes, grouped, set(), found)
            result.by_type[object_type.name] = [
                self._field(object_type, key, group) for key, group in grouped.items()
            ]
            for node_id, node in found.items():
                deferred.setdefault(node_id, (node, set()))[1].add(object_type.name)
        if abstract:
            own: dict[str, list[FieldNode]] = {}
            self._collect(parent, nodes, own, set(), {})  # type: ignore[arg-type]
            result.own = [
                self._field(parent, key, group)  # type: ignore[arg-type]
                for key, group in own.items()
                if group[0].name.value == "__typename"
                or group[0].name.value in getattr(parent, "fields", {})
            ]
        self._memo[memo_key] = result
        for node, types in deferred.values():
            # The fragment alone, as an ordinary (undeferred) fragment of this same type.
            inner = self.selection(parent, [self._without_defer(node)])
            label = self._argument(_directive(node, "defer"), "label")
            item = DeferredSelection(
                next(self._ids), label if isinstance(label, str) else None, inner, frozenset(types)
            )
            self.deferred[item.id] = item
            result.deferred.append(item)
        return result

    def _without_defer(self, node: SelectionNode) -> SelectionNode:
        kept = self._undeferred.get(id(node))
        if kept is None:
            directives = tuple(d for d in node.directives or () if d.name.value != "defer")
            stripped = dataclasses.replace(node, directives=directives)
            kept = self._undeferred[id(node)] = (node, stripped)
        return kept[1]

    def _field(self, parent: GraphQLObjectType, key: str, nodes: list[FieldNode]) -> NField:
        first = nodes[0]
        name = first.name.value
        if name == "__typename":
            return NField(key, name, parent.name, chain=(("named", False),))
        introspection = name in ("__schema", "__type")
        definition: GraphQLField | None
        if name == "__schema":
            definition = None
            chain: TypeChain = (("named", False),)
            type_name = "__Schema"
        elif name == "__type":
            definition = None
            chain = (("named", True),)
            type_name = "__Type"
        else:
            definition = parent.fields.get(name)
            if definition is None:
                raise KeyError(f"{parent.name}.{name}")
            chain = chain_of(definition.type)
            type_name = _named(definition.type).name
        normalized = NField(
            key,
            name,
            parent.name,
            tuple(first.arguments or ()),
            type_name,
            chain,
            introspection=introspection,
            data_key=_TYPENAME_ALIAS if key == "__typename" else "",
            stream=self._stream(first),
        )
        if definition is not None:
            return_type = _named(definition.type)
            if isinstance(return_type, GraphQLEnumType):
                normalized.enum_values = frozenset(return_type.values)
            if is_composite_type(return_type):
                sub_nodes: list[SelectionNode] = []
                for node in nodes:
                    if node.selection_set is not None:
                        sub_nodes.extend(node.selection_set.selections)
                normalized.selection = self.selection(return_type, sub_nodes)
        return normalized

    def _collect(
        self,
        object_type: GraphQLObjectType,
        nodes: list[SelectionNode] | tuple[SelectionNode, ...],
        grouped: dict[str, list[FieldNode]],
        visited: set[str],
        deferred: dict[int, SelectionNode],
    ) -> None:
        """Collect the fields of ``nodes`` for ``object_type`` into ``grouped``; fragments
        deferred (and applying to the type) go into ``deferred`` instead."""
        for node in nodes:
            if not self._included(node):
                continue
            if isinstance(node, FieldNode):
                key = node.alias.value if node.alias else node.name.value
                grouped.setdefault(key, []).append(node)
            elif isinstance(node, InlineFragmentNode):
                condition = node.type_condition.name.value if node.type_condition else None
                if not self._applies(condition, object_type):
                    continue
                if self._deferred(node):
                    deferred.setdefault(id(node), node)
                    continue
                self._collect(
                    object_type, node.selection_set.selections, grouped, visited, deferred
                )
            elif isinstance(node, FragmentSpreadNode):
                name = node.name.value
                fragment = self.fragments.get(name)
                if fragment is None or not self._applies(
                    fragment.type_condition.name.value, object_type
                ):
                    continue
                if self._deferred(node):
                    deferred.setdefault(id(node), node)
                    continue
                if name in visited:
                    continue
                visited.add(name)
                self._collect(
                    object_type, fragment.selection_set.selections, grouped, visited, deferred
                )

    def _deferred(self, node: InlineFragmentNode | FragmentSpreadNode) -> bool:
        """``@defer`` applies: the client takes incremental delivery, and ``if`` is not
        false (``@defer(if: false)`` is as if absent)."""
        directive = _directive(node, "defer") if self.incremental else None
        if directive is None:
            return False
        condition = self._argument(directive, "if")
        return condition is None or bool(condition)

    def _stream(self, node: FieldNode) -> Stream | None:
        directive = _directive(node, "stream") if self.incremental else None
        if directive is None:
            return None
        condition = self._argument(directive, "if")
        if condition is not None and not condition:
            return None
        self.streams = True
        label = self._argument(directive, "label")
        count: int | str = 0
        for argument in directive.arguments or ():
            if argument.name.value == "initialCount":
                value = argument.value
                if isinstance(value, IntValueNode):
                    count = int(value.value)
                elif isinstance(value, VariableNode):
                    count = value.name.value
        return Stream(label if isinstance(label, str) else None, count)

    def _argument(self, directive: DirectiveNode | None, name: str) -> Any:
        """A directive argument's literal value (a variable's value from the request);
        None when absent."""
        for argument in (directive.arguments or ()) if directive is not None else ():
            if argument.name.value != name:
                continue
            value = argument.value
            if isinstance(value, VariableNode):
                return self.variables.get(value.name.value)
            if isinstance(value, BooleanValueNode | StringValueNode):
                return value.value
        return None

    def _applies(self, condition: str | None, object_type: GraphQLObjectType) -> bool:
        if condition is None or condition == object_type.name:
            return True
        conditional = self.schema.get_type(condition)
        if conditional is None or not is_abstract_type(conditional):
            return False
        if is_abstract_type(object_type):
            # Collecting for an abstract type itself: a condition applies when it holds
            # for every type the abstract one may be.
            return all(
                self.schema.is_sub_type(conditional, possible)
                for possible in self.schema.get_possible_types(object_type)
            )
        return self.schema.is_sub_type(conditional, object_type)

    def _included(self, node: SelectionNode) -> bool:
        for directive in node.directives or ():
            name = directive.name.value
            if name not in ("skip", "include"):
                continue
            value = self._condition_value(directive.arguments)
            if (name == "skip" and value) or (name == "include" and not value):
                return False
        return True

    def _condition_value(self, arguments: tuple[ArgumentNode, ...] | None) -> bool:
        for argument in arguments or ():
            if argument.name.value == "if":
                value = argument.value
                if isinstance(value, BooleanValueNode):
                    return value.value
                if isinstance(value, VariableNode):
                    return bool(self.variables.get(value.name.value))
        return False


def _directive(node: SelectionNode, name: str) -> DirectiveNode | None:
    return next((d for d in node.directives or () if d.name.value == name), None)


def normalize(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any],
    incremental: bool = False,
) -> NormalizedOperation:
    """``incremental``: the client takes incremental delivery (``@defer``/``@stream``
    apply); otherwise they are ignored."""
    kind = operation.operation.value
    root_type = schema.get_root_type(operation.operation)
    if root_type is None:
        raise OperationNotFound(f"The schema has no {kind} type.", code="OPERATION_NOT_SUPPORTED")
    # Subscriptions are never delivered incrementally (validation refuses @defer there).
    normalizer = Normalizer(schema, fragments, variables, incremental and kind != "subscription")
    root = normalizer.selection(root_type, list(operation.selection_set.selections))
    name = operation.name.value if operation.name else None
    return NormalizedOperation(
        kind,
        name,
        root,
        operation,
        fragments,
        normalizer.deferred,
        bool(normalizer.deferred) or normalizer.streams,
    )


def conditional_variables(
    operation: OperationDefinitionNode, fragments: dict[str, FragmentDefinitionNode]
) -> tuple[str, ...]:
    """Names of variables used by ``@skip``/``@include`` (and by ``@defer``/``@stream``
    ``if`` or ``label``): they are part of the plan's key."""
    from graphql import Visitor, visit

    names: set[str] = set()

    class _Find(Visitor):
        def enter_directive(self, node: Any, *_: Any) -> None:
            if node.name.value in ("skip", "include", "defer", "stream"):
                for argument in node.arguments or ():
                    if isinstance(argument.value, VariableNode):
                        names.add(argument.value.name.value)

    visit(operation, _Find())
    for fragment in fragments.values():
        visit(fragment, _Find())
    return tuple(sorted(names))
