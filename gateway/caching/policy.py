"""Cache policies and the ``@cacheControl`` hints they are made of (Apollo Server's model).

A hint is what one ``@cacheControl(maxAge:, scope:, inheritMaxAge:)`` says; a policy is
the most restrictive combination of the hints of every field an operation resolves: the
smallest ``maxAge``, and ``PRIVATE`` as soon as one hint is private. A policy is
cacheable only with a ``maxAge`` above 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from graphql import BooleanValueNode, DirectiveNode, EnumValueNode, IntValueNode

#: The directive's name (Apollo Server's); the gateway reads it wherever it is linked from.
DIRECTIVE = "cacheControl"


@dataclass(frozen=True, slots=True)
class Hint:
    """One ``@cacheControl`` application (``inherit``: ``inheritMaxAge: true``, whose
    ``maxAge`` is ignored, as Apollo Server ignores it)."""

    max_age: int | None = None
    private: bool | None = None
    inherit: bool = False


@dataclass(frozen=True, slots=True)
class CachePolicy:
    """``max_age`` None: no field restricted it (not cacheable); ``private``: per caller."""

    max_age: int | None = None
    private: bool = False

    def restrict(self, max_age: int | None, private: bool | None) -> CachePolicy:
        """The policy that also honours (``max_age``, ``private``)."""
        new_age = self.max_age
        if max_age is not None and (new_age is None or max_age < new_age):
            new_age = max_age
        return CachePolicy(new_age, self.private or bool(private))

    @property
    def cacheable(self) -> bool:
        return self.max_age is not None and self.max_age > 0

    def header(self) -> str:
        """The ``Cache-Control`` value: ``max-age=N, public|private`` or ``no-store``."""
        if not self.cacheable:
            return "no-store"
        return f"max-age={self.max_age}, {'private' if self.private else 'public'}"


def hint_from(nodes: Iterable[Any]) -> Hint | None:
    """The ``@cacheControl`` hint on the first of ``nodes`` (AST nodes of a type or field,
    their extensions included) that has one; None when none has."""
    for node in nodes:
        for directive in getattr(node, "directives", None) or ():
            if directive.name.value == DIRECTIVE:
                return _hint(directive)
    return None


def _hint(directive: DirectiveNode) -> Hint:
    values = {a.name.value: a.value for a in directive.arguments or ()}
    scope = values.get("scope")
    private = scope.value == "PRIVATE" if isinstance(scope, EnumValueNode) else None
    inherit = values.get("inheritMaxAge")
    if isinstance(inherit, BooleanValueNode) and inherit.value:
        return Hint(None, private, inherit=True)
    max_age = values.get("maxAge")
    return Hint(int(max_age.value) if isinstance(max_age, IntValueNode) else None, private)
