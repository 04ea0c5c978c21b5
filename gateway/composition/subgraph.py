"""Parse one subgraph's SDL into the subgraph model (``model.py``).

Handles both styles a subgraph may publish: Federation 2 (``@link`` to the federation
spec, with imports, renames and ``federation__`` prefixes) and Federation 1 (no link,
``extend type`` for entities owned elsewhere). Federation plumbing (``_Service``,
``_Entity``, ``_Any``, ``Query._service``/``_entities``, directive definitions) is dropped.
"""

from __future__ import annotations

import dataclasses

from graphql import (
    DirectiveDefinitionNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    GraphQLSyntaxError,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InputValueDefinitionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    ScalarTypeDefinitionNode,
    ScalarTypeExtensionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    TypeDefinitionNode,
    TypeExtensionNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
    parse,
    print_ast,
)

from gateway.composition.applied import (
    BUILTIN_DIRECTIVES,
    DirectiveReader,
    bool_arg,
    string_arg,
)
from gateway.composition.errors import CompositionError, CompositionFailed
from gateway.composition.links import DirectiveNames, resolve_names
from gateway.composition.model import (
    Argument,
    ComposedDirective,
    DirectiveDef,
    EnumValue,
    Field,
    Key,
    Subgraph,
    TypeDef,
    TypeKind,
)

#: Federation machinery a subgraph may print in its SDL; never part of the supergraph.
INTERNAL_TYPES = frozenset(
    {
        "_Any",
        "_Entity",
        "_Service",
        "_FieldSet",
        "FieldSet",
        "link__Import",
        "link__Purpose",
        "federation__FieldSet",
        "federation__Scope",
        "federation__Policy",
        "federation__ContextFieldValue",
    }
)
INTERNAL_ROOT_FIELDS = frozenset({"_service", "_entities"})
_KINDS: dict[type, TypeKind] = {
    ObjectTypeDefinitionNode: "object",
    ObjectTypeExtensionNode: "object",
    InterfaceTypeDefinitionNode: "interface",
    InterfaceTypeExtensionNode: "interface",
    UnionTypeDefinitionNode: "union",
    UnionTypeExtensionNode: "union",
    EnumTypeDefinitionNode: "enum",
    EnumTypeExtensionNode: "enum",
    InputObjectTypeDefinitionNode: "input",
    InputObjectTypeExtensionNode: "input",
    ScalarTypeDefinitionNode: "scalar",
    ScalarTypeExtensionNode: "scalar",
}
DEFAULT_ROOTS = {"query": "Query", "mutation": "Mutation", "subscription": "Subscription"}


def parse_subgraph(name: str, url: str, sdl: str) -> Subgraph:
    """Parse and normalise one subgraph; raises ``CompositionFailed`` on invalid SDL."""
    try:
        document = parse(sdl, no_location=True)
    except GraphQLSyntaxError as exc:
        raise CompositionFailed(
            [CompositionError("INVALID_GRAPHQL", f"[{name}] {exc.message}", (name,))]
        ) from exc
    names = resolve_names(document, name)
    custom = frozenset(
        d.name.value for d in document.definitions if isinstance(d, DirectiveDefinitionNode)
    )
    composed = _composed_directives(document, names, name)
    reader = DirectiveReader(name, names, custom, frozenset(composed))
    subgraph = Subgraph(name=name, url=url, fed_minor=names.fed_minor, fed1=names.fed1)
    subgraph.composed_directives = composed
    renames = _root_renames(document)
    for definition in document.definitions:
        if isinstance(definition, TypeDefinitionNode | TypeExtensionNode):
            type_name = definition.name.value
            if type_name in INTERNAL_TYPES:
                continue
            _add(reader, subgraph, definition, renames.get(type_name, type_name))
    for type_def in subgraph.types.values():
        for f in type_def.fields.values():
            f.type = _rename_ref(f.type, renames)
        type_def.members = [renames.get(m, m) for m in type_def.members]
        type_def.interfaces = [renames.get(i, i) for i in type_def.interfaces]
    subgraph.executable_directives = _executable_directives(document, names)
    for kind, default in DEFAULT_ROOTS.items():
        if default in subgraph.types:
            subgraph.roots[kind] = default
    query = subgraph.types.get("Query")
    if query is None:
        # Every subgraph serves ``Query`` (``_entities``/``_service`` at least), so, as in
        # rover's output, every graph appears in ``Query``'s ``@join__type``s.
        query = subgraph.types["Query"] = TypeDef(name="Query", kind="object")
        subgraph.roots["query"] = "Query"
    for internal in INTERNAL_ROOT_FIELDS:
        query.fields.pop(internal, None)
    return subgraph


