"""Reading applied directives of one subgraph under their canonical federation names."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from graphql import (
    BooleanValueNode,
    ConstDirectiveNode,
    IntValueNode,
    ListValueNode,
    StringValueNode,
    print_ast,
)

from gateway.composition.errors import CompositionError, CompositionFailed
from gateway.composition.links import FEDERATION_DIRECTIVES, DirectiveNames
from gateway.composition.model import Applied

BUILTIN_DIRECTIVES = frozenset({"deprecated", "specifiedBy", "oneOf", "skip", "include", "link"})


@dataclass
class DirectiveReader:
    """Reads applied directives under their canonical names."""

    subgraph: str
    names: DirectiveNames
    custom: frozenset[str]
    #: Directives this subgraph names in ``@composeDirective``: their applications are kept.
    composed: frozenset[str] = frozenset()

    def fail(self, code: str, message: str) -> CompositionFailed:
        return CompositionFailed(
            [CompositionError(code, f"[{self.subgraph}] {message}", (self.subgraph,))]
        )

    def canonical(
        self, directives: Sequence[ConstDirectiveNode] | None
    ) -> list[tuple[str, ConstDirectiveNode]]:
        out: list[tuple[str, ConstDirectiveNode]] = []
        for directive in directives or ():
            local = directive.name.value
            name = self.names.lookup(local)
            if name is not None:
                out.append((name, directive))
            elif local in BUILTIN_DIRECTIVES:
                out.append((local, directive))
            elif local not in self.custom and local not in self.names.foreign:
                hint = " (is it imported from the federation spec?)"
                if self.names.fed1:
                    hint = (
                        f'. If you meant the "@{local}" federation 2 directive, note that this '
                        "schema is a federation 1 schema. To be a federation 2 schema, it needs "
                        "to @link to the federation specification v2."
                        if local in FEDERATION_DIRECTIVES
                        else ""
                    )
                raise self.fail("INVALID_GRAPHQL", f'unknown directive "@{local}"{hint}')
        return out

    def applied(self, target: Applied, directives: Sequence[ConstDirectiveNode] | None) -> None:
        for directive in directives or ():
            if directive.name.value in self.composed:
                target.composed.append(print_ast(directive))
        for name, node in self.canonical(directives):
            if name == "inaccessible":
                target.inaccessible = True
            elif name == "tag":
                tag = string_arg(node, "name")
                if tag is not None and tag not in target.tags:
                    target.tags.append(tag)
            elif name == "deprecated":
                target.deprecated = string_arg(node, "reason") or ""
            elif name == "cost":
                weight = next(
                    (a.value for a in node.arguments or () if a.name.value == "weight"), None
                )
                if isinstance(weight, IntValueNode):
                    target.cost = int(weight.value)
                elif isinstance(weight, StringValueNode):
                    target.cost = int(float(weight.value))
            elif name == "listSize":
                target.list_size = ", ".join(print_ast(a) for a in node.arguments or ())
            elif name == "authenticated":
                target.authenticated = True
            elif name == "requiresScopes":
                target.scopes = conjunction(target.scopes, nested_strings(node, "scopes"))
            elif name == "policy":
                target.policies = conjunction(target.policies, nested_strings(node, "policies"))


def nested_strings(node: ConstDirectiveNode, name: str) -> tuple[tuple[str, ...], ...]:
    """``[["a", "b"], ["c"]]`` (a list of lists of strings) as tuples; a bare string or a
    flat list is coerced as GraphQL input coercion would (``"a"`` is ``[["a"]]``)."""
    value = next((a.value for a in node.arguments or () if a.name.value == name), None)
    outer = value.values if isinstance(value, ListValueNode) else (value,) if value else ()
    groups: list[tuple[str, ...]] = []
    for item in outer:
        inner = item.values if isinstance(item, ListValueNode) else (item,)
        groups.append(tuple(v.value for v in inner if isinstance(v, StringValueNode)))
    return tuple(groups)


def conjunction(
    left: tuple[tuple[str, ...], ...] | None, right: tuple[tuple[str, ...], ...] | None
) -> tuple[tuple[str, ...], ...] | None:
    """Both requirements (OR of ANDs each), still as an OR of ANDs: every pair of
    alternatives joined, duplicates dropped. How composition merges ``@requiresScopes`` and
    ``@policy`` met in several subgraphs: a caller must satisfy each subgraph's rule."""
    if left is None:
        return right
    if right is None:
        return left
    out: list[tuple[str, ...]] = []
    for a in left:
        for b in right:
            joined = tuple(sorted(set(a) | set(b)))
            if joined not in out:
                out.append(joined)
    # An alternative that includes another one is redundant (the other is weaker).
    return tuple(g for g in out if not any(set(o) < set(g) for o in out))


def string_arg(node: ConstDirectiveNode, name: str) -> str | None:
    for arg in node.arguments or ():
        if arg.name.value == name and isinstance(arg.value, StringValueNode):
            return arg.value.value
    return None


def bool_arg(node: ConstDirectiveNode, name: str, default: bool) -> bool:
    for arg in node.arguments or ():
        if arg.name.value == name and isinstance(arg.value, BooleanValueNode):
            return arg.value.value
    return default
