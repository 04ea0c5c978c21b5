"""The API schema as one group of clients sees it: without the retired fields hidden
from them.

A *view* is the API schema minus a set of field definitions, with its own document
cache (``gateway.documents``): everything client-facing that depends on the schema —
validation ("Cannot query field"), introspection, and the cached verdicts on documents —
runs against the caller's view, so what one client may query never leaks into another's
answers. What does not depend on it stays shared, unkeyed:

- the supergraph and the planner keep every field, and a document valid in a view is
  valid in the full API schema with the same meaning, so its plan (and cost) is the same
  whoever sends it: plans are keyed by document, not by view;
- responses of identical in-flight requests are shared only within a view (the pipeline
  adds ``SchemaView.key`` to that key): introspection answers differ between views.

Views are built on first use (one schema build, milliseconds) and kept with the
supergraph state, so a reload starts afresh. Their number is bounded by the configured
(client, version) groups (``clients.py``), and by ``MAX_VIEWS`` whatever a custom step
puts in ``context.state[HIDDEN_FIELDS]``.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache
from graphql import (
    DocumentNode,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    build_ast_schema,
)

from gateway.documents import DocumentCache
from gateway.request import RequestContext

__all__ = [
    "HIDDEN_FIELDS",
    "MAX_VIEWS",
    "SchemaView",
    "SchemaViews",
    "view_schema",
    "visible_coordinates",
]

log = logging.getLogger("gateway.retired")

#: ``RequestContext.state`` key: the field coordinates hidden from this request's client
#: (a ``frozenset[str]``; set by ``RetiredFieldsStep``). Absent: nothing is hidden.
HIDDEN_FIELDS = "retired.hidden"
#: Views kept per supergraph state (least recently used first out).
MAX_VIEWS = 32

DocumentsFactory = Callable[[GraphQLSchema], DocumentCache]


@dataclass(frozen=True, slots=True)
class SchemaView:
    """One view of the API schema and the documents validated against it."""

    #: The hidden coordinates, sorted; ``()`` for the full API schema. Part of every key
    #: of something computed from the view (the pipeline's in-flight sharing, response
    #: caches).
    key: tuple[str, ...]
    schema: GraphQLSchema
    documents: DocumentCache


class SchemaViews:
    """The views of one API schema, built on demand."""

    def __init__(
        self, schema: GraphQLSchema, documents: DocumentCache, factory: DocumentsFactory
    ) -> None:
        #: The full API schema: what a client with nothing hidden sees.
        self.full = SchemaView((), schema, documents)
        self._factory = factory
        # By the set asked for, and by the set actually hidden (coordinates this schema
        # does not have are dropped, so two asks can share one view).
        self._asked: LRUCache[frozenset[str], SchemaView] = LRUCache(maxsize=MAX_VIEWS)
        self._built: LRUCache[tuple[str, ...], SchemaView] = LRUCache(maxsize=MAX_VIEWS)

    def get(self, hidden: frozenset[str]) -> SchemaView:
        """The view without the fields ``hidden`` names (those this schema has)."""
        if not hidden:
            return self.full
        view = self._asked.get(hidden)
        if view is None:
            key = tuple(sorted(visible_coordinates(self.full.schema, hidden)))
            view = self._built.get(key) if key else self.full
            if view is None:
                schema = view_schema(self.full.schema, key)
                view = self._built[key] = SchemaView(key, schema, self._factory(schema))
            self._asked[hidden] = view
        return view

    def for_request(self, context: RequestContext) -> SchemaView:
        """The view of the request's client (``HIDDEN_FIELDS`` in its state)."""
        hidden: frozenset[str] | None = context.state.get(HIDDEN_FIELDS)
        return self.get(hidden) if hidden else self.full


def visible_coordinates(schema: GraphQLSchema, coordinates: Iterable[str]) -> set[str]:
    """The coordinates a view can hide in ``schema``: those it has, an interface's field
    with the same field of every implementation. Skipped (logged): a field its interface
    keeps (the schema would be invalid), and the last fields of a type."""
    wanted = set(coordinates)
    hidden: set[str] = set()
    for coordinate in sorted(wanted):
        type_name, _, name = coordinate.partition(".")
        named = schema.type_map.get(type_name)
        if isinstance(named, GraphQLInterfaceType) and name in named.fields:
            hidden.add(coordinate)
            implementations = schema.get_implementations(named)
            implementing: list[GraphQLObjectType | GraphQLInterfaceType] = [
                *implementations.objects,
                *implementations.interfaces,
            ]
            for implementation in implementing:
                if name in implementation.fields:
                    hidden.add(f"{implementation.name}.{name}")
    for coordinate in sorted(wanted - hidden):
        type_name, _, name = coordinate.partition(".")
        named = schema.type_map.get(type_name)
        if not isinstance(named, GraphQLObjectType) or name not in named.fields:
            continue  # not in this supergraph (yet, or any more)
        if any(name in i.fields and f"{i.name}.{name}" not in hidden for i in named.interfaces):
            log.warning("retired field %s not hidden: its interface declares it", coordinate)
            continue
        hidden.add(coordinate)
    by_type: dict[str, set[str]] = {}
    for coordinate in hidden:
        type_name, _, name = coordinate.partition(".")
        by_type.setdefault(type_name, set()).add(name)
    for type_name, names in by_type.items():
        named = schema.type_map[type_name]
        assert isinstance(named, GraphQLObjectType | GraphQLInterfaceType)
        if names >= set(named.fields):
            log.warning("retired fields of %s not hidden: it would have no field", type_name)
            hidden -= {f"{type_name}.{n}" for n in names}
    return hidden


def view_schema(schema: GraphQLSchema, hidden: Iterable[str]) -> GraphQLSchema:
    """``schema`` rebuilt from its own SDL nodes without the ``hidden`` field definitions
    (descriptions, deprecations and directive applications such as ``@cost`` kept)."""
    by_type: dict[str, set[str]] = {}
    for coordinate in hidden:
        type_name, _, name = coordinate.partition(".")
        by_type.setdefault(type_name, set()).add(name)
    definitions: list[Any] = []
    if schema.ast_node is not None:
        definitions.append(schema.ast_node)
    definitions.extend(schema.extension_ast_nodes)
    definitions.extend(d.ast_node for d in schema.directives if d.ast_node is not None)
    for type_name, named in schema.type_map.items():
        node = getattr(named, "ast_node", None)
        if node is None:
            continue  # introspection types and the built-in scalars: every schema has them
        names = by_type.get(type_name, set())
        for part in (node, *getattr(named, "extension_ast_nodes", ())):
            fields = getattr(part, "fields", None)
            if names and fields is not None:
                part = dataclasses.replace(
                    part, fields=tuple(f for f in fields if f.name.value not in names)
                )
            definitions.append(part)
    built = build_ast_schema(DocumentNode(definitions=tuple(definitions)), assume_valid_sdl=True)
    # Directives given in code rather than SDL (e.g. executable ones a step adds) carry
    # no node: add them as they are.
    present = {d.name for d in built.directives}
    missing = [d for d in schema.directives if d.name not in present]
    if missing:
        kwargs = built.to_kwargs()
        kwargs["directives"] = (*built.directives, *missing)
        built = GraphQLSchema(**kwargs)
    return built
