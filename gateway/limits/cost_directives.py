"""Read the IBM GraphQL Cost Directives (``@cost``, ``@listSize``) off a schema's AST nodes.

    directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION
        | INPUT_FIELD_DEFINITION | OBJECT | SCALAR
    directive @listSize(assumedSize: Int, slicingArguments: [String!],
        sizedFields: [String!], requireOneSlicingArgument: Boolean = true)
        on FIELD_DEFINITION

The client-facing schema is built from the supergraph keeping these applications on the
``ast_node`` of fields, arguments and types. In a supergraph they come from
``@link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@cost", "@listSize"])``;
without the import, the link spec names them ``@cost`` (the feature's own directive) and
``@cost__listSize``, and ``as:`` renames the namespace. The names are taken from the
schema's ``@link`` when it has one; otherwise ``@cost``/``@cost__cost`` and
``@listSize``/``@cost__listSize`` are all recognised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from graphql import (
    ConstDirectiveNode,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    value_from_ast_untyped,
)
from graphql.language import Node

__all__ = ["CostDirectives", "ListSize", "cost_directives"]

COST_SPEC = "https://specs.apollo.dev/cost/"


@dataclass(frozen=True, slots=True)
class ListSize:
    """A field's ``@listSize``."""

    assumed_size: int | None = None
    slicing_arguments: tuple[str, ...] = ()
    sized_fields: tuple[str, ...] = ()
    require_one_slicing_argument: bool = True


@dataclass(slots=True)
class CostDirectives:
    """Every ``@cost`` weight and ``@listSize`` of a schema, by schema coordinate."""

    #: Type name -> weight (object, scalar, enum).
    types: dict[str, int] = field(default_factory=dict)
    #: (type, field) -> weight; for input types, input fields.
    fields: dict[tuple[str, str], int] = field(default_factory=dict)
    #: (type, field, argument) -> weight.
    arguments: dict[tuple[str, str, str], int] = field(default_factory=dict)
    #: (type, field) -> list size.
    list_sizes: dict[tuple[str, str], ListSize] = field(default_factory=dict)


def _names(schema: GraphQLSchema) -> tuple[set[str], set[str]]:
    """The names ``@cost`` and ``@listSize`` go by in this schema."""
    for node in [schema.ast_node, *schema.extension_ast_nodes]:
        for directive in getattr(node, "directives", None) or ():
            if directive.name.value not in ("link", "core__link"):
                continue
            args = _arguments(directive)
            url = args.get("url")
            if not isinstance(url, str) or not url.startswith(COST_SPEC):
                continue
            namespace = args.get("as") or "cost"
            cost, list_size = {str(namespace)}, {f"{namespace}__listSize"}
            for item in args.get("import") or ():
                name, alias = (item, item) if isinstance(item, str) else (item.get("name"), None)
                if isinstance(item, dict):
                    alias = item.get("as") or name
                if name == "@cost":
                    cost.add(str(alias).lstrip("@"))
                elif name == "@listSize":
                    list_size.add(str(alias).lstrip("@"))
            return cost, list_size
    return {"cost", "cost__cost"}, {"listSize", "cost__listSize"}


def _directives(node: Node | None, names: set[str]) -> list[ConstDirectiveNode]:
    return [d for d in getattr(node, "directives", None) or () if d.name.value in names]


def _arguments(directive: ConstDirectiveNode) -> dict[str, Any]:
    return {arg.name.value: value_from_ast_untyped(arg.value) for arg in directive.arguments or ()}


def _weight(nodes: list[Node | None], names: set[str]) -> int | None:
    for node in nodes:
        for directive in _directives(node, names):
            weight = _arguments(directive).get("weight")
            if isinstance(weight, int):
                return weight
            if isinstance(weight, str) and weight.strip().lstrip("-").isdigit():
                return int(weight)  # some schemas write weights as strings ("12")
    return None


def _list_size(node: Node | None, names: set[str]) -> ListSize | None:
    for directive in _directives(node, names):
        args = _arguments(directive)
        assumed = args.get("assumedSize")
        require_one = args.get("requireOneSlicingArgument")
        return ListSize(
            assumed_size=assumed if isinstance(assumed, int) else None,
            slicing_arguments=tuple(str(a) for a in args.get("slicingArguments") or ()),
            sized_fields=tuple(str(f) for f in args.get("sizedFields") or ()),
            require_one_slicing_argument=require_one is not False,
        )
    return None


def _build(schema: GraphQLSchema, link_schema: GraphQLSchema) -> CostDirectives:
    cost, list_size = _names(link_schema)
    found = CostDirectives()
    for type_name, named in schema.type_map.items():
        type_nodes: list[Node | None] = [named.ast_node, *named.extension_ast_nodes]
        if isinstance(named, GraphQLObjectType | GraphQLScalarType | GraphQLEnumType):
            weight = _weight(type_nodes, cost)
            if weight is not None:
                found.types[type_name] = weight
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field_def in named.fields.items():
                weight = _weight([field_def.ast_node], cost)
                if weight is not None:
                    found.fields[type_name, field_name] = weight
                size = _list_size(field_def.ast_node, list_size)
                if size is not None:
                    found.list_sizes[type_name, field_name] = size
                for arg_name, arg in field_def.args.items():
                    weight = _weight([arg.ast_node], cost)
                    if weight is not None:
                        found.arguments[type_name, field_name, arg_name] = weight
        elif isinstance(named, GraphQLInputObjectType):
            for field_name, input_field in named.fields.items():
                weight = _weight([input_field.ast_node], cost)
                if weight is not None:
                    found.fields[type_name, field_name] = weight
    return found


_cache: WeakKeyDictionary[GraphQLSchema, CostDirectives] = WeakKeyDictionary()


def cost_directives(
    schema: GraphQLSchema, link_schema: GraphQLSchema | None = None
) -> CostDirectives:
    """The schema's cost directives, read once per schema object.

    ``link_schema`` is where to read the ``@link`` that names the directives, when
    ``schema`` lost it (an API schema derived from a supergraph keeps the applications
    but not the schema definition's ``@link``): pass the whole supergraph's schema.
    """
    found = _cache.get(schema)
    if found is None:
        found = _cache[schema] = _build(schema, link_schema or schema)
    return found