EXECUTABLE_LOCATIONS = (
    "QUERY",
    "MUTATION",
    "SUBSCRIPTION",
    "FIELD",
    "FRAGMENT_DEFINITION",
    "FRAGMENT_SPREAD",
    "INLINE_FRAGMENT",
    "VARIABLE_DEFINITION",
)


def _executable_directives(
    document: DocumentNode, names: DirectiveNames
) -> dict[str, DirectiveDef]:
    """Custom directives usable in operations; the supergraph keeps shared ones."""
    out: dict[str, DirectiveDef] = {}
    for d in document.definitions:
        if not isinstance(d, DirectiveDefinitionNode) or names.lookup(d.name.value) is not None:
            continue
        if d.name.value in BUILTIN_DIRECTIVES:
            continue
        locations = tuple(loc.value for loc in d.locations if loc.value in EXECUTABLE_LOCATIONS)
        if locations:
            args = ", ".join(print_ast(a) for a in d.arguments or ())
            out[d.name.value] = DirectiveDef(d.name.value, args, d.repeatable, locations)
    return out


def _composed_directives(
    document: DocumentNode, names: DirectiveNames, subgraph: str
) -> dict[str, ComposedDirective]:
    """The directives named by ``@composeDirective(name: "@x")`` on ``schema``.

    As in Apollo's composition, each must be defined in this subgraph and imported from a
    ``@link``ed spec other than federation's (its URL is how the supergraph says where it
    comes from); else ``DIRECTIVE_COMPOSITION_ERROR``.
    """
    definitions = {
        d.name.value: d for d in document.definitions if isinstance(d, DirectiveDefinitionNode)
    }
    out: dict[str, ComposedDirective] = {}
    for definition in document.definitions:
        if not isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode):
            continue
        for directive in definition.directives or ():
            if names.lookup(directive.name.value) != "composeDirective":
                continue
            local = (string_arg(directive, "name") or "").removeprefix("@")
            node = definitions.get(local)
            url = names.foreign_links.get(local)
            problem = None
            if node is None:
                problem = "is not defined in this subgraph"
            elif url is None:
                problem = "is not imported from a @link'ed spec (other than federation's)"
            if problem is not None:
                raise CompositionFailed(
                    [
                        CompositionError(
                            "DIRECTIVE_COMPOSITION_ERROR",
                            f'[{subgraph}] @composeDirective(name: "@{local}"): the directive '
                            + problem,
                            (subgraph,),
                        )
                    ]
                )
            assert node is not None and url is not None
            printed = print_ast(dataclasses.replace(node, description=None))
            out[local] = ComposedDirective(local, printed, url)
    return out


def _root_renames(document: object) -> dict[str, str]:
    renames: dict[str, str] = {}
    for definition in getattr(document, "definitions", ()):
        if isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode):
            for op in definition.operation_types or ():
                renames[op.type.name.value] = DEFAULT_ROOTS[op.operation.value]
    return {old: new for old, new in renames.items() if old != new}


def _rename_ref(type_ref: str, renames: dict[str, str]) -> str:
    core = type_ref.replace("[", "").replace("]", "").replace("!", "")
    return type_ref.replace(core, renames[core]) if core in renames else type_ref


