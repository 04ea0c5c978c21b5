"""The subgraph model: one subgraph's types after federation directives are resolved.

Parsing (``subgraph.py``) turns SDL text into these plain objects, with every federation
directive looked up under its canonical name whatever the subgraph imported it as, so the
merge steps never see ``@link`` renames, ``federation__`` prefixes or Federation 1 quirks.
Type references and values are kept as printed GraphQL text (``[User!]!``, ``5``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

TypeKind = Literal["object", "interface", "union", "enum", "input", "scalar"]


@dataclass
class Applied:
    """Directives every element may carry and the supergraph keeps."""

    description: str | None = None
    inaccessible: bool = False
    tags: list[str] = field(default_factory=list)
    #: ``None`` when not deprecated, else the reason (possibly the empty string).
    deprecated: str | None = None
    #: ``@cost(weight:)`` (demand control, federation v2.9+).
    cost: int | None = None
    #: ``@listSize(...)`` arguments as printed GraphQL, e.g. ``assumedSize: 10``.
    list_size: str | None = None
    #: ``@authenticated`` (federation v2.5+).
    authenticated: bool = False
    #: ``@requiresScopes(scopes:)``/``@policy(policies:)``: OR of ANDs (None: not applied).
    scopes: tuple[tuple[str, ...], ...] | None = None
    policies: tuple[tuple[str, ...], ...] | None = None
    #: Applications of directives named by ``@composeDirective``, printed
    #: (``@cacheControl(maxAge: 60)``): the supergraph carries them as written.
    composed: list[str] = field(default_factory=list)


@dataclass
class Argument(Applied):
    name: str = ""
    type: str = ""
    default: str | None = None


@dataclass
class Field(Applied):
    """An output field, or an input field (``default`` used, federation flags unused)."""

    name: str = ""
    type: str = ""
    args: dict[str, Argument] = field(default_factory=dict)
    default: str | None = None
    external: bool = False
    shareable: bool = False
    requires: str | None = None
    provides: str | None = None
    override_from: str | None = None
    override_label: str | None = None


@dataclass
class Key:
    fields: str
    resolvable: bool = True
    #: The ``@key`` sits on ``extend type`` (or a type with ``@extends``) in a
    #: Federation 2 subgraph: becomes ``extension: true`` in ``@join__type``.
    extension: bool = False


@dataclass
class EnumValue(Applied):
    name: str = ""


@dataclass
class TypeDef(Applied):
    name: str = ""
    kind: TypeKind = "object"
    fields: dict[str, Field] = field(default_factory=dict)
    interfaces: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    values: dict[str, EnumValue] = field(default_factory=dict)
    keys: list[Key] = field(default_factory=list)
    interface_object: bool = False
    #: Every definition of the type in this subgraph is an extension.
    extension_only: bool = False


@dataclass(frozen=True)
class DirectiveDef:
    """A custom directive definition, kept for its executable locations."""

    name: str
    #: Printed arguments, e.g. ``n: Int = 1, tag: String``.
    args: str
    repeatable: bool
    locations: tuple[str, ...]


@dataclass(frozen=True)
class ComposedDirective:
    """A custom type-system directive a subgraph asks to keep (``@composeDirective``)."""

    name: str
    #: The printed ``directive @name(...) on ...`` definition (without its description).
    definition: str
    #: The URL of the ``@link`` it is imported from (the supergraph links it too).
    url: str


@dataclass
class Subgraph:
    name: str
    url: str
    #: Federation minor version linked (``federation/v2.7`` gives 7); Federation 1 is 0.
    fed_minor: int
    fed1: bool
    types: dict[str, TypeDef] = field(default_factory=dict)
    #: Root operation type names as the supergraph will call them.
    roots: dict[str, str] = field(default_factory=dict)
    #: Custom directive definitions with at least one executable location, by name.
    executable_directives: dict[str, DirectiveDef] = field(default_factory=dict)
    #: Directives named by ``@composeDirective``, by name.
    composed_directives: dict[str, ComposedDirective] = field(default_factory=dict)
    #: ``(type, field)`` selected by this subgraph's keys, requires and provides.
    used: set[tuple[str, str]] = field(default_factory=set)
    #: ``(type, field)`` selected by this subgraph's ``@provides``.
    provided: set[tuple[str, str]] = field(default_factory=set)
    #: ``(type, field)`` selected by this subgraph's keys (automatically shareable).
    key_fields: set[tuple[str, str]] = field(default_factory=set)

    def is_entity(self, type_name: str) -> bool:
        t = self.types.get(type_name)
        return t is not None and bool(t.keys)
