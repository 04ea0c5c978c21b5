"""Parse and validate documents against the API schema, once per distinct text.

Both results are cached by the document text (the API schema is fixed for a supergraph
state, and the cache lives in that state), so a repeated operation costs one dict lookup.
The cache is bounded in bytes as well as entries (``gateway.caches``): an entry weighs its
text plus an estimate of its AST, and a text longer than ``MAX_CACHED_DOCUMENT_CHARS`` is
never stored — a stream of distinct multi-megabyte documents, refused or not, leaves
nothing behind.

``load`` (what the pipeline awaits) parses and validates a document longer than
``OFFLOAD_CHARS`` on the gateway's one document worker thread instead of the event loop:
graphql-core's parser and validation are pure Python (about 7 µs a token, and the spec's
``OverlappingFieldsCanBeMerged`` compares same-named fields pairwise), so one document at
the default limits can take hundreds of milliseconds, and on the loop that would be
hundreds of milliseconds every other request waits. On the worker the loop keeps running
(the interpreter hands it the GIL every few milliseconds); one worker, shared by every
state, also means hostile documents queue behind each other instead of taking more CPU.

A refusal is cached as the error, and every hit raises a *copy* of it: raising the cached
exception itself would chain each request's traceback onto it, keeping every frame (and
the request data they hold) of every request that sent that document alive.
"""

from __future__ import annotations

import asyncio
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    print_ast,
    validate,
)
from graphql.validation import ASTValidationRule, specified_rules

from gateway.caches import DOCUMENT_CACHE_BYTES, MAX_CACHED_DOCUMENT_CHARS, BoundedCache
from gateway.errors import ErrorList, GatewayError, ParseError, ValidationFailed
from gateway.limits import (
    LimitsConfig,
    OperationLimitExceeded,
    limit_rules,
    split_warnings,
)
from gateway.limits.parser import parse_counting_tokens
from gateway.planning.operation import conditional_variables


@dataclass(slots=True, eq=False)
class ValidDocument:
    """A parsed, validated document and what planning needs to know about it."""

    document: DocumentNode
    operations: list[OperationDefinitionNode]
    fragments: dict[str, FragmentDefinitionNode]
    #: A whitespace- and comment-insensitive form: the plan cache keys on it.
    signature: str
    #: Per operation name: variables used by @skip/@include (part of the plan's key).
    conditionals: dict[str | None, tuple[str, ...]]
    #: Warn-only limits the document exceeds (logged and exposed, not refused).
    warnings: list[GraphQLError]
    #: Lexical tokens of the text (what the AST weighs is about proportional to it).
    tokens: int = 0


#: Estimated bytes one token of a parsed, validated document keeps alive (AST node, its
#: location and graphql-core's linked token; measured ~350 with tracemalloc), and the fixed
#: part of an entry. Rounded up: the budget must hold against the worst case.
BYTES_PER_TOKEN = 512
ENTRY_BYTES = 4096
#: Estimated bytes of one cached request error (message, locations, extensions).
ERROR_BYTES = 512


#: Validation errors reported for one document (graphql-core's default is 100). Each
#: error locates itself by scanning the text up to its node: 100 errors in an 80 KB
#: document cost a quarter of a second.
MAX_VALIDATION_ERRORS = 20

#: Documents longer than this (characters) are parsed and validated off the event loop;
#: shorter ones take about a millisecond, little more than the hop to a thread.
OFFLOAD_CHARS = 512

#: The interpreter's thread switch interval once the document worker exists (seconds).
SWITCH_INTERVAL_SECONDS = 0.001

_worker: ThreadPoolExecutor | None = None


def _document_worker() -> ThreadPoolExecutor:
    """The one thread that parses and validates long documents (created on first use)."""
    global _worker
    if _worker is None:
        _worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gateway-documents")
        # While the worker computes, the loop gets the GIL back only when the worker's
        # switch interval ends (5 ms by default), and a trivial request needs it a handful
        # of times: at 5 ms it still waited ~50 ms behind a hostile document, at 1 ms a
        # few. Only matters while two threads want the GIL, i.e. while the worker works.
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL_SECONDS))
    return _worker


def weigh_entry(text: str, value: ValidDocument | GatewayError) -> int:
    """What a document-cache entry keeps alive, in bytes (an estimate, rounded up)."""
    if isinstance(value, ValidDocument):
        body = BYTES_PER_TOKEN * value.tokens + sys.getsizeof(value.signature)
    elif isinstance(value, ErrorList):
        body = ERROR_BYTES * len(value.errors)
    else:
        body = ERROR_BYTES
    return ENTRY_BYTES + sys.getsizeof(text) + body