def _add(
    reader: DirectiveReader,
    subgraph: Subgraph,
    node: TypeDefinitionNode | TypeExtensionNode,
    type_name: str,
) -> None:
    kind = _KINDS[type(node)]
    is_extension = isinstance(node, TypeExtensionNode)
    existing = subgraph.types.get(type_name)
    if existing is None:
        existing = TypeDef(name=type_name, kind=kind, extension_only=True)
        subgraph.types[type_name] = existing
    elif existing.kind != kind:
        raise reader.fail(
            "INVALID_GRAPHQL", f'type "{type_name}" is defined as both {existing.kind} and {kind}'
        )
    if not is_extension:
        existing.extension_only = False
    description = getattr(node, "description", None)
    if description is not None:
        existing.description = description.value
    directives = reader.canonical(node.directives)
    extends = any(name == "extends" for name, _ in directives)
    if extends:
        existing.extension_only = True
    reader.applied(existing, node.directives)
    for name, directive in directives:
        if name == "key":
            fields = string_arg(directive, "fields")
            if fields is None:
                raise reader.fail("KEY_INVALID_FIELDS", f'@key on "{type_name}" has no "fields"')
            existing.keys.append(
                Key(
                    fields=fields,
                    resolvable=bool_arg(directive, "resolvable", True),
                    # Federation 1 ``extend type`` is upgraded to a definition; ``@extends``
                    # still marks an extension (as Apollo's composition does).
                    extension=extends or (is_extension and not subgraph.fed1),
                )
            )
        elif name == "interfaceObject":
            existing.interface_object = True
    type_shareable = any(name == "shareable" for name, _ in directives)
    for iface in getattr(node, "interfaces", None) or ():
        if iface.name.value not in existing.interfaces:
            existing.interfaces.append(iface.name.value)
    for member in getattr(node, "types", None) or ():
        if member.name.value not in existing.members:
            existing.members.append(member.name.value)
    for value_node in getattr(node, "values", None) or ():
        value = EnumValue(name=value_node.name.value)
        if value_node.description is not None:
            value.description = value_node.description.value
        reader.applied(value, value_node.directives)
        existing.values[value.name] = value
    for field_node in getattr(node, "fields", None) or ():
        f = _field(reader, field_node)
        f.shareable = f.shareable or type_shareable
        if f.name in existing.fields:
            raise reader.fail("INVALID_GRAPHQL", f'field "{type_name}.{f.name}" is defined twice')
        existing.fields[f.name] = f


def _argument(reader: DirectiveReader, node: InputValueDefinitionNode) -> Argument:
    arg = Argument(
        name=node.name.value,
        type=print_ast(node.type),
        default=print_ast(node.default_value) if node.default_value is not None else None,
        description=node.description.value if node.description is not None else None,
    )
    reader.applied(arg, node.directives)
    return arg


def _field(reader: DirectiveReader, node: object) -> Field:
    name_node = getattr(node, "name")  # noqa: B009 - field and input value nodes alike
    f = Field(name=name_node.value, type=print_ast(getattr(node, "type")))  # noqa: B009
    description = getattr(node, "description", None)
    if description is not None:
        f.description = description.value
    default = getattr(node, "default_value", None)
    if default is not None:
        f.default = print_ast(default)
    for arg_node in getattr(node, "arguments", None) or ():
        arg = _argument(reader, arg_node)
        f.args[arg.name] = arg
    directives = getattr(node, "directives", None)
    reader.applied(f, directives)
    for name, directive in reader.canonical(directives):
        if name == "external":
            f.external = True
        elif name == "shareable":
            f.shareable = True
        elif name == "requires":
            f.requires = string_arg(directive, "fields")
        elif name == "provides":
            f.provides = string_arg(directive, "fields")
        elif name == "override":
            f.override_from = string_arg(directive, "from")
            f.override_label = string_arg(directive, "label")
    return f
