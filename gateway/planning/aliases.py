"""Internal aliases for fields whose types conflict in a subgraph's own schema.

GraphQL's validation (``OverlappingFieldsCanBeMerged``) refuses two fields with the
same response key and different types in one selection set, even under different type
conditions: ``... on Book { id } ... on Movie { id }`` is invalid where the subgraph has
``Book.id: ID!`` and ``Movie.id: ID``. The client's operation is valid against the API
schema (where the types agree); the fetch sent to the subgraph must be valid against the
subgraph's. Such a field is sent under an internal alias (``_gw1_id``), and the fetch
carries a ``Rename`` that the executor applies to the subgraph's data before merging it,
so the rest of the gateway only ever sees the client's key.
"""

from __future__ import annotations

import itertools

from graphql import GraphQLNamedType, is_leaf_type

from gateway.planning.graph import SupergraphGraph
from gateway.planning.plan import Rename
from gateway.planning.selection import SubField, SubSelection


class TypeConflicts:
    def __init__(self, graph: SupergraphGraph) -> None:
        self.graph = graph

    def fix(self, selection: SubSelection, parent: str, subgraph: str) -> tuple[Rename, ...]:
        """Alias the conflicting fields of ``selection`` (a fetch's whole selection, on
        ``parent``) in place; the renames that restore the client's keys."""
        renames: list[Rename] = []
        self._fix(selection, parent, subgraph, (), renames)
        return tuple(renames)

    def _fix(
        self,
        selection: SubSelection,
        parent: str,
        subgraph: str,
        path: tuple[str, ...],
        renames: list[Rename],
    ) -> None:
        shapes: dict[str, str] = {}
        taken = set(selection.fields)
        for sub in selection.fields.values():
            shapes[sub.key] = self._shape(parent, sub, subgraph)
        for fragment in selection.fragments.values():
            taken.update(fragment.fields)
        for type_name, fragment in selection.fragments.items():
            for sub in fragment.fields.values():
                shape = self._shape(type_name, sub, subgraph)
                prior = shapes.setdefault(sub.key, shape)
                if prior != shape:
                    sub.sent_key = _fresh_alias(sub.key, taken)
                    renames.append(Rename(path, type_name, sub.sent_key, sub.key))
            if any(sub.sent_key for sub in fragment.fields.values()):
                # The executor renames per object type: it needs each object's type.
                fragment.add_field("__typename")
        for sub in selection.fields.values():
            self._below(sub, parent, subgraph, path, renames)
        for type_name, fragment in selection.fragments.items():
            for sub in fragment.fields.values():
                self._below(sub, type_name, subgraph, path, renames)

    def _below(
        self,
        sub: SubField,
        parent: str,
        subgraph: str,
        path: tuple[str, ...],
        renames: list[Rename],
    ) -> None:
        if sub.selection is None:
            return
        named = self._named(parent, sub.name)
        if named is not None:
            self._fix(sub.selection, named.name, subgraph, (*path, sub.key), renames)

    def _named(self, parent: str, field_name: str) -> GraphQLNamedType | None:
        parent_type = self.graph.schema.get_type(parent)
        fields = getattr(parent_type, "fields", None)
        if not fields or field_name not in fields:
            return None
        type_ = fields[field_name].type
        while hasattr(type_, "of_type"):
            type_ = type_.of_type
        named: GraphQLNamedType = type_
        return named

    def _shape(self, parent: str, sub: SubField, subgraph: str) -> str:
        """The field's type in ``subgraph`` as far as merging cares: wrappers and, for
        leaves, the named type (object types of any name merge)."""
        if sub.name == "__typename":
            return "String!"
        join = self.graph.join_field(parent, sub.name, subgraph)
        text = join.type if join is not None and join.type else None
        named = self._named(parent, sub.name)
        if text is None:
            parent_type = self.graph.schema.get_type(parent)
            fields = getattr(parent_type, "fields", {})
            if sub.name not in fields:
                return "?"
            text = str(fields[sub.name].type)
        if named is not None and not is_leaf_type(named):
            return text.replace(named.name, "{}")
        return text


def _fresh_alias(key: str, taken: set[str]) -> str:
    for n in itertools.count(1):
        alias = f"_gw{n}_{key}"
        if alias not in taken:
            taken.add(alias)
            return alias
    raise AssertionError("unreachable")
