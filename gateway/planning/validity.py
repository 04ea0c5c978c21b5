"""Check a plan's fetches against the subgraphs' own schemas.

A subgraph only accepts operations that are valid against *its* schema, which is not the
supergraph: a field may be missing there, have another type (``ID`` in one subgraph,
``ID!`` in another), a union may have fewer members, an enum fewer values. The join
directives of the supergraph say all of that, so each subgraph's schema can be rebuilt
from them (``subgraph_schemas``), and every ``Fetch`` of a plan validated with
graphql-core against the schema of the subgraph it goes to (``validate_plan``).

``ValidatingPlanner`` wraps any planner and refuses to return a plan that would send an
invalid operation: the planner tests run every plan through it. It only reads the emitted
plan, never the planner's internals.

Deliberately lenient where validation cannot judge the planner: ``@external`` fields are in
the subgraph's schema (as they are in its SDL), and ``@inaccessible`` elements too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any, Protocol

from graphql import (
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumValueNode,
    GraphQLError,
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
    is_interface_type,
    is_object_type,
    parse,
    parse_type,
    validate,
)

from gateway.planning.operation import NormalizedOperation
from gateway.planning.plan import Fetch, Flatten, Parallel, PlanNode, QueryPlan, Sequence
from gateway.supergraph import Supergraph

__all__ = [
    "InvalidPlan",
    "ValidatingPlanner",
    "fetches",
    "subgraph_documents",
    "subgraph_schemas",
    "validate_fetch",
    "validate_plan",
]

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


# -- the subgraphs' schemas ------------------------------------------------------------------


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


# -- the plan's fetches ----------------------------------------------------------------------


def fetches(node: PlanNode | None) -> Iterator[Fetch]:
    """Every ``Fetch`` of a plan tree, in plan order."""
    match node:
        case None:
            return
        case Fetch():
            yield node
        case Flatten():
            yield node.node
        case Sequence() | Parallel():
            for child in node.nodes:
                yield from fetches(child)


def validate_fetch(fetch: Fetch, schemas: dict[str, GraphQLSchema]) -> list[str]:
    """What is wrong with one fetch for its subgraph (empty when it is valid)."""
    schema = schemas.get(fetch.subgraph)
    where = f"fetch to {fetch.subgraph!r}: {fetch.operation}"
    if schema is None:
        return [f"{where}\n  unknown subgraph {fetch.subgraph!r}"]
    try:
        document = parse(fetch.operation)
    except GraphQLError as error:
        return [f"{where}\n  does not parse: {error.message}"]
    problems = [f"{where}\n  {_located(error)}" for error in validate(schema, document)]
    problems.extend(f"{where}\n  {problem}" for problem in _representation_problems(fetch, schema))
    return problems


def _located(error: GraphQLError) -> str:
    locations = ", ".join(f"{loc.line}:{loc.column}" for loc in error.locations or ())
    return f"{error.message}" + (f" (at {locations})" if locations else "")


def _representation_problems(fetch: Fetch, schema: GraphQLSchema) -> list[str]:
    """An entity fetch's representations must name a type the subgraph resolves as an
    entity: an object of its ``_Entity`` union, or an interface (entity interfaces)."""
    entity_union = schema.get_type("_Entity")
    entities = (
        {t.name for t in schema.get_possible_types(entity_union)}  # type: ignore[arg-type]
        if entity_union is not None
        else set()
    )
    problems = []
    for _type_name, sent, _fields in fetch.requires:
        found = schema.get_type(sent)
        if found is None:
            problems.append(f"representations of type {sent!r}, unknown to the subgraph")
        elif not (
            (is_object_type(found) and sent in entities)
            or (
                is_interface_type(found)
                and any(t.name in entities for t in schema.get_possible_types(found))
            )
        ):
            problems.append(f"representations of type {sent!r}, not an entity of the subgraph")
    return problems


def validate_plan(
    plan: QueryPlan | PlanNode | None, schemas: dict[str, GraphQLSchema]
) -> list[str]:
    """Readable problems of every fetch of ``plan`` (subgraph, operation, error)."""
    node = plan.node if isinstance(plan, QueryPlan) else plan
    return [problem for fetch in fetches(node) for problem in validate_fetch(fetch, schemas)]


# -- a planner that refuses invalid plans ----------------------------------------------------


class InvalidPlan(AssertionError):
    """A plan would send an operation its subgraph rejects (a planner bug)."""

    def __init__(self, problems: list[str], plan: QueryPlan) -> None:
        self.problems = problems
        self.plan = plan
        listed = "\n".join(f"- {p}" for p in problems)
        super().__init__(f"The plan sends invalid operations:\n{listed}\n{plan.text()}")


class PlannerLike(Protocol):
    @property
    def schema(self) -> GraphQLSchema: ...

    def plan(self, operation: NormalizedOperation) -> QueryPlan: ...


class ValidatingPlanner:
    """``planner``, but ``plan`` raises ``InvalidPlan`` instead of returning a plan with an
    invalid fetch. For tests, and for a debug mode (validating costs far more than planning).
    """

    def __init__(self, planner: PlannerLike, supergraph: Supergraph | None = None) -> None:
        self.planner = planner
        if supergraph is None:
            supergraph = planner.graph.supergraph  # type: ignore[attr-defined]
        assert supergraph is not None
        self.supergraph: Supergraph = supergraph
        self.schemas = subgraph_schemas(supergraph)

    @property
    def schema(self) -> GraphQLSchema:
        return self.planner.schema

    @property
    def graph(self) -> Any:
        return self.planner.graph  # type: ignore[attr-defined]

    def plan(self, operation: NormalizedOperation) -> QueryPlan:
        plan = self.planner.plan(operation)
        problems = validate_plan(plan, self.schemas)
        if problems:
            raise InvalidPlan(problems, plan)
        return plan
