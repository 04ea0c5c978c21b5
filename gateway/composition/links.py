"""Which local directive name means which federation directive, from ``@link``.

A Federation 2 subgraph links the federation spec::

    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                        import: ["@key", {name: "@shareable", as: "@share"}])

Imported directives are used under their (possibly renamed) names; every other one is
reachable as ``@federation__<name>`` (or ``@<as>__<name>`` when the link has ``as:``).
A subgraph without such a link is a Federation 1 subgraph: the names are the defaults.
``@cost``/``@listSize`` may also come from their own spec (``specs.apollo.dev/cost``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graphql import (
    ConstArgumentNode,
    ConstDirectiveNode,
    DocumentNode,
    ListValueNode,
    ObjectValueNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    StringValueNode,
)

from gateway.composition.errors import CompositionError, CompositionFailed

#: Federation directives and the federation 2.x minor version that introduced them.
FEDERATION_DIRECTIVES = {
    "key": 0,
    "external": 0,
    "requires": 0,
    "provides": 0,
    "extends": 0,
    "shareable": 0,
    "override": 0,
    "inaccessible": 0,
    "tag": 0,
    "composeDirective": 1,
    "interfaceObject": 3,
    "authenticated": 5,
    "requiresScopes": 5,
    "policy": 6,
    "context": 8,
    "fromContext": 8,
    "cost": 9,
    "listSize": 9,
}
#: What a Federation 1 subgraph may use (without any import).
FEDERATION1_DIRECTIVES = (
    "key",
    "external",
    "requires",
    "provides",
    "extends",
    "tag",
    "inaccessible",
)
FEDERATION_URL = re.compile(r"^https://specs\.apollo\.dev/federation/v2\.(\d+)$")
COST_URL = re.compile(r"^https://specs\.apollo\.dev/cost/v0\.\d+$")
LINK_URL = re.compile(r"^https://specs\.apollo\.dev/link/v1\.\d+$")


@dataclass
class DirectiveNames:
    """Maps the names used in one subgraph's SDL to canonical federation names."""

    fed1: bool
    fed_minor: int
    canonical: dict[str, str] = field(default_factory=dict)
    #: Directives imported from other specs (``@link(url: "https://example.com/x/v1.0")``):
    #: the supergraph does not carry them, but using them is not an error.
    foreign: set[str] = field(default_factory=set)
    #: The ``@link`` URL of each directive imported from another spec (local name -> URL):
    #: a directive named by ``@composeDirective`` keeps its link in the supergraph.
    foreign_links: dict[str, str] = field(default_factory=dict)

    def lookup(self, local: str) -> str | None:
        return self.canonical.get(local)


def _arg(node: ConstDirectiveNode, name: str) -> ConstArgumentNode | None:
    return next((a for a in node.arguments or () if a.name.value == name), None)


def _string(node: ConstDirectiveNode, name: str) -> str | None:
    arg = _arg(node, name)
    if arg is not None and isinstance(arg.value, StringValueNode):
        return arg.value.value
    return None


def _imports(link: ConstDirectiveNode, subgraph: str) -> list[tuple[str, str]]:
    """``(imported name, local name)`` pairs as written (directives start with ``@``)."""
    arg = _arg(link, "import")
    if arg is None:
        return []
    values = arg.value.values if isinstance(arg.value, ListValueNode) else (arg.value,)
    pairs: list[tuple[str, str]] = []
    for value in values:
        if isinstance(value, StringValueNode):
            pairs.append((value.value, value.value))
        elif isinstance(value, ObjectValueNode):
            entries = {
                f.name.value: f.value.value
                for f in value.fields
                if isinstance(f.value, StringValueNode)
            }
            if "name" not in entries:
                raise CompositionFailed(
                    [
                        CompositionError(
                            "INVALID_LINK_DIRECTIVE_USAGE",
                            f'[{subgraph}] an @link import needs a "name"',
                            (subgraph,),
                        )
                    ]
                )
            name = entries["name"]
            pairs.append((name, entries.get("as", name)))
    return pairs


def schema_links(document: DocumentNode) -> list[ConstDirectiveNode]:
    """Every ``@link`` applied to ``schema`` or ``extend schema``."""
    links: list[ConstDirectiveNode] = []
    for definition in document.definitions:
        if isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode):
            links.extend(d for d in definition.directives or () if d.name.value == "link")
    return links


def resolve_names(document: DocumentNode, subgraph: str) -> DirectiveNames:
    """Work out the federation version and directive names a subgraph uses."""
    links = schema_links(document)
    fed_link = next(
        (link for link in links if FEDERATION_URL.match(_string(link, "url") or "")), None
    )
    if fed_link is None:
        names = DirectiveNames(fed1=True, fed_minor=0)
        for name in FEDERATION1_DIRECTIVES:
            names.canonical[name] = name
    else:
        match = FEDERATION_URL.match(_string(fed_link, "url") or "")
        assert match is not None
        names = DirectiveNames(fed1=False, fed_minor=int(match.group(1)))
        known = [n for n, since in FEDERATION_DIRECTIVES.items() if since <= names.fed_minor]
        prefix = _string(fed_link, "as") or "federation"
        for name in known:
            names.canonical[f"{prefix}__{name}"] = name
        for imported, local in _imports(fed_link, subgraph):
            if not imported.startswith("@"):
                continue  # a type (``FieldSet``...): nothing to map
            if imported[1:] not in known:
                raise CompositionFailed(
                    [
                        CompositionError(
                            "INVALID_LINK_DIRECTIVE_USAGE",
                            f'[{subgraph}] Cannot import unknown element "{imported}" from '
                            f"federation v2.{names.fed_minor}",
                            (subgraph,),
                        )
                    ]
                )
            names.canonical[local.lstrip("@")] = imported[1:]
    for link in links:
        if COST_URL.match(_string(link, "url") or ""):
            prefix = _string(link, "as") or "cost"
            names.canonical[f"{prefix}__cost"] = "cost"
            names.canonical[f"{prefix}__listSize"] = "listSize"
            for imported, local in _imports(link, subgraph):
                if imported in ("@cost", "@listSize"):
                    names.canonical[local.lstrip("@")] = imported[1:]
        elif link is not fed_link and not LINK_URL.match(_string(link, "url") or ""):
            for _, local in _imports(link, subgraph):
                if local.startswith("@"):
                    names.foreign.add(local.lstrip("@"))
                    names.foreign_links[local.lstrip("@")] = _string(link, "url") or ""
    return names
