"""What the supergraph requires of a caller, read from its authorization directives.

``@authenticated``, ``@requiresScopes(scopes: [[...]])`` and ``@policy(policies: [[...]])``
may sit on object and interface types, fields, scalars and enums (the federation specs
``authenticated/v0.1``, ``requiresScopes/v0.1``, ``policy/v0.1``). For one selected field
the requirement is the AND of: its parent type's, the field's own, the interface field's it
was selected through (if any), and its return type's (the named type: object, interface,
scalar or enum). Scopes and policies are an OR of ANDs: the outer list's alternatives, each
a set that must all hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import (
    ConstDirectiveNode,
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    InterfaceTypeDefinitionNode,
    ListValueNode,
    ObjectTypeDefinitionNode,
    ScalarTypeDefinitionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    StringValueNode,
)

#: Alternatives (OR) of required sets (AND).
Groups = tuple[frozenset[str], ...]

_SPECS = {
    "https://specs.apollo.dev/authenticated/": "authenticated",
    "https://specs.apollo.dev/requiresScopes/": "requiresScopes",
    "https://specs.apollo.dev/policy/": "policy",
}


@dataclass(frozen=True, slots=True)
class Requirement:
    """What a caller needs to see one field (every part that is set must hold)."""

    authenticated: bool = False
    scopes: Groups | None = None
    policies: Groups | None = None

    def __and__(self, other: Requirement) -> Requirement:
        return Requirement(
            self.authenticated or other.authenticated,
            _and(self.scopes, other.scopes),
            _and(self.policies, other.policies),
        )

    @property
    def policy_names(self) -> frozenset[str]:
        return frozenset().union(*self.policies) if self.policies else frozenset()


NONE = Requirement()


def _and(left: Groups | None, right: Groups | None) -> Groups | None:
    if left is None or left == right:
        return right
    if right is None:
        return left
    return tuple(dict.fromkeys(a | b for a in left for b in right))


@dataclass(slots=True)
class Rules:
    """The supergraph's requirements by type and by field coordinate (only those set)."""

    types: dict[str, Requirement] = field(default_factory=dict)
    fields: dict[tuple[str, str], Requirement] = field(default_factory=dict)
    _memo: dict[tuple[str | None, str, str, str], Requirement | None] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.types or self.fields)

    def for_field(
        self, interface: str | None, parent: str, name: str, returns: str
    ) -> Requirement | None:
        """The requirement of ``parent.name`` (returning the named type ``returns``),
        selected through ``interface`` when not None; None when nothing is required."""
        key = (interface, parent, name, returns)
        try:
            return self._memo[key]
        except KeyError:
            pass
        found = NONE
        parts = [self.types.get(parent), self.fields.get((parent, name)), self.types.get(returns)]
        if interface is not None:
            parts.append(self.fields.get((interface, name)))
        for part in parts:
            if part is not None:
                found = found & part
        result = None if found == NONE else found
        self._memo[key] = result
        return result


def read_rules(document: DocumentNode) -> Rules:
    """The requirements a supergraph document declares (under the names its ``@link``s
    give the three directives: ``as:`` renames and ``import:`` lists are followed)."""
    names = _directive_names(document)
    rules = Rules()
    if not names:
        return rules
    for node in document.definitions:
        if isinstance(
            node,
            ObjectTypeDefinitionNode
            | InterfaceTypeDefinitionNode
            | ScalarTypeDefinitionNode
            | EnumTypeDefinitionNode,
        ):
            type_name = node.name.value
            requirement = _requirement(node.directives, names)
            if requirement is not None:
                rules.types[type_name] = requirement
            if isinstance(node, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode):
                for field_node in node.fields or ():
                    requirement = _requirement(field_node.directives, names)
                    if requirement is not None:
                        rules.fields[(type_name, field_node.name.value)] = requirement
    return rules


def _directive_names(document: DocumentNode) -> dict[str, str]:
    """Local directive name -> spec ("authenticated", "requiresScopes", "policy")."""
    names: dict[str, str] = {}
    for definition in document.definitions:
        if not isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode):
            continue
        for link in definition.directives or ():
            if link.name.value != "link":
                continue
            url = _string(link, "url") or ""
            spec = next((s for prefix, s in _SPECS.items() if url.startswith(prefix)), None)
            if spec is None:
                continue
            names[_string(link, "as") or spec] = spec
            for value in _list(link, "import"):
                if isinstance(value, StringValueNode) and value.value == f"@{spec}":
                    names[spec] = spec
                elif not isinstance(value, StringValueNode):
                    entries = {
                        f.name.value: f.value.value
                        for f in getattr(value, "fields", ())
                        if isinstance(f.value, StringValueNode)
                    }
                    if entries.get("name") == f"@{spec}":
                        names[entries.get("as", entries["name"]).lstrip("@")] = spec
    return names


def _requirement(
    directives: tuple[ConstDirectiveNode, ...] | None, names: dict[str, str]
) -> Requirement | None:
    found: Requirement | None = None
    for directive in directives or ():
        spec = names.get(directive.name.value)
        if spec is None:
            continue
        if spec == "authenticated":
            part = Requirement(authenticated=True)
        elif spec == "requiresScopes":
            part = Requirement(scopes=_groups(directive, "scopes"))
        else:
            part = Requirement(policies=_groups(directive, "policies"))
        found = part if found is None else found & part
    return found


def _groups(directive: DirectiveNode, name: str) -> Groups:
    groups: list[frozenset[str]] = []
    for item in _list(directive, name):
        inner = item.values if isinstance(item, ListValueNode) else (item,)
        groups.append(frozenset(v.value for v in inner if isinstance(v, StringValueNode)))
    return tuple(groups)


def _list(directive: DirectiveNode, name: str) -> tuple[object, ...]:
    for argument in directive.arguments or ():
        if argument.name.value == name:
            value = argument.value
            return tuple(value.values) if isinstance(value, ListValueNode) else (value,)
    return ()


def _string(directive: DirectiveNode, name: str) -> str | None:
    for argument in directive.arguments or ():
        if argument.name.value == name and isinstance(argument.value, StringValueNode):
            return argument.value.value
    return None
