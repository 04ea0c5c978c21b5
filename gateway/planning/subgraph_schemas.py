"""Each subgraph's own schema, rebuilt from the supergraph's join directives.

A subgraph only accepts operations valid against *its* schema, which is not the
supergraph: a field may be missing there, or have another type (``ID`` in one subgraph,
``ID!`` in another); a union may have fewer members, an enum fewer values; an
``@interfaceObject`` is an object type there. The join directives say all of that:

- a type is in the subgraphs of its ``@join__type`` (all of them without any);
- a field (or input field) in the graphs of its ``@join__field`` (all of its type's without
  any; a bare ``@join__field`` means none), with the ``type:`` given there;
- union members per ``@join__unionMember``, interfaces per ``@join__implements``, enum
  values per ``@join__enumValue``;
- plus what federation adds: ``_Any``, ``_Service``/``_service``, and ``_Entity``/
  ``_entities`` over the object types with a ``@key`` there (none without keys).

Kept although a subgraph cannot always be asked for them: ``@external`` fields (they are in
the subgraph's SDL) and ``@inaccessible`` elements. Directive applications are dropped:
operations sent to subgraphs use only the built-in ``@skip``/``@include``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from graphql import (
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumValueNode,
    GraphQLSchema,
    InputObjectTypeDefinitionNode,
    InterfaceTypeDefinitionNode,
    NamedTypeNode,
    NameNode,
    ObjectTypeDefinitionNode,
    OperationType,
    OperationTypeDefinitionNode,
    ScalarTypeDefinitionNode,
    SchemaDefinitionNode,
    StringValueNode,
    TypeNode,
    UnionTypeDefinitionNode,
    build_ast_schema,
    parse,
    parse_type,
)

from gateway.supergraph import Supergraph

__all__ = ["subgraph_documents", "subgraph_schemas"]

# The authorization specs' scalars are machinery too (not any subgraph's types).
_MACHINERY_PREFIXES = ("join__", "link__", "requiresScopes__", "policy__")
#: What every Federation 2 subgraph adds to its schema (the ``_Entity`` union and the
#: ``_entities`` field only when it has entities).
_FEDERATION_SDL = """
scalar _Any
type _Service { sdl: String }
"""
_ROOTS = {
    OperationType.QUERY: "Query",
    OperationType.MUTATION: "Mutation",
    OperationType.SUBSCRIPTION: "Subscription",
}

TypeDefinition = (
    ObjectTypeDefinitionNode
    | InterfaceTypeDefinitionNode
    | UnionTypeDefinitionNode
    | EnumTypeDefinitionNode
    | InputObjectTypeDefinitionNode
    | ScalarTypeDefinitionNode
)


def subgraph_schemas(supergraph: Supergraph) -> dict[str, GraphQLSchema]:
    """Each subgraph's own schema (by subgraph name), rebuilt from the join directives."""
    return {
        name: build_ast_schema(document, assume_valid_sdl=True)
        for name, document in subgraph_documents(supergraph).items()
    }


def subgraph_documents(supergraph: Supergraph) -> dict[str, DocumentNode]:
    """Each subgraph's schema as SDL (an AST without directive applications)."""
    document = parse(supergraph.sdl, no_location=True)
    graphs = _graph_enum_values(document)
    roots = _root_type_names(document)
    return {
        name: _Extraction(document, graphs.get(name, ""), roots).document()
        for name in supergraph.subgraphs
    }


def _graph_enum_values(document: DocumentNode) -> dict[str, str]:
    """Subgraph name -> its ``join__Graph`` value (``"product-catalog"`` -> ``PRODUCT_CATALOG``)."""
    out: dict[str, str] = {}
    for definition in document.definitions:
        if not (
            isinstance(definition, EnumTypeDefinitionNode)
            and definition.name.value == "join__Graph"
        ):
            continue
        for value in definition.values or ():
            for directive in value.directives or ():
                if directive.name.value == "join__graph":
                    name = _string_arg(directive, "name") or value.name.value.lower()
                    out[name] = value.name.value
    return out


