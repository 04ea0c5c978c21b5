"""Selections of subgraph operations under construction, and their printed text.

The planner adds fields to a ``SubSelection`` as it decides which subgraph resolves what;
once planning is done each fetch's selection is printed once into the operation text sent
to the subgraph (compact) and into the plan's readable form (indented).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from graphql import ArgumentNode, print_ast


@dataclass(slots=True, eq=False)
class SubField:
    key: str
    name: str
    arguments: tuple[ArgumentNode, ...] = ()
    selection: SubSelection | None = None
    #: The key it is sent under when that differs from ``key`` (``aliases.py``).
    sent_key: str | None = None

    def signature(self) -> tuple[str, str]:
        return self.name, print_arguments(self.arguments)


#: Internal aliases look like ``_gw_name`` / ``_gw2_name``: error paths map them back.
INTERNAL_ALIAS = re.compile(r"^_gw\d*_(.+)$")


@dataclass(slots=True, eq=False)
class SubSelection:
    fields: dict[str, SubField] = field(default_factory=dict)
    fragments: dict[str, SubSelection] = field(default_factory=dict)
    #: Fields of these objects that another fetch places (by signature): where their
    #: data lands, for representations built from these objects. Never printed.
    elsewhere: dict[tuple[str, str], SubField] = field(default_factory=dict)

    def add_field(
        self,
        name: str,
        arguments: tuple[ArgumentNode, ...] = (),
        key: str | None = None,
        composite: bool = False,
        client_keys: Mapping[str, set[tuple[str, str]]] | None = None,
    ) -> SubField:
        """The field at ``key`` (added if absent). Internal fields ask for ``key=None``:
        they take the field's own name unless the client uses that response key for
        something else (``client_keys``: every response key of the operation and what it
        selects), else an internal alias ``_gw<n>_<name>`` no client key uses."""
        wanted = (name, print_arguments(arguments))
        if key is None:
            key = self._internal_key(name, wanted, client_keys or {})
        existing = self.fields.get(key)
        if existing is None:
            existing = SubField(key, name, arguments, SubSelection() if composite else None)
            self.fields[key] = existing
        elif composite and existing.selection is None:
            existing.selection = SubSelection()
        return existing

    def _internal_key(
        self, name: str, wanted: tuple[str, str], client_keys: Mapping[str, set[tuple[str, str]]]
    ) -> str:
        for n in itertools.count():
            key = name if n == 0 else f"_gw{'' if n == 1 else n}_{name}"
            uses = client_keys.get(key)
            if uses is not None and uses != {wanted}:
                continue
            existing = self.fields.get(key)
            if existing is None or existing.signature() == wanted:
                return key
        raise AssertionError("unreachable")

    def fragment(self, type_name: str) -> SubSelection:
        found = self.fragments.get(type_name)
        if found is None:
            found = self.fragments[type_name] = SubSelection()
        return found

    def is_empty(self) -> bool:
        """Nothing to select: no fields, and no type condition with fields."""
        return not self.fields and all(f.is_empty() for f in self.fragments.values())

    # A composite field whose selection ended up empty (``@skip`` removed every field
    # below it, or type-condition pruning did) still needs fetching — the client gets
    # ``{}`` or ``null`` — but ``{}`` is not valid GraphQL: select ``__typename``.

    # -- printing ---------------------------------------------------------------------

    def compact(self) -> str:
        parts: list[str] = []
        for sub in self.fields.values():
            parts.append(_field_head(sub))
            if sub.selection is not None:
                parts.append(
                    "{__typename}" if sub.selection.is_empty() else sub.selection.compact()
                )
        for type_name, fragment in self.fragments.items():
            if not fragment.is_empty():
                parts.append(f"...on {type_name}")
                parts.append(fragment.compact())
        return "{" + " ".join(parts) + "}"

    def pretty(self, indent: int) -> list[str]:
        pad = "  " * indent
        lines = [pad[:-2] + "{" if indent else "{"]
        for sub in self.fields.values():
            if sub.selection is None:
                lines.append(pad + _field_head(sub))
            elif sub.selection.is_empty():
                lines.append(pad + _field_head(sub) + " {")
                lines.append(pad + "  __typename")
                lines.append(pad + "}")
            else:
                inner = sub.selection.pretty(indent + 1)
                lines.append(pad + _field_head(sub) + " " + inner[0].strip())
                lines.extend(inner[1:])
        for type_name, fragment in self.fragments.items():
            if fragment.is_empty():
                continue
            inner = fragment.pretty(indent + 1)
            lines.append(pad + f"... on {type_name} " + inner[0].strip())
            lines.extend(inner[1:])
        lines.append(pad[:-2] + "}" if indent else "}")
        return lines


def print_arguments(arguments: tuple[ArgumentNode, ...]) -> str:
    if not arguments:
        return ""
    return "(" + ", ".join(print_ast(a) for a in arguments) + ")"


def _field_head(sub: SubField) -> str:
    key = sub.sent_key or sub.key
    alias = f"{key}: " if key != sub.name else ""
    return alias + sub.name + print_arguments(sub.arguments)
