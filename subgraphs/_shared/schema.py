"""``subgraph_schema(...)``: a Strawberry Federation 2.9 schema with our extensions."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, Final

import strawberry
from graphql import DocumentNode, GraphQLError, parse
from strawberry.extensions import SchemaExtension, ValidationCache
from strawberry.federation.schema import FederationAny
from strawberry.federation.schema_directives import Key
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import ExecutionContext

from subgraphs._shared.context import FreshLoaders
from subgraphs._shared.errors import BadUserInput, MaskUnexpectedErrors, SubgraphError

#: 2.9 is the first version exporting the IBM cost directives ``@cost`` and ``@listSize``.
FEDERATION_VERSION: Final = "2.9"


class SubgraphSchema(strawberry.federation.Schema):
    """Checks ``_entities`` representations; logs only unexpected errors."""

    def entities_resolver(
        self, info: strawberry.Info, representations: list[FederationAny]
    ) -> list[FederationAny]:
        # A representation naming no entity of ours, or lacking its key, is the caller's
        # mistake: BAD_USER_INPUT at its index (Strawberry would report a bare TypeError).
        results: list[Any] = [None] * len(representations)
        valid: list[int] = []
        for index, representation in enumerate(representations):
            problem = self._representation_problem(representation)
            if problem is None:
                valid.append(index)
            else:
                results[index] = BadUserInput(f"representations[{index}]: {problem}")
        resolved = super().entities_resolver(info, [representations[i] for i in valid])
        for index, result in zip(valid, resolved, strict=True):
            results[index] = result
        return results

    def _representation_problem(self, representation: object) -> str | None:
        if not isinstance(representation, dict):
            return "must be an object."
        typename = representation.get("__typename")
        if not isinstance(typename, str):
            return "`__typename` must be a string."
        keys = self._entity_keys().get(typename)
        if keys is None:
            return f"{typename!r} is not an entity of this subgraph."
        missing = [k for k in keys if not isinstance(representation.get(k), str | int)]
        if missing:
            return f"{typename} needs its key field(s) {', '.join(missing)}."
        return None

    def _entity_keys(self) -> dict[str, list[str]]:
        """Entity type name -> the fields of its first ``@key`` (scalar keys only)."""
        if not hasattr(self, "_keys_cache"):
            found: dict[str, list[str]] = {}
            for name, type_ in self.schema_converter.type_map.items():
                definition = getattr(type_, "definition", None)
                for directive in getattr(definition, "directives", None) or ():
                    if isinstance(directive, Key):
                        found.setdefault(name, str(directive.fields).split())
            self._keys_cache = found
        return self._keys_cache

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        unexpected = [
            e
            for e in errors
            if e.path is not None and not isinstance(e.original_error, SubgraphError)
        ]
        super().process_errors(unexpected, execution_context)


class EventExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Each subscription event executed with a sub-field cache of its own.

    graphql-core 3.3.2 runs each event on a shallow copy of the subscription's executor
    (``build_per_event_executor``), and the copy shares ``_relevant_sub_fields``: a cache
    keyed by the identity of field lists that each event makes anew. Every event added
    entries, kept until the subscription ended, so a learner's progress subscription
    open for hours grew without bound. Found by the soak: the progress subgraph's full GC
    passes grew from 100 to 627 ms over 30 minutes (its p99 with them).
    ``tests/subgraphs/test_subscription_memory.py``.
    """

    def build_per_event_executor(self, payload: Any) -> Any:
        executor = super().build_per_event_executor(payload)
        executor._relevant_sub_fields = {}
        return executor


#: Distinct documents a subgraph keeps parsed and validated (least recently used go).
DOCUMENT_CACHE_SIZE = 512
#: Documents kept parsed: at most this many, each at most this long (the gateway's
#: fetches are a few hundred bytes; a longer text is parsed on each request, so the cache
#: stays a few MiB whatever reaches the subgraph).
PARSED_DOCUMENTS, PARSED_DOCUMENT_MAX_CHARS = 128, 4096


@lru_cache(maxsize=PARSED_DOCUMENTS)
def _parsed(query: str) -> DocumentNode:
    return parse(query)


class ParsedDocuments(SchemaExtension):
    """Parse each of the gateway's documents once.

    Parsing is also garbage: graphql-core's tokens link to their neighbours both ways,
    so every parse leaves a ring of tokens, locations and nodes for the cyclic collector
    (60% of the progress subgraph's garbage under the soak, ``python -m bench.soak``),
    and each full pass there walks the 500 open subscriptions' objects (~120,000) while
    the event loop waits (100-130 ms). Strawberry's ``ParserCache`` would do, but a
    document that fails to parse gets no ``GRAPHQL_PARSE_FAILED`` code through it: here
    such a document is left to Strawberry's own parse, which reports it as usual.
    """

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        query = context.query
        if query and len(query) <= PARSED_DOCUMENT_MAX_CHARS and not context.parse_options:
            # One that fails is parsed (and reported) again by Strawberry.
            with contextlib.suppress(GraphQLError):
                context.graphql_document = _parsed(query)
        yield


def subgraph_schema(**kwargs: Any) -> SubgraphSchema:
    """A federation schema (``query``, ``mutation``, ``subscription``, ``types``)."""
    validation_cache = ValidationCache(maxsize=DOCUMENT_CACHE_SIZE)
    return SubgraphSchema(
        federation_version=FEDERATION_VERSION,
        # The gateway sends the same few documents (its plans' fetches, each upstream
        # subscription's operation) again and again: validate each once. At thousands of
        # distinct subscriptions, validating every subscription's document anew was half
        # the progress subgraph's CPU (py-spy), and opens timed out. Parse each once too.
        extensions=[
            MaskUnexpectedErrors,
            FreshLoaders,
            ParsedDocuments,
            # One instance for all requests: the cache lives in it.
            lambda: validation_cache,
        ],
        execution_context_class=EventExecutionContext,
        **kwargs,
    )
