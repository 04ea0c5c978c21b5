"""The merged supergraph, as plain data the printer turns into join-spec SDL.

Graph references are ``join__Graph`` enum value names (``USERS``), never subgraph names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gateway.composition.model import Applied, ComposedDirective, TypeKind


@dataclass
class JoinType:
    graph: str
    key: str | None = None
    extension: bool = False
    resolvable: bool = True
    is_interface_object: bool = False


@dataclass
class JoinField:
    #: ``None`` prints a bare ``@join__field`` (a field an ``@interfaceObject`` adds to an
    #: implementation: no subgraph resolves it on that type directly).
    graph: str | None = None
    requires: str | None = None
    provides: str | None = None
    type: str | None = None
    external: bool = False
    override: str | None = None
    used_overridden: bool = False
    override_label: str | None = None


@dataclass
class MergedArgument(Applied):
    name: str = ""
    type: str = ""
    default: str | None = None


@dataclass
class MergedField(Applied):
    name: str = ""
    type: str = ""
    args: list[MergedArgument] = field(default_factory=list)
    default: str | None = None
    join_fields: list[JoinField] = field(default_factory=list)


@dataclass
class MergedEnumValue(Applied):
    name: str = ""
    graphs: list[str] = field(default_factory=list)


@dataclass
class MergedType(Applied):
    name: str = ""
    kind: TypeKind = "object"
    join_types: list[JoinType] = field(default_factory=list)
    #: ``(graph, interface)`` pairs for ``@join__implements``.
    join_implements: list[tuple[str, str]] = field(default_factory=list)
    interfaces: list[str] = field(default_factory=list)
    fields: list[MergedField] = field(default_factory=list)
    #: ``(graph, member)`` pairs for ``@join__unionMember``.
    join_members: list[tuple[str, str]] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    values: list[MergedEnumValue] = field(default_factory=list)


@dataclass
class Graph:
    """One subgraph as the ``join__Graph`` enum names it."""

    enum: str
    name: str
    url: str


@dataclass
class Supergraph:
    graphs: list[Graph]
    types: dict[str, MergedType]
    roots: dict[str, str]
    #: Join spec minor version to link (3, 4 or 5).
    join_version: int = 3
    #: Printed definitions of executable directives every subgraph defines.
    directive_definitions: dict[str, str] = field(default_factory=dict)
    #: Directives some subgraph named in ``@composeDirective``, by name.
    composed_directives: dict[str, ComposedDirective] = field(default_factory=dict)
