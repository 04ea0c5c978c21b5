"""Where data can come from: which subgraph resolves which field, keys, possible types.

The questions the planner asks of the supergraph's join metadata, answered once per
supergraph (memoized), so planning an operation never re-reads directives.
"""

from __future__ import annotations

from functools import cache

from graphql import (
    DirectiveNode,
    EnumValueNode,
    FieldNode,
    GraphQLEnumType,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionSetNode,
    StringValueNode,
    is_abstract_type,
    is_object_type,
    parse,
)

from gateway.supergraph import JoinField, Supergraph


@cache
def parse_field_set(field_set: str) -> SelectionSetNode:
    """A ``FieldSet`` string (``"id organization { id }"``) as a selection set."""
    document = parse("{" + field_set + "}", no_location=True)
    operation = document.definitions[0]
    selection_set: SelectionSetNode = operation.selection_set  # type: ignore[attr-defined]
    return selection_set


class SupergraphGraph:
    """Resolution facts about one supergraph, for a given set of enabled override labels."""

    def __init__(self, supergraph: Supergraph, override_labels: frozenset[str] = frozenset()):
        self.supergraph = supergraph
        self.schema: GraphQLSchema = supergraph.schema
        self.labels = override_labels
        self._resolvers: dict[tuple[str, str], tuple[str, ...]] = {}
        self._joins: dict[tuple[str, str, str], JoinField | None] = {}
        self._enum_values: dict[tuple[str, str], frozenset[str] | None] = {}

    def knows_type(self, type_name: str, graph: str) -> bool:
        info = self.supergraph.types.get(type_name)
        if info is None:
            return False
        return not info.joins or graph in info.graphs

    def _usable(self, join: JoinField, type_name: str, field_name: str) -> bool:
        if join.external and not self._fake_external(type_name, field_name, join.graph):
            return False
        if join.used_overridden:
            return False
        if join.override_label is not None:
            enabled = join.override_label in self.labels
            return enabled if join.override is not None else not enabled
        return True

    def _fake_external(self, type_name: str, field_name: str, graph: str) -> bool:
        """A key field marked ``@external`` on a Federation 1 type extension (``extend
        type Product @key(fields: "upc") { upc: String! @external }``, composed with
        ``@join__type(extension: true)``) is the subgraph's own key: it resolves it
        (every reference it returns carries it). Federation 2's ``@external`` on a key
        field means what it says."""
        info = self.supergraph.types.get(type_name)
        if info is None:
            return False
        return any(
            j.graph == graph
            and j.extension
            and j.key
            and any(
                isinstance(s, FieldNode) and s.name.value == field_name
                for s in parse_field_set(j.key).selections
            )
            for j in info.joins
        )

    def join_field(self, type_name: str, field_name: str, graph: str) -> JoinField | None:
        """The usable ``@join__field`` of a field in a graph (None when absent/unusable)."""
        key = (type_name, field_name, graph)
        if key in self._joins:
            return self._joins[key]
        info = self.supergraph.types.get(type_name)
        found: JoinField | None = None
        if info is not None and field_name in info.fields:
            joins = info.fields[field_name]
            if joins:
                found = next(
                    (
                        j
                        for j in joins
                        if j.graph == graph and self._usable(j, type_name, field_name)
                    ),
                    None,
                )
            elif self.knows_type(type_name, graph):
                found = JoinField(graph=graph)
        self._joins[key] = found
        return found

    def enum_values_in(self, enum: str, graph: str) -> frozenset[str] | None:
        """The values ``graph`` has of enum ``enum`` (``@join__enumValue``), None when the
        supergraph does not say (every value everywhere)."""
        key = (enum, graph)
        if key in self._enum_values:
            return self._enum_values[key]
        found: frozenset[str] | None = None
        enum_type = self.schema.get_type(enum)
        if isinstance(enum_type, GraphQLEnumType):
            graphs = self._graph_names()
            values: set[str] = set()
            joined = False
            for name, value in enum_type.values.items():
                directives = [
                    d
                    for d in (value.ast_node.directives if value.ast_node else ()) or ()
                    if d.name.value == "join__enumValue"
                ]
                joined = joined or bool(directives)
                if not directives or any(_graph_of(d, graphs) == graph for d in directives):
                    values.add(name)
            found = frozenset(values) if joined else None
        self._enum_values[key] = found
        return found

    def _graph_names(self) -> dict[str, str]:
        """``join__Graph`` enum value -> subgraph name."""
        graph_enum = self.schema.get_type("join__Graph")
        names: dict[str, str] = {}
        for value_name, value in getattr(graph_enum, "values", {}).items():
            name = value_name.lower()
            for directive in (value.ast_node.directives if value.ast_node else ()) or ():
                if directive.name.value == "join__graph":
                    for argument in directive.arguments or ():
                        if argument.name.value == "name" and isinstance(
                            argument.value, StringValueNode
                        ):
                            name = argument.value.value
            names[value_name] = name
        return names

    def declared_type(self, type_name: str, field_name: str, graph: str) -> str | None:
        """The named type of ``type.field`` in ``graph`` when the supergraph records one
        (``@join__field(type:)``: it may differ from the API's, e.g. Book vs Media)."""
        join = self.join_field(type_name, field_name, graph)
        if join is None or not join.type:
            return None
        return join.type.replace("[", "").replace("]", "").replace("!", "").strip()

    def resolvers(self, type_name: str, field_name: str) -> tuple[str, ...]:
        """Subgraphs that can resolve ``type.field`` (in supergraph declaration order)."""
        key = (type_name, field_name)
        cached = self._resolvers.get(key)
        if cached is None:
            cached = tuple(
                g for g in self.supergraph.subgraphs if self.join_field(type_name, field_name, g)
            )
            self._resolvers[key] = cached
        return cached

    def can_resolve(
        self,
        type_name: str,
        field_name: str,
        graph: str,
        provided: SelectionSetNode | None = None,
    ) -> bool:
        if field_name == "__typename":
            return True
        if provided is not None and provided_field(provided, type_name, field_name) is not None:
            return True
        return self.join_field(type_name, field_name, graph) is not None

    def resolvable_keys(self, type_name: str, graph: str) -> list[str]:
        info = self.supergraph.types.get(type_name)
        if info is None:
            return []
        return [j.key for j in info.joins if j.graph == graph and j.key and j.resolvable]

    def all_keys(self, type_name: str, graph: str) -> list[str]:
        info = self.supergraph.types.get(type_name)
        if info is None:
            return []
        return [j.key for j in info.joins if j.graph == graph and j.key]

    def possible_types_in(self, abstract: str, graph: str) -> set[str]:
        """Object types a subgraph may return where it declares ``abstract``."""
        schema_type = self.schema.get_type(abstract)
        if schema_type is None or not is_abstract_type(schema_type):
            return {abstract}
        info = self.supergraph.types.get(abstract)
        result: set[str] = set()
        for object_type in self.schema.get_possible_types(schema_type):
            object_info = self.supergraph.types.get(object_type.name)
            if object_info is None:
                continue
            if info is not None and info.kind == "union":
                members = info.members
                if members:
                    if object_type.name in members.get(graph, set()):
                        result.add(object_type.name)
                    continue
            else:
                implements = object_info.implements
                if implements:
                    if abstract in implements.get(graph, set()):
                        result.add(object_type.name)
                    continue
            if self.knows_type(object_type.name, graph):
                result.add(object_type.name)
        return result

    def is_entity(self, type_name: str) -> bool:
        """True when some subgraph has a resolvable key for the type."""
        info = self.supergraph.types.get(type_name)
        return info is not None and any(j.key and j.resolvable for j in info.joins)

    def is_interface_object(self, type_name: str, graph: str) -> bool:
        info = self.supergraph.types.get(type_name)
        return info is not None and info.is_interface_object_in(graph)

    def interface_owners(self, interface: str) -> list[str]:
        """Subgraphs that hold ``interface`` as a real interface with a resolvable key."""
        info = self.supergraph.types.get(interface)
        if info is None:
            return []
        return [j.graph for j in info.joins if j.key and j.resolvable and not j.is_interface_object]

    def interface_object_resolvers(self, type_name: str, field_name: str) -> list[tuple[str, str]]:
        """(subgraph, interface) pairs that resolve ``type.field`` through an
        ``@interfaceObject`` of one of the type's interfaces."""
        schema_type = self.schema.get_type(type_name)
        found: list[tuple[str, str]] = []
        for interface in getattr(schema_type, "interfaces", ()):
            for graph in self.resolvers(interface.name, field_name):
                if self.is_interface_object(interface.name, graph):
                    found.append((graph, interface.name))
        return found

    def is_object(self, type_name: str) -> bool:
        return is_object_type(self.schema.get_type(type_name))


def _graph_of(directive: DirectiveNode, graphs: dict[str, str]) -> str | None:
    for argument in directive.arguments or ():
        if argument.name.value == "graph" and isinstance(argument.value, EnumValueNode):
            return graphs.get(argument.value.value)
    return None


def provided_field(
    provided: SelectionSetNode, type_name: str, field_name: str
) -> SelectionSetNode | FieldNode | None:
    """The provided selection of ``field_name`` at ``type_name``, or None."""
    for selection in provided.selections:
        if isinstance(selection, FieldNode) and selection.name.value == field_name:
            return selection
        if isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            if condition is None or condition.name.value == type_name:
                found = provided_field(selection.selection_set, type_name, field_name)
                if found is not None:
                    return found
    return None