def _root_type_names(document: DocumentNode) -> dict[OperationType, str]:
    roots = dict(_ROOTS)
    for definition in document.definitions:
        if isinstance(definition, SchemaDefinitionNode):
            for operation_type in definition.operation_types:
                roots[operation_type.operation] = operation_type.type.name.value
    return roots


def _arg_node(directive: DirectiveNode, name: str) -> Any:
    return next((a.value for a in directive.arguments or () if a.name.value == name), None)


def _string_arg(directive: DirectiveNode, name: str) -> str | None:
    value = _arg_node(directive, name)
    return value.value if isinstance(value, StringValueNode) else None


def _graph_arg(directive: DirectiveNode) -> str | None:
    value = _arg_node(directive, "graph")
    return value.value if isinstance(value, EnumValueNode) else None


def _directives(node: Any, name: str) -> list[DirectiveNode]:
    return [d for d in getattr(node, "directives", None) or () if d.name.value == name]


def _named(type_node: TypeNode) -> str:
    while not isinstance(type_node, NamedTypeNode):
        type_node = type_node.type  # type: ignore[attr-defined]
    return type_node.name.value


def _replace(node: Any, **changes: Any) -> Any:
    # graphql-core 3.3's AST nodes are frozen dataclasses.
    return dataclasses.replace(node, **changes)


class _Extraction:
    """One subgraph's share of the supergraph's type definitions."""

    def __init__(self, document: DocumentNode, graph: str, roots: dict[OperationType, str]) -> None:
        self.document_node = document
        self.graph = graph
        self.roots = roots
        self.entities: list[str] = []

    def document(self) -> DocumentNode:
        types: dict[str, Any] = {}
        for definition in self.document_node.definitions:
            if not isinstance(definition, TypeDefinition):
                continue
            name = definition.name.value
            if name.startswith(_MACHINERY_PREFIXES) or not self._has_type(definition):
                continue
            extracted = self._type(definition)
            if extracted is not None:
                types[name] = extracted
        _drop_dangling(types)
        self._add_federation(types)
        return DocumentNode(
            definitions=(
                *types.values(),
                *parse(_FEDERATION_SDL).definitions,
                self._schema_definition(types),
            )
        )

    def _has_type(self, node: Any) -> bool:
        joins = _directives(node, "join__type")
        # A type without any @join__type (hand-written supergraphs) is in every subgraph.
        return not joins or any(_graph_arg(j) == self.graph for j in joins)

    def _my_joins(self, node: Any) -> list[DirectiveNode]:
        return [j for j in _directives(node, "join__type") if _graph_arg(j) == self.graph]

    def _type(self, node: Any) -> Any:
        joins = self._my_joins(node)
        if isinstance(node, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode):
            fields = tuple(self._fields(node.fields or ()))
            interfaces = self._interfaces(node)
            keyed = any(_arg_node(j, "key") is not None for j in joins)
            if isinstance(node, InterfaceTypeDefinitionNode) and not any(
                _bool_arg(j, "isInterfaceObject") for j in joins
            ):
                return InterfaceTypeDefinitionNode(
                    name=node.name, fields=fields, interfaces=interfaces, directives=()
                )
            # Objects, and interfaces this subgraph sees as objects (@interfaceObject).
            if keyed:
                self.entities.append(node.name.value)
            return ObjectTypeDefinitionNode(
                name=node.name,
                fields=fields,
                interfaces=interfaces if isinstance(node, ObjectTypeDefinitionNode) else (),
                directives=(),
            )
        if isinstance(node, UnionTypeDefinitionNode):
            members = _directives(node, "join__unionMember")
            mine = {_string_arg(m, "member") for m in members if _graph_arg(m) == self.graph}
            kept = tuple(t for t in node.types or () if not members or t.name.value in mine)
            return _replace(node, types=kept, directives=())
        if isinstance(node, EnumTypeDefinitionNode):
            values = tuple(
                _replace(v, directives=())
                for v in node.values or ()
                if self._in_graph(v, "join__enumValue")
            )
            return _replace(node, values=values, directives=())
        if isinstance(node, InputObjectTypeDefinitionNode):
            fields = tuple(
                _replace(f, directives=(), type=self._field_type(f))
                for f in node.fields or ()
                if self._in_graph(f, "join__field")
            )
            return _replace(node, fields=fields, directives=())
        return _replace(node, directives=())

    def _in_graph(self, node: Any, directive: str) -> bool:
        """A field or enum value is in every graph of its type unless directives list them."""
        joins = _directives(node, directive)
        return not joins or any(_graph_arg(j) == self.graph for j in joins)

    def _field_type(self, node: Any) -> TypeNode:
        for join in _directives(node, "join__field"):
            if _graph_arg(join) == self.graph:
                declared = _string_arg(join, "type")
                if declared:
                    return parse_type(declared, no_location=True)
        type_node: TypeNode = node.type
        return type_node

    def _fields(self, fields: Any) -> Iterator[Any]:
        for field in fields:
            if not self._in_graph(field, "join__field"):
                continue
            arguments = tuple(_replace(a, directives=()) for a in field.arguments or ())
            yield _replace(field, directives=(), arguments=arguments, type=self._field_type(field))

    def _interfaces(self, node: Any) -> tuple[NamedTypeNode, ...]:
        implements = _directives(node, "join__implements")
        mine = {_string_arg(i, "interface") for i in implements if _graph_arg(i) == self.graph}
        return tuple(i for i in node.interfaces or () if not implements or i.name.value in mine)

    def _add_federation(self, types: dict[str, Any]) -> None:
        query_name = self.roots[OperationType.QUERY]
        entities = [e for e in self.entities if e in types]
        extra = "_service: _Service!"
        if entities:
            extra = "_entities(representations: [_Any!]!): [_Entity]!\n" + extra
            types["_Entity"] = parse(f"union _Entity = {' | '.join(entities)}").definitions[0]
        added = parse(f"type {query_name} {{ {extra} }}").definitions[0]
        query = types.get(query_name)
        fields = (*(query.fields if query is not None else ()), *added.fields)  # type: ignore[attr-defined]
        types[query_name] = _replace(query if query is not None else added, fields=fields)

    def _schema_definition(self, types: dict[str, Any]) -> SchemaDefinitionNode:
        operation_types = tuple(
            OperationTypeDefinitionNode(
                operation=operation, type=NamedTypeNode(name=NameNode(value=name))
            )
            for operation, name in self.roots.items()
            if name in types
        )
        return SchemaDefinitionNode(operation_types=operation_types, directives=())


