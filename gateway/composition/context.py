"""State shared by the merge steps: the subgraphs in order, their graph names, errors."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from gateway.composition.applied import conjunction
from gateway.composition.errors import CompositionError
from gateway.composition.joined import Graph, MergedField
from gateway.composition.model import Applied, Subgraph, TypeDef


def graph_enum_names(names: list[str]) -> list[str]:
    """``join__Graph`` value names: upper-cased, non-word characters as ``_``.

    Names that collide (``Foo`` and ``foo``) are all numbered: ``FOO_1``, ``FOO_2``.
    """
    bases = []
    for name in names:
        base = re.sub(r"\W", "_", name).upper()
        bases.append("_" + base if base[:1].isdigit() else base)
    counts = Counter(bases)
    seen: Counter[str] = Counter()
    out: list[str] = []
    for base in bases:
        if counts[base] == 1:
            out.append(base)
        else:
            seen[base] += 1
            out.append(f"{base}_{seen[base]}")
    return out


def quoted(names: list[str]) -> str:
    """``["a", "b", "c"]`` -> ``"a", "b" and "c"`` for error messages."""
    parts = [f'"{n}"' for n in names]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


@dataclass(frozen=True)
class Source:
    """One subgraph's definition of the type being merged."""

    subgraph: Subgraph
    graph: str
    type: TypeDef


@dataclass
class MergeContext:
    subgraphs: list[Subgraph]
    graphs: list[Graph] = field(default_factory=list)
    errors: list[CompositionError] = field(default_factory=list)

    def __post_init__(self) -> None:
        enums = graph_enum_names([s.name for s in self.subgraphs])
        self.graphs = [
            Graph(enum=e, name=s.name, url=s.url)
            for e, s in zip(enums, self.subgraphs, strict=True)
        ]
        self._graph_of = {s.name: g.enum for s, g in zip(self.subgraphs, self.graphs, strict=True)}

    def graph(self, subgraph: Subgraph) -> str:
        return self._graph_of[subgraph.name]

    def error(self, code: str, message: str, subgraphs: list[str] | None = None) -> None:
        self.errors.append(CompositionError(code, message, tuple(subgraphs or ())))

    def sources(self, type_name: str) -> list[Source]:
        return [
            Source(s, self.graph(s), s.types[type_name])
            for s in self.subgraphs
            if type_name in s.types
        ]

    def is_member(self, sub: str, sup: str) -> bool:
        """``sub`` implements interface ``sup`` or is a member of union ``sup`` somewhere."""
        for s in self.subgraphs:
            t = s.types.get(sub)
            if t is not None and sup in t.interfaces:
                return True
            u = s.types.get(sup)
            if u is not None and sub in u.members:
                return True
        return False


def merge_applied(target: Applied, sources: list[Applied]) -> None:
    """Description (the most common), ``@tag``s, ``@inaccessible``, ``@deprecated``, cost,
    ``@authenticated``/``@requiresScopes``/``@policy``."""
    described = Counter(s.description for s in sources if s.description)
    if described:
        # Most common wins; among equals, the first subgraph's (Counter keeps insertion order).
        target.description = described.most_common(1)[0][0]
    for s in sources:
        target.inaccessible = target.inaccessible or s.inaccessible
        target.tags.extend(t for t in s.tags if t not in target.tags)
        if target.deprecated is None:
            target.deprecated = s.deprecated
        if s.cost is not None:
            target.cost = s.cost if target.cost is None else max(target.cost, s.cost)
        if target.list_size is None:
            target.list_size = s.list_size
        # Authorization: a caller must meet every subgraph's requirement (Apollo's merge).
        target.authenticated = target.authenticated or s.authenticated
        target.scopes = conjunction(target.scopes, s.scopes)
        target.policies = conjunction(target.policies, s.policies)
        # Composed directives (``@composeDirective``): one application per directive, the
        # first subgraph's (in name order) when several apply it with different arguments.
        present = {_directive_name(text) for text in target.composed}
        for text in s.composed:
            if _directive_name(text) not in present:
                target.composed.append(text)
                present.add(_directive_name(text))


def _directive_name(applied: str) -> str:
    """``cacheControl`` of ``@cacheControl(maxAge: 5)``."""
    return applied[1:].split("(", 1)[0].strip()


def field_copy(f: MergedField) -> MergedField:
    copy = MergedField(name=f.name, type=f.type, args=list(f.args), default=f.default)
    merge_applied(copy, [f])
    return copy
