"""Shape the merged subgraph data into exactly the response the client asked for.

Why this step exists: the merged data holds what the fetches needed (keys, required
fields, internal aliases, ``__typename``) in the subgraphs' order. The client must get
exactly its fields, in its order, under its aliases; ``__typename`` answered; for abstract
types only the fields of the object's concrete type (an object whose type the client's
schema does not have, an ``@inaccessible`` one, is null); and a null in a non-null
position bubbling up to the nearest nullable parent, with an error at the right path.

Everything about the operation was computed once per plan (``NSelection``/``NField``): this
walk only reads dicts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gateway.planning.operation import NField, NSelection
from gateway.types import JSONObject

_MISSING: Any = object()
_BUBBLE: Any = object()

# What the shaper does with a field, decided once per selection (``_table``).
_SCALAR = 0  # a non-list scalar: copied as it is unless null or absent
_TYPENAME = 1
_INTROSPECTION = 2
_OTHER = 3  # lists, objects, enums: ``_value``

_Entry = tuple[str, int, NField, str]  # response key, kind, field, key in the data
_Table = dict[str, list[_Entry]]


def _table(selection: NSelection) -> _Table:
    table: _Table = {}
    for type_name, fields in selection.by_type.items():
        table[type_name] = _entries(fields)
    selection.shape_table = table
    return table


def _entries(fields: list[NField]) -> list[_Entry]:
    entries: list[_Entry] = []
    for nfield in fields:
        if nfield.name == "__typename":
            kind = _TYPENAME
        elif nfield.introspection:
            kind = _INTROSPECTION
        elif (
            nfield.selection is None
            and nfield.enum_values is None
            and len(nfield.chain) == 1
            and nfield.chain[0][0] != "list"
        ):
            kind = _SCALAR
        else:
            kind = _OTHER
        entries.append((nfield.key, kind, nfield, nfield.source))
    return entries


def _interface_fields(selection: NSelection, table: _Table) -> list[_Entry]:
    """The fields of an object still typed as its interface: an ``@interfaceObject``
    entity whose concrete type no subgraph could tell (the interface's owner answered
    null for it). Only what is selected on the interface itself applies (``own``): a
    field under ``... on User`` does not, as for any object that is not a User."""
    entries = table.get(selection.parent)
    if entries is None:
        entries = table[selection.parent] = _entries(selection.own or [])
    return entries


#: A response path as a linked list (parent, key): materialized only for errors.
_LinkedPath = tuple[Any, str | int] | None


@dataclass(frozen=True, slots=True)
class Streamed:
    """The items of a ``@stream``ed list after its initial count: sent in a later part."""

    #: The list's path, then the index of the first of ``items``.
    path: list[str | int]
    items: list[Any]
    label: str | None


class Shaper:
    def __init__(
        self,
        errors: list[JSONObject],
        introspection: JSONObject | None = None,
        streams: list[Streamed] | None = None,
        variables: dict[str, Any] | None = None,
    ):
        self.errors = errors
        self.introspection = introspection or {}
        #: Incremental delivery: ``@stream``ed lists keep their initial count, the rest
        #: goes here (None: the client gets whole lists). ``variables``: for the counts.
        self.streams = streams
        self.variables = variables or {}
        self._error_prefixes: set[tuple[str | int, ...]] | None = None

    def shape(self, root: NSelection, data: JSONObject | None) -> JSONObject | None:
        result = self._selection(root, data or {}, None)
        return None if result is _BUBBLE else result

    def shape_at(
        self, selection: NSelection, obj: JSONObject, path: list[str | int]
    ) -> JSONObject | None:
        """The object at ``path`` shaped by ``selection`` (a deferred fragment's part);
        None when a null bubbled up to it (or its type is hidden)."""
        linked: _LinkedPath = None
        for key in path:
            linked = (linked, key)
        result = self._selection(selection, obj, linked)
        return None if result is _BUBBLE else result

    def _selection(self, selection: NSelection, obj: JSONObject, path: _LinkedPath) -> Any:
        table: _Table = selection.shape_table or _table(selection)
        if selection.abstract:
            type_name = obj.get("__typename")
            fields = table.get(type_name) if isinstance(type_name, str) else None
            if fields is None:
                if type_name is None:
                    return {}
                if type_name != selection.parent:
                    return None  # hidden: null, with the nullability of its field
                fields = _interface_fields(selection, table)
        else:
            type_name = selection.parent
            fields = table[type_name]
        out: JSONObject = {}
        get = obj.get
        for key, kind, nfield, source in fields:
            value = get(source, _MISSING)
            if kind == _SCALAR and value is not None and value is not _MISSING:
                out[key] = value  # the common case, inline: most fields are scalars
            elif kind == _TYPENAME:
                out[key] = type_name
            elif kind == _INTROSPECTION:
                out[key] = self.introspection.get(key)
            else:
                value = self._value(nfield, 0, value, (path, key))
                if value is _BUBBLE:
                    return _BUBBLE
                out[key] = value
        return out

    def _value(self, nfield: NField, level: int, value: Any, path: _LinkedPath) -> Any:
        kind, nullable = nfield.chain[level]
        if value is None or value is _MISSING:
            if nullable:
                return None
            self._null_error(nfield, value is _MISSING, path)
            return _BUBBLE
        if kind == "list":
            if not isinstance(value, list):
                return self._invalid(nfield, nullable, path, "a list")
            items = []
            for index, item in enumerate(value):
                shaped = self._value(nfield, level + 1, item, (path, index))
                if shaped is _BUBBLE:
                    return None if nullable else _BUBBLE
                items.append(shaped)
            if level == 0 and nfield.stream is not None and self.streams is not None:
                return self._stream(nfield, items, path)
            return items
        if nfield.selection is None:
            if nfield.enum_values is not None and value not in nfield.enum_values:
                # e.g. an @inaccessible value: not in the client's schema.
                return self._invalid(nfield, nullable, path, "a value of its enum")
            return value
        if not isinstance(value, dict):
            return self._invalid(nfield, nullable, path, "an object")
        shaped = self._selection(nfield.selection, value, path)
        if shaped is _BUBBLE:
            return None if nullable else _BUBBLE
        if shaped is None:  # an object of a type the client's schema does not have
            if nullable:
                return None
            self._null_error(nfield, False, path)
            return _BUBBLE
        return shaped

    def _stream(self, nfield: NField, items: list[Any], path: _LinkedPath) -> list[Any]:
        """The first items of a streamed list; the others are kept for a later part."""
        assert nfield.stream is not None
        count = nfield.stream.initial_count
        if isinstance(count, str):  # a variable (coerced: an Int, or null)
            value = self.variables.get(count)
            count = value if isinstance(value, int) else 0
        count = max(count, 0)
        if len(items) > count:
            streamed = Streamed([*_materialize(path), count], items[count:], nfield.stream.label)
            assert self.streams is not None
            self.streams.append(streamed)
        return items[:count]

    def _invalid(self, nfield: NField, nullable: bool, path: _LinkedPath, expected: str) -> Any:
        self.errors.append(
            {
                "message": f"Invalid value for {nfield.parent_type}.{nfield.name}: expected"
                f" {expected}.",
                "path": _materialize(path),
                "extensions": {"code": "INVALID_SUBGRAPH_RESPONSE"},
            }
        )
        return None if nullable else _BUBBLE

    def _null_error(self, nfield: NField, missing: bool, path: _LinkedPath) -> None:
        materialized = _materialize(path)
        if self._covered(materialized) or (missing and self.errors):
            # The subgraph already said why (an error at or below this path), or a
            # fetch failed and its error explains the absence.
            return
        self.errors.append(
            {
                "message": f"Cannot return null for non-nullable field"
                f" {nfield.parent_type}.{nfield.name}.",
                "path": materialized,
                "extensions": {"code": "NON_NULL_FIELD_IS_NULL"},
            }
        )

    def _covered(self, path: list[str | int]) -> bool:
        if self._error_prefixes is None:
            self._error_prefixes = set()
            for error in self.errors:
                error_path = error.get("path")
                if isinstance(error_path, list):
                    for end in range(1, len(error_path) + 1):
                        self._error_prefixes.add(tuple(error_path[:end]))
        return tuple(path) in self._error_prefixes


def _materialize(path: _LinkedPath) -> list[str | int]:
    keys: list[str | int] = []
    while path is not None:
        path, key = path
        keys.append(key)
    keys.reverse()
    return keys