def _bool_arg(directive: DirectiveNode, name: str) -> bool:
    value = _arg_node(directive, name)
    return bool(getattr(value, "value", False))


def _drop_dangling(types: dict[str, Any]) -> None:
    """Remove what refers to a type the subgraph lacks, and types left empty.

    A faithful supergraph never needs this; a hand-written one may, and a schema graphql-core
    refuses would hide every real finding behind one error."""
    changed = True
    while changed:
        changed = False
        for name, node in list(types.items()):
            fixed = _without_dangling(node, types)
            if fixed is not node:
                changed = True
                types[name] = fixed
            if _is_empty(fixed):
                del types[name]
                changed = True


def _without_dangling(node: Any, types: dict[str, Any]) -> Any:
    known = set(types) | {"String", "Int", "Float", "Boolean", "ID"}
    changes: dict[str, Any] = {}
    fields = getattr(node, "fields", None)
    if fields is not None:
        kept = tuple(
            f
            for f in fields
            if _named(f.type) in known
            and all(_named(a.type) in known for a in getattr(f, "arguments", None) or ())
        )
        if len(kept) != len(fields):
            changes["fields"] = kept
    for attribute in ("interfaces", "types"):
        names = getattr(node, attribute, None)
        if names:
            kept_names = tuple(n for n in names if n.name.value in types)
            if len(kept_names) != len(names):
                changes[attribute] = kept_names
    return _replace(node, **changes) if changes else node


def _is_empty(node: Any) -> bool:
    for attribute in ("fields", "types", "values"):
        if hasattr(node, attribute):
            return not getattr(node, attribute)
    return False
