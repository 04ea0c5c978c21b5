"""Read a Federation 2 supergraph (the join-spec SDL that composition writes).

From the SDL we keep three things:

- ``schema``: the whole supergraph as a graphql-core schema (join machinery and
  ``@inaccessible`` elements included) — what the planner plans against;
- ``api_schema``: what clients see — join/link machinery and ``@inaccessible`` elements
  removed; ``@cost``/``@listSize`` applications stay on the AST nodes for demand control;
  the authorization directives (``@authenticated``, ``@requiresScopes``, ``@policy``) and
  their scalars are removed, as from Apollo's API schema;
- ``authorization``: what those directives require, per type and field
  (``gateway.authz.Rules``);
- per type and field, which subgraph can resolve what (``TypeInfo``/``FieldInfo``), read
  from ``@join__type``, ``@join__field``, ``@join__implements``, ``@join__unionMember``.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graphql import (
    BooleanValueNode,
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    EnumValueNode,
    GraphQLDeferDirective,
    GraphQLSchema,
    GraphQLStreamDirective,
    InputObjectTypeDefinitionNode,
    InterfaceTypeDefinitionNode,
    ObjectTypeDefinitionNode,
    StringValueNode,
    UnionTypeDefinitionNode,
    build_ast_schema,
    parse,
    print_directive,
)
from graphql.language import DirectiveDefinitionNode, SchemaDefinitionNode, SchemaExtensionNode

from gateway.errors import GatewayError

if TYPE_CHECKING:
    from gateway.authz.requirements import Rules

#: Directive applications the API schema never shows (they are planning machinery).
_MACHINERY_PREFIXES = ("join__", "link__")
_SPEC_DIRECTIVES = {"link", "inaccessible", "tag", "join__graph"}
#: The authorization specs' directives and scalars: read by the gateway, never shown.
_AUTHORIZATION_DIRECTIVES = {"authenticated", "requiresScopes", "policy"}
_AUTHORIZATION_PREFIXES = ("authenticated__", "requiresScopes__", "policy__")


class SupergraphError(GatewayError):
    code = "INVALID_SUPERGRAPH"
    status = 500


@dataclass(frozen=True, slots=True)
class Subgraph:
    name: str
    url: str


@dataclass(slots=True)
class JoinType:
    graph: str
    key: str | None = None
    resolvable: bool = True
    extension: bool = False
    is_interface_object: bool = False


@dataclass(slots=True)
class JoinField:
    graph: str
    requires: str | None = None
    provides: str | None = None
    type: str | None = None
    external: bool = False
    override: str | None = None
    override_label: str | None = None
    used_overridden: bool = False


@dataclass(slots=True)
class TypeInfo:
    name: str
    kind: str  # "object" | "interface" | "union" | "input" | "enum" | "scalar"
    joins: list[JoinType] = field(default_factory=list)
    #: graph -> interfaces this type implements in that graph.
    implements: dict[str, set[str]] = field(default_factory=dict)
    #: graph -> member types (unions only).
    members: dict[str, set[str]] = field(default_factory=dict)
    fields: dict[str, list[JoinField]] = field(default_factory=dict)

    @property
    def graphs(self) -> list[str]:
        seen: list[str] = []
        for join in self.joins:
            if join.graph not in seen:
                seen.append(join.graph)
        return seen

    def keys(self, graph: str) -> list[JoinType]:
        return [j for j in self.joins if j.graph == graph and j.key is not None]

    def is_interface_object_in(self, graph: str) -> bool:
        return any(j.graph == graph and j.is_interface_object for j in self.joins)


@dataclass(slots=True)
class Supergraph:
    sdl: str
    hash: str
    schema: GraphQLSchema
    api_schema: GraphQLSchema
    subgraphs: dict[str, Subgraph]
    types: dict[str, TypeInfo]
    authorization: Rules

    @classmethod
    def parse(cls, sdl: str) -> Supergraph:
        try:
            document = parse(sdl)
        except Exception as error:  # graphql-core raises GraphQLSyntaxError
            raise SupergraphError(f"The supergraph is not valid SDL: {error}") from error
        graph_enum = _graph_enum(document)
        subgraphs, enum_to_name = graph_enum
        types = _read_types(document, enum_to_name)
        try:
            schema = build_ast_schema(document, assume_valid_sdl=True)
            api_schema = build_ast_schema(_api_document(document), assume_valid_sdl=True)
        except Exception as error:
            raise SupergraphError(f"The supergraph cannot be built: {error}") from error
        # Imported here: gateway.authz plans with this module's types.
        from gateway.authz.requirements import read_rules

        digest = hashlib.sha256(sdl.encode()).hexdigest()
        return cls(sdl, digest, schema, api_schema, subgraphs, types, read_rules(document))

    def with_urls(self, overrides: dict[str, str]) -> Supergraph:
        """This supergraph with some subgraph URLs replaced (by subgraph name)."""
        subgraphs = {
            name: Subgraph(name, overrides.get(name, sg.url)) for name, sg in self.subgraphs.items()
        }
        return Supergraph(
            self.sdl,
            self.hash,
            self.schema,
            self.api_schema,
            subgraphs,
            self.types,
            self.authorization,
        )


def _arg(node: DirectiveNode, name: str) -> Any:
    for argument in node.arguments or ():
        if argument.name.value == name:
            value = argument.value
            if isinstance(value, StringValueNode):
                return value.value
            if isinstance(value, BooleanValueNode):
                return value.value
            if isinstance(value, EnumValueNode):
                return value.value
            return None
    return None


def _graph_enum(document: DocumentNode) -> tuple[dict[str, Subgraph], dict[str, str]]:
    subgraphs: dict[str, Subgraph] = {}
    enum_to_name: dict[str, str] = {}
    for definition in document.definitions:
        if (
            isinstance(definition, EnumTypeDefinitionNode)
            and definition.name.value == "join__Graph"
        ):
            for value in definition.values or ():
                for directive in value.directives or ():
                    if directive.name.value == "join__graph":
                        name = _arg(directive, "name") or value.name.value.lower()
                        url = _arg(directive, "url") or ""
                        subgraphs[name] = Subgraph(name, url)
                        enum_to_name[value.name.value] = name
    if not subgraphs:
        raise SupergraphError("The supergraph has no join__Graph enum: is it a supergraph?")
    return subgraphs, enum_to_name


_KINDS = {
    ObjectTypeDefinitionNode: "object",
    InterfaceTypeDefinitionNode: "interface",
    UnionTypeDefinitionNode: "union",
    InputObjectTypeDefinitionNode: "input",
    EnumTypeDefinitionNode: "enum",
}


def _read_types(document: DocumentNode, graphs: dict[str, str]) -> dict[str, TypeInfo]:
    types: dict[str, TypeInfo] = {}
    for node in document.definitions:
        kind = next((k for cls, k in _KINDS.items() if isinstance(node, cls)), None)
        if kind is None:
            continue
        definition: Any = node
        name = definition.name.value
        if name.startswith(_MACHINERY_PREFIXES):
            continue
        info = types.setdefault(name, TypeInfo(name, kind))
        for directive in definition.directives or ():
            _read_type_directive(info, directive, graphs)
        if isinstance(definition, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode):
            for field_node in definition.fields or ():
                joins = info.fields.setdefault(field_node.name.value, [])
                for directive in field_node.directives or ():
                    if directive.name.value == "join__field":
                        graph = graphs.get(_arg(directive, "graph") or "")
                        if graph is None:
                            # A bare @join__field: no subgraph resolves the field on this
                            # type itself (it comes from an @interfaceObject).
                            joins.append(JoinField(graph=""))
                            continue
                        joins.append(
                            JoinField(
                                graph=graph,
                                requires=_arg(directive, "requires"),
                                provides=_arg(directive, "provides"),
                                type=_arg(directive, "type"),
                                external=bool(_arg(directive, "external")),
                                override=_arg(directive, "override"),
                                override_label=_arg(directive, "overrideLabel"),
                                used_overridden=bool(_arg(directive, "usedOverridden")),
                            )
                        )
    return types


def _read_type_directive(info: TypeInfo, directive: DirectiveNode, graphs: dict[str, str]) -> None:
    graph = graphs.get(_arg(directive, "graph") or "")
    if graph is None:
        return
    name = directive.name.value
    if name == "join__type":
        resolvable = _arg(directive, "resolvable")
        info.joins.append(
            JoinType(
                graph=graph,
                key=_arg(directive, "key"),
                resolvable=True if resolvable is None else bool(resolvable),
                extension=bool(_arg(directive, "extension")),
                is_interface_object=bool(_arg(directive, "isInterfaceObject")),
            )
        )
    elif name == "join__implements":
        info.implements.setdefault(graph, set()).add(_arg(directive, "interface"))
    elif name == "join__unionMember":
        info.members.setdefault(graph, set()).add(_arg(directive, "member"))


def _is_inaccessible(node: Any) -> bool:
    return any(d.name.value == "inaccessible" for d in getattr(node, "directives", None) or ())


def _keep_directives(node: Any) -> Any:
    """Drop join/link/inaccessible/tag applications from a node (cost directives stay)."""
    directives = getattr(node, "directives", None)
    if not directives:
        return node
    kept = tuple(
        d
        for d in directives
        if not d.name.value.startswith(_MACHINERY_PREFIXES)
        and d.name.value not in _SPEC_DIRECTIVES
        and d.name.value not in _AUTHORIZATION_DIRECTIVES
    )
    if len(kept) == len(directives):
        return node
    return _replace(node, directives=kept)


def _replace(node: Any, **changes: Any) -> Any:
    # graphql-core 3.3's AST nodes are frozen dataclasses.
    return dataclasses.replace(node, **changes)


def _api_document(document: DocumentNode) -> DocumentNode:
    """The client-facing schema document: machinery and inaccessible elements removed."""
    hidden_types = {
        d.name.value
        for d in document.definitions
        if hasattr(d, "name")
        and d.name is not None
        and (
            d.name.value.startswith(_MACHINERY_PREFIXES + _AUTHORIZATION_PREFIXES)
            or _is_inaccessible(d)
        )
    }
    definitions: list[Any] = []
    for node in document.definitions:
        definition: Any = node
        if isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode):
            definitions.append(_replace(definition, directives=()))
            continue
        if isinstance(definition, DirectiveDefinitionNode):
            name = definition.name.value
            if (
                name.startswith(_MACHINERY_PREFIXES + _AUTHORIZATION_PREFIXES)
                or name in _SPEC_DIRECTIVES | _AUTHORIZATION_DIRECTIVES | {"cost", "listSize"}
                or name.startswith("cost__")
            ):
                continue
            definitions.append(definition)
            continue
        if getattr(definition, "name", None) is not None and definition.name.value in hidden_types:
            continue
        definitions.append(_api_definition(definition, hidden_types))
    declared = {d.name.value for d in definitions if isinstance(d, DirectiveDefinitionNode)}
    definitions.extend(d for d in _INCREMENTAL_DIRECTIVES if d.name.value not in declared)
    return DocumentNode(definitions=tuple(definitions))


#: ``@defer`` and ``@stream`` (the incremental delivery RFC, as graphql-core defines them):
#: the gateway delivers them itself (``gateway.execution.incremental``), whatever the
#: subgraphs support, so every API schema declares them and validation accepts them.
_INCREMENTAL_DIRECTIVES: tuple[DirectiveDefinitionNode, ...] = tuple(
    d
    for d in parse(
        "\n".join(print_directive(d) for d in (GraphQLDeferDirective, GraphQLStreamDirective))
    ).definitions
    if isinstance(d, DirectiveDefinitionNode)
)


def _api_definition(definition: Any, hidden: set[str]) -> Any:
    changes: dict[str, Any] = {}
    if getattr(definition, "fields", None) is not None:
        fields = []
        for field_node in definition.fields:
            if _is_inaccessible(field_node) or _named(field_node.type) in hidden:
                continue
            arguments = getattr(field_node, "arguments", None)
            if arguments:
                field_node = _replace(
                    field_node,
                    arguments=tuple(
                        _keep_directives(a) for a in arguments if not _is_inaccessible(a)
                    ),
                )
            fields.append(_keep_directives(field_node))
        changes["fields"] = tuple(fields)
    if getattr(definition, "values", None) is not None and isinstance(
        definition, EnumTypeDefinitionNode | EnumTypeExtensionNode
    ):
        changes["values"] = tuple(
            _keep_directives(v) for v in definition.values or () if not _is_inaccessible(v)
        )
    if getattr(definition, "interfaces", None):
        changes["interfaces"] = tuple(
            i for i in definition.interfaces if i.name.value not in hidden
        )
    if isinstance(definition, UnionTypeDefinitionNode) and definition.types:
        changes["types"] = tuple(t for t in definition.types if t.name.value not in hidden)
    result = _replace(definition, **changes) if changes else definition
    return _keep_directives(result)


def _named(type_node: Any) -> str:
    while hasattr(type_node, "type"):
        type_node = type_node.type
    name: str = type_node.name.value
    return name
