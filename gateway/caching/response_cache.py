"""``ResponseCaching``: cache headers, the response cache and its invalidation, per request.

For a query (``respond``):

1. the operation's ``OperationCaching`` (policy, entity sites: ``analysis.py``), cached
   per supergraph, document and operation;
2. with the response cache on and a cacheable policy: look the response up by a key
   naming everything that can change it — the supergraph, the document, the operation,
   the variables, what authorization denied, the forwarded headers and, for a private
   response (or one that authorization depends on), the caller. A hit is the answer;
3. else execute; a response without errors is stored for its ``maxAge``, tagged with
   the entities it contains (and, when private, with its caller);
4. on a GET: ``Cache-Control`` (``no-store`` when not cacheable or with errors), ``Vary``;
   in dev mode the hit/miss header. (``ETag``/304 need the body's bytes: ``http.py``.)

For a mutation: execute, then purge the responses that contain any entity the mutation's
response returns (``User:usr_1`` also purges the private responses of caller ``usr_1``:
``viewer_entity``). Announcements from the subgraphs purge the same way
(``invalidation.py``).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING

import orjson

from gateway.caches import BoundedCache
from gateway.caching.analysis import OperationCaching, analyze
from gateway.caching.config import CachingConfig
from gateway.caching.entities import entity_tags, purge_tags
from gateway.caching.invalidation import InvalidationListener
from gateway.caching.policy import CachePolicy
from gateway.caching.redis_store import RedisStore
from gateway.caching.store import MemoryStore, ResponseStore
from gateway.caching.subgraph_hints import take_hints
from gateway.canonical import kept
from gateway.observability.metrics import metrics
from gateway.request import RequestContext
from gateway.types import JSONObject

if TYPE_CHECKING:
    from gateway.pipeline import Prepared

log = logging.getLogger("gateway.caching")

#: Analyses kept per process (a few hundred bytes each, keyed like plans).
ANALYSIS_ENTRIES = 4096
ANALYSIS_BYTES = 8 * 1024 * 1024
#: The tag of the private responses cached for one caller.
VIEWER_TAG = "viewer:"

AnalysisKey = tuple[str, str, str | None]

#: Forwarded headers that differ on every request (or name the caller, which the key
#: covers for private responses): never part of the key or ``Vary``, or nothing would hit.
PER_REQUEST_HEADERS = frozenset({"authorization", "x-request-id", "traceparent", "tracestate"})


class ResponseCaching:
    """Owned by the ``Gateway``; ``respond`` wraps the execution of every operation."""

    def __init__(
        self,
        config: CachingConfig,
        *,
        dev: bool,
        forward_headers: Iterable[str] = (),
        store: ResponseStore | None = None,
        listener: InvalidationListener | None = None,
        record_metrics: bool = True,
    ) -> None:
        self.config = config
        #: observability.metrics.enabled: off, nothing is recorded.
        self.record_metrics = record_metrics
        self.dev = dev
        self.forward_headers = tuple(
            h.lower() for h in forward_headers if h.lower() not in PER_REQUEST_HEADERS
        )
        self.store = store
        self.listener = listener
        self._analyses: BoundedCache[AnalysisKey, OperationCaching] = BoundedCache(
            max_entries=ANALYSIS_ENTRIES,
            max_bytes=ANALYSIS_BYTES,
            weigh=lambda key, value: 1024 + len(key[1]) + 128 * len(value.entities),
        )
        vary = ["Accept", *(name.title() for name in self.forward_headers)]
        self._vary_public = ", ".join(vary)
        self._vary_private = ", ".join(dict.fromkeys([*vary, "Authorization"]))

    @classmethod
    def from_config(
        cls,
        config: CachingConfig,
        redis_url: str | None,
        *,
        dev: bool,
        forward_headers: Iterable[str] = (),
        record_metrics: bool = True,
    ) -> ResponseCaching:
        cache = config.response_cache
        store: ResponseStore | None = None
        if cache.enabled and redis_url:
            store = RedisStore.from_url(
                redis_url,
                prefix=cache.redis_key_prefix,
                timeout_seconds=cache.redis_timeout_seconds,
            )
        elif cache.enabled:
            store = MemoryStore(max_bytes=cache.max_bytes, max_entry_bytes=cache.max_entry_bytes)
        caching = cls(
            config,
            dev=dev,
            forward_headers=forward_headers,
            store=store,
            record_metrics=record_metrics,
        )
        if store is not None and redis_url and cache.invalidation_channel:
            caching.listener = InvalidationListener(
                redis_url, cache.invalidation_channel, caching.purge_entities
            )
        return caching

    def analysis(self, prepared: Prepared) -> OperationCaching:
        """The operation's caching facts, computed once per supergraph and document."""
        state, document = prepared.state, prepared.document
        name = prepared.operation.name.value if prepared.operation.name else None
        key = (state.supergraph.hash, document.signature, name)
        found = self._analyses.get(key)
        if found is None:
            found = analyze(
                state.supergraph,
                prepared.operation,
                document.fragments,
                self.config.default_max_age,
            )
            self._analyses.put(key, found)
        return found

    async def respond(
        self,
        prepared: Prepared,
        context: RequestContext,
        execute: Callable[[], Awaitable[JSONObject]],
    ) -> JSONObject:
        """The body of ``prepared``: from the cache, or ``execute()`` (stored if it may)."""
        if prepared.kind == "mutation":
            body, _ = take_hints(await execute())
            if self.store is not None:
                await self._purge_for_mutation(prepared, body)
            return body
        if prepared.kind != "query" or (self.store is None and not self._headers_wanted(context)):
            return take_hints(await execute())[0]
        if self.listener is not None:
            self.listener.start()
        analysis = self.analysis(prepared)
        static = analysis.policy
        viewer = self._viewer(context) if static.private or analysis.authorization else ""
        key = None
        if self.store is not None and static.cacheable and viewer is not None:
            key = self._key(prepared, context, viewer)
            cached = await self.store.get(key)
            if cached is not None:
                body, age, max_age = _decode(cached)
                policy = CachePolicy(max_age, static.private)
                self._headers(context, analysis, policy, body, "HIT", age)
                self._count("hit")
                return body
            self._count("miss")
        body, hints = take_hints(await execute())
        # The subgraphs' own Cache-Control may shorten it or make it private.
        policy = hints.apply(static) if hints is not None else static
        # Looked up as public, found private by a subgraph: never stored under a shared key.
        storable = policy.cacheable and policy.private == static.private
        if key is not None and self.store is not None and storable and not body.get("errors"):
            tags = entity_tags(body.get("data"), analysis.entities)
            if policy.private and viewer:
                tags.add(VIEWER_TAG + viewer.split("\n", 1)[0])
            assert policy.max_age is not None
            await self.store.put(key, _encode(body, policy.max_age), policy.max_age, tags)
        self._headers(context, analysis, policy, body, "MISS" if key is not None else None, None)
        return body

    async def purge_entities(self, entities: Iterable[str]) -> int:
        """Purge every cached response containing any of ``entities`` (``Type:key``)."""
        if self.store is None:
            return 0
        tags = purge_tags(entities)
        viewer_type = self.config.response_cache.viewer_entity
        if viewer_type is not None:
            prefix = viewer_type + ":"
            tags.update(VIEWER_TAG + t[len(prefix) :] for t in list(tags) if t.startswith(prefix))
        dropped = await self.store.purge(sorted(tags))
        if dropped and self.record_metrics:
            metrics().response_cache_purges.inc(dropped)
        return dropped

    async def close(self) -> None:
        if self.listener is not None:
            await self.listener.stop()
        if self.store is not None:
            await self.store.close()

    # -- parts ------------------------------------------------------------------------

    async def _purge_for_mutation(self, prepared: Prepared, body: JSONObject) -> None:
        analysis = self.analysis(prepared)
        tags = entity_tags(body.get("data"), analysis.entities)
        changed = [tag for tag in tags if ":" in tag]  # ``User`` alone names no entity
        if changed:
            await self.purge_entities(changed)

    def _count(self, result: str) -> None:
        if self.record_metrics:
            metrics().cache_lookups.labels("response", result).inc()

    def _headers_wanted(self, context: RequestContext) -> bool:
        return self.config.http_headers and context.method == "GET"

    def _viewer(self, context: RequestContext) -> str | None:
        """Who the response is for (user id, roles, scopes); None for an anonymous caller:
        a private response is then never stored."""
        identity = context.identity
        if identity is None or identity.user_id is None:
            return None
        return "\n".join((identity.user_id, ",".join(identity.roles), ",".join(identity.scopes)))

    def _key(self, prepared: Prepared, context: RequestContext, viewer: str) -> str:
        params = prepared.params
        forwarded = {n: context.headers[n] for n in self.forward_headers if n in context.headers}
        material = orjson.dumps(
            [
                prepared.state.supergraph.hash,
                prepared.document.signature,
                params.operation_name,
                params.variables or {},
                list(prepared.access.key),
                forwarded,
                viewer,
            ],
            option=orjson.OPT_SORT_KEYS,
        )
        return hashlib.sha256(material).hexdigest()

    def _headers(
        self,
        context: RequestContext,
        analysis: OperationCaching,
        policy: CachePolicy,
        body: JSONObject,
        status: str | None,
        age: int | None,
    ) -> None:
        headers = context.response_headers
        if status is not None and self.dev and self.config.status_header:
            headers[self.config.status_header] = status
        if not self._headers_wanted(context):
            return
        headers["Cache-Control"] = "no-store" if body.get("errors") else policy.header()
        private = policy.private or analysis.authorization
        headers["Vary"] = self._vary_private if private else self._vary_public
        if age is not None:
            headers["Age"] = str(age)


def _encode(body: JSONObject, max_age: int) -> bytes:
    # When it was stored and for how long travel with it: a hit says its ``Age`` and the
    # ``max-age`` it was stored with (a subgraph's header may have shortened it).
    return kept(orjson.dumps({"t": time.time(), "m": max_age, "b": body}))


def _decode(value: bytes) -> tuple[JSONObject, int, int]:
    entry = orjson.loads(value)
    return entry["b"], max(0, int(time.time() - entry["t"])), int(entry["m"])


__all__ = ["VIEWER_TAG", "ResponseCaching"]
