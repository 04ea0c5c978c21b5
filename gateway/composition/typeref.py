"""Comparing type references across subgraphs (``String`` vs ``String!``, ``[A]`` vs ``[I]``).

Output positions may differ when one type is a subtype of the other; the supergraph keeps
the most general one (a nullable ``String`` covers a ``String!``, an interface covers its
implementations). Input positions (arguments, input fields) keep the strictest one, since
every subgraph must accept what the gateway forwards.
"""

from __future__ import annotations

from collections.abc import Callable

from graphql import ListTypeNode, NamedTypeNode, NonNullTypeNode, TypeNode
from graphql.language import parse_type

#: ``is_member(sub, sup)``: ``sub`` implements interface ``sup`` or belongs to union ``sup``.
MemberTest = Callable[[str, str], bool]


def _node(ref: str) -> TypeNode:
    return parse_type(ref, no_location=True)


def _output_subtype(sub: TypeNode, sup: TypeNode, is_member: MemberTest) -> bool:
    if isinstance(sup, NonNullTypeNode):
        return isinstance(sub, NonNullTypeNode) and _output_subtype(sub.type, sup.type, is_member)
    if isinstance(sub, NonNullTypeNode):
        return _output_subtype(sub.type, sup, is_member)
    if isinstance(sup, ListTypeNode):
        return isinstance(sub, ListTypeNode) and _output_subtype(sub.type, sup.type, is_member)
    if isinstance(sub, ListTypeNode):
        return False
    assert isinstance(sub, NamedTypeNode) and isinstance(sup, NamedTypeNode)
    return sub.name.value == sup.name.value or is_member(sub.name.value, sup.name.value)


def _input_stricter(strict: TypeNode, loose: TypeNode) -> bool:
    if isinstance(loose, NonNullTypeNode):
        return isinstance(strict, NonNullTypeNode) and _input_stricter(strict.type, loose.type)
    if isinstance(strict, NonNullTypeNode):
        return _input_stricter(strict.type, loose)
    if isinstance(loose, ListTypeNode):
        return isinstance(strict, ListTypeNode) and _input_stricter(strict.type, loose.type)
    if isinstance(strict, ListTypeNode):
        return False
    assert isinstance(strict, NamedTypeNode) and isinstance(loose, NamedTypeNode)
    return strict.name.value == loose.name.value


def is_output_subtype(sub: str, sup: str, is_member: MemberTest) -> bool:
    return _output_subtype(_node(sub), _node(sup), is_member)


def merge_output(refs: list[str], is_member: MemberTest) -> str | None:
    """The most general of ``refs`` if every other one is its subtype, else ``None``."""
    for candidate in dict.fromkeys(refs):
        if all(is_output_subtype(ref, candidate, is_member) for ref in refs):
            return candidate
    return None


def merge_input(refs: list[str]) -> str | None:
    """The strictest of ``refs`` if it only adds non-null wrappers to the others."""
    for candidate in dict.fromkeys(refs):
        node = _node(candidate)
        if all(_input_stricter(node, _node(ref)) for ref in refs):
            return candidate
    return None