def _fresh(error: GatewayError) -> GatewayError:
    """A copy of a cached error to raise (same class and attributes, no traceback)."""
    copy = type(error).__new__(type(error), *error.args)
    copy.__dict__.update(error.__dict__)
    return copy


def _locations(error: GraphQLError) -> list[dict[str, int]] | None:
    if not error.locations:
        return None
    return [{"line": loc.line, "column": loc.column} for loc in error.locations]


class DocumentCache:
    """Validated documents (or their refusals) by text, for one API schema and limits."""

    def __init__(
        self,
        schema: GraphQLSchema,
        limits: LimitsConfig,
        size: int = 1024,
        *,
        max_bytes: int = DOCUMENT_CACHE_BYTES,
        max_document_chars: int = MAX_CACHED_DOCUMENT_CHARS,
    ) -> None:
        self.schema = schema
        self.limits = limits
        # One validation pass: the spec's rules, then the operation limits (their order
        # kept: limit_rules ends with the rule that stops the pass on a hard limit).
        self.rules: list[type[ASTValidationRule]] = [*specified_rules, *limit_rules(limits)]
        # An enforced directive limit also caps the document's text before parsing (a
        # warn-only one must never refuse, so it is left to the validation pass).
        directives = limits.directives
        self._max_directives = None if directives.warn_only else directives.max
        self.max_document_chars = max_document_chars
        self._cache: BoundedCache[str, ValidDocument | GatewayError] = BoundedCache(
            max_entries=size, max_bytes=max_bytes, weigh=weigh_entry
        )

    def get(self, text: str) -> ValidDocument:
        """The validated document for ``text``; raises the (cached) request error.

        Runs on the calling thread whatever the size: on the event loop, use ``load``."""
        found = self._cache.get(text)
        if found is None:
            found = self._remember(text, self._load(text))
        return self._answer(found)

    async def load(self, text: str) -> ValidDocument:
        """``get`` for the event loop: a long document is parsed and validated on the
        document worker thread, so it cannot hold the loop."""
        found = self._cache.get(text)
        if found is None:
            if len(text) > OFFLOAD_CHARS:
                loop = asyncio.get_running_loop()
                loaded = await loop.run_in_executor(_document_worker(), self._load, text)
            else:
                loaded = self._load(text)
            found = self._remember(text, loaded)
        return self._answer(found)

    def _remember(
        self, text: str, found: ValidDocument | GatewayError
    ) -> ValidDocument | GatewayError:
        # The cache is only ever touched here and in get/load, on the caller's thread.
        if len(text) <= self.max_document_chars:
            self._cache.put(text, found)
        return found

    @staticmethod
    def _answer(found: ValidDocument | GatewayError) -> ValidDocument:
        if isinstance(found, GatewayError):
            raise _fresh(found)
        return found

    @property
    def cache(self) -> BoundedCache[str, ValidDocument | GatewayError]:
        """The underlying cache (its ``weight`` and size, for tests and metrics)."""
        return self._cache

    def _load(self, text: str) -> ValidDocument | GatewayError:
        limits = self.limits
        try:
            document, tokens = parse_counting_tokens(
                text,
                limits.parser_max_tokens,
                limits.parser_max_nesting,
                max_length=limits.parser_max_length,
                max_directives=self._max_directives,
                max_operations=limits.parser_max_operations,
                max_fragments=limits.parser_max_fragments,
            )
        except GatewayError as error:
            return error
        except RecursionError:
            return ParseError("The document is nested too deeply.")
        errors, warnings = split_warnings(
            validate(self.schema, document, self.rules, max_errors=MAX_VALIDATION_ERRORS)
        )
        if errors:
            return ErrorList([_validation_error(e) for e in errors])
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        conditionals = {
            (op.name.value if op.name else None): conditional_variables(op, fragments)
            for op in operations
        }
        return ValidDocument(
            document, operations, fragments, print_ast(document), conditionals, warnings, tokens
        )


def _validation_error(error: GraphQLError) -> GatewayError:
    if error.extensions and "code" in error.extensions:
        return OperationLimitExceeded.from_graphql(error)
    return ValidationFailed(error.message, locations=_locations(error))
