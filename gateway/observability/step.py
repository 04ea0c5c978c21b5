"""The observability step: metrics, spans and the log line of every operation.

It runs first at every point of a request (``gateway.steps.builtin``), so even an
operation that authentication or a rate limit refuses is counted, traced and logged:

    request_received   the record (start time, request id, client name/version) and the
                       operation's span, child of an incoming ``traceparent``
    document_resolved  the document cache's hit or miss; the validation span begins
    validated          the validation span ends; the planning span begins
    planned            the operation's name and type; the planning span ends (a
                       subscription's record is finished here: it has no response)
    response_ready     outcome, error codes, duration: the metrics, the span's end,
                       the log line

Each subgraph request is observed by the transport's hook (``gateway.observability.fetch``),
which calls ``fetched``. What the gateway's own objects count (cache sizes, persisted-query
counters, in-flight sharing, open websockets) is read at most once a second and on each
scrape (``read_gateway``): a request pays nothing for it.
"""

from __future__ import annotations

import hashlib
import re
import time
import uuid
from typing import TYPE_CHECKING, Any

from opentelemetry.trace import Status, StatusCode

from gateway.caches import BoundedCache
from gateway.observability.config import ObservabilityConfig
from gateway.observability.labels import BoundedLabels, clip
from gateway.observability.metrics import Metrics, metrics
from gateway.observability.record import RequestRecord, current_record
from gateway.observability.request_log import RequestLog
from gateway.observability.tracing import Tracing
from gateway.persisted.store import MemoryStore
from gateway.request import Outcome, RequestContext
from gateway.steps.base import Step

if TYPE_CHECKING:
    from gateway.documents import ValidDocument
    from gateway.pipeline import Gateway, Prepared

__all__ = [
    "CLIENT_NAME",
    "CLIENT_VERSION",
    "REQUEST_ID",
    "ObservabilityStep",
    "observability_step",
    "valid_request_id",
]

#: The headers Apollo's clients (iOS, Kotlin, Web) send to name themselves.
CLIENT_NAME = "apollographql-client-name"
CLIENT_VERSION = "apollographql-client-version"
#: The request id: accepted from the client (or a proxy) when well-formed, else generated.
REQUEST_ID = "x-request-id"
_REQUEST_ID_FORM = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")
_KEY = "observability"
#: How often (seconds) the gateway's own counters are read between scrapes.
_READOUT_INTERVAL = 1.0


def valid_request_id(value: str | None) -> bool:
    """Whether a client's request id is safe to log and echo (no spaces, no controls)."""
    return value is not None and _REQUEST_ID_FORM.fullmatch(value) is not None


def new_request_id() -> str:
    return uuid.uuid4().hex


class ObservabilityStep(Step):
    """Records each operation per ``ObservabilityConfig``; ``mode`` picks the log format."""

    def __init__(self, config: ObservabilityConfig, mode: str = "dev") -> None:
        self.metrics: Metrics | None = metrics() if config.metrics.enabled else None
        self.tracing = Tracing(config.tracing) if config.tracing.enabled else None
        log = config.request_log
        fmt = log.format or ("text" if mode == "dev" else "json")
        self.log = RequestLog(fmt) if log.enabled else None
        self.operations = BoundedLabels(config.metrics.max_operation_names)
        self.clients = BoundedLabels(config.metrics.max_clients)
        # The gateway's codes are a fixed set; a subgraph's or an application's are not.
        self.codes = BoundedLabels(100)
        #: The gateway whose caches and counters ``read_gateway`` reads (``bind``).
        self.gateway: Gateway | None = None
        self._next_readout = 0.0
        self._seen: dict[tuple[str, str], int] = {}
        # Per (subgraph, outcome): its metrics' children, looked up once (subgraph names
        # come from the supergraph, outcomes are four: the dict stays small).
        self._fetch_children: dict[tuple[str, str], tuple[Any, Any, Any]] = {}
        self.active = self.metrics is not None or self.tracing is not None or self.log is not None

    def bind(self, gateway: Gateway) -> None:
        """Read ``gateway``'s caches and counters from now on."""
        self.gateway = gateway

    # -- the points of a request ------------------------------------------------------

    async def request_received(self, context: RequestContext) -> None:
        if not self.active:
            return
        headers = context.headers
        request_id = headers.get(REQUEST_ID)
        if not valid_request_id(request_id):
            request_id = new_request_id()
        record = RequestRecord(
            self,
            time.perf_counter(),
            request_id,  # type: ignore[arg-type]  # valid_request_id: a str
            clip(headers.get(CLIENT_NAME)),
            clip(headers.get(CLIENT_VERSION)),
        )
        context.state[_KEY] = record
        current_record.set(record)
        if self.tracing is not None:
            record.span, record.span_context = self.tracing.start_request(
                "graphql.operation", headers
            )

    async def document_resolved(self, context: RequestContext, text: str) -> None:
        record: RequestRecord | None = context.state.get(_KEY)
        if record is None:
            return
        record.text = text
        gateway = self.gateway
        if gateway is not None and self.metrics is not None:
            # Read before ``DocumentCache.get`` runs (no await in between): a membership
            # test does not touch the LRU order. The cache counts nothing itself.
            cached = text in gateway.state.documents.cache
            record.document_cached = cached
            self.metrics.cache_lookups.labels("document", "hit" if cached else "miss").inc()
        if record.span is not None:
            record.phase_start_ns = time.time_ns()

    async def validated(self, context: RequestContext, document: ValidDocument) -> None:
        record: RequestRecord | None = context.state.get(_KEY)
        if record is None or record.span_context is None or self.tracing is None:
            return
        span = self.tracing.child("graphql.validate", record.span_context, record.phase_start_ns)
        if record.document_cached is not None:
            span.set_attribute("graphql.document.cached", record.document_cached)
        span.end()
        record.phase_start_ns = time.time_ns()

    async def planned(self, context: RequestContext, prepared: Prepared) -> None:
        record: RequestRecord | None = context.state.get(_KEY)
        if record is None:
            return
        name = prepared.operation.name
        record.operation_name = name.value if name is not None else ""
        record.kind = prepared.kind
        if record.span_context is not None and self.tracing is not None:
            self.tracing.child("graphql.plan", record.span_context, record.phase_start_ns).end()
        if record.span is not None:
            record.span.update_name(f"{record.kind} {record.operation_name}".rstrip())
            record.span.set_attribute("graphql.operation.type", record.kind)
            record.span.set_attribute("graphql.operation.name", record.operation_name)
        if prepared.kind == "subscription":
            if self.metrics is not None:
                label = self.operations.get(record.operation_name)
                self.metrics.subscriptions.labels(label).inc()
            self._finish(record, context, 200, "subscribed", [])

    async def response_ready(self, context: RequestContext, outcome: Outcome) -> None:
        record: RequestRecord | None = context.state.get(_KEY)
        if record is None:
            return
        errors = outcome.body.get("errors")
        codes = _error_codes(errors) if errors else []
        result = "refused" if not outcome.executed else "errors" if errors else "ok"
        self._finish(record, context, outcome.status, result, codes)

    # -- the transport's hook ---------------------------------------------------------

    def fetched(self, subgraph: str, outcome: str, seconds: float) -> None:
        """One subgraph request ended (``gateway.observability.fetch``)."""
        children = self._fetch_children.get((subgraph, outcome))
        if children is None:
            if self.metrics is None:
                return
            children = self._fetch_children[(subgraph, outcome)] = _fetch_children(
                self.metrics, subgraph, outcome
            )
        count, duration, error = children
        count.inc()
        duration.observe(seconds)
        if error is not None:
            error.inc()

    # -- the end of an operation ------------------------------------------------------

    def _finish(
        self,
        record: RequestRecord,
        context: RequestContext,
        status: int,
        result: str,
        codes: list[str],
    ) -> None:
        duration = time.perf_counter() - record.start
        m = self.metrics
        if m is not None:
            operation = self.operations.get(record.operation_name)
            client, version = self.clients.pair(record.client_name, record.client_version)
            m.requests.labels(operation, client, version, result).inc()
            m.request_duration.labels(operation).observe(duration)
            if result == "refused":
                for code in codes:
                    m.refusals.labels(self.codes.get(code)).inc()
            if record.start >= self._next_readout:
                self.read_gateway()
        span = record.span
        if span is not None:
            span.set_attribute("graphql.outcome", result)
            span.set_attribute("gateway.request_id", record.request_id)
            if codes:
                span.set_attribute("graphql.error.codes", codes)
            if result != "ok":
                span.set_status(Status(StatusCode.ERROR, ",".join(codes) or result))
            span.end()
        if self.log is not None:
            self.log.write(_log_fields(record, context, status, result, codes, duration))

    def read_gateway(self) -> None:
        """Copy the gateway's own counters and sizes into the metrics (each scrape, and
        at most once a second on the request path)."""
        self._next_readout = time.perf_counter() + _READOUT_INTERVAL
        gateway, m = self.gateway, self.metrics
        if gateway is None or m is None:
            return
        state = gateway.state
        # The plan and cost caches are private to the state: read, never changed.
        caches: dict[str, BoundedCache[Any, Any]] = {
            "document": state.documents.cache,
            "plan": state._plans,
            "cost": state._costs,
        }
        for name, cache in caches.items():
            m.cache_entries.labels(name).set(len(cache))
            m.cache_bytes.labels(name).set(cache.weight)
            if name != "document":  # counted per request where the document is resolved
                # Keyed by the cache itself: a reload starts new caches from zero.
                for result, total in (("hit", cache.hits), ("miss", cache.misses)):
                    seen = (f"cache-{result}", f"{name}:{id(cache)}")
                    self._add(m.cache_lookups.labels(name, result), seen, total)
        store = gateway.persisted.store
        if isinstance(store, MemoryStore):
            m.cache_bytes.labels("apq").set(store.weight)
        m.websockets.set(len(gateway.websockets))
        m.subscriptions_open.set(gateway.websockets.streams())
        self._add(
            m.subscription_events, ("subscriptions", "events"), gateway.websockets.events_sent
        )
        # Shared upstreams and dropped slow consumers (every transport: the hub's).
        m.subscription_upstreams.set(len(gateway.subscription_hub))
        self._add(m.slow_consumers, ("subscriptions", "slow"), gateway.subscription_hub.dropped)
        for result, count in gateway.persisted.stats.items():
            self._add(m.persisted.labels(result), ("persisted", result), count)
        shared = (("inbound", gateway._in_flight), ("subgraph", gateway.transport._in_flight))
        for kind, in_flight in shared:
            self._add(m.dedup_hits.labels(kind), ("dedup", kind), in_flight.hits)

    def _add(self, counter: Any, key: tuple[str, str], total: int) -> None:
        """Advance ``counter`` to ``total`` (the gateway's counters only grow)."""
        delta = total - self._seen.get(key, 0)
        if delta > 0:
            counter.inc(delta)
            self._seen[key] = total

    async def close(self) -> None:
        if self.tracing is not None:
            self.tracing.close()


def _fetch_children(m: Metrics, subgraph: str, outcome: str) -> tuple[Any, Any, Any]:
    error = None
    if outcome != "ok":
        kind = "graphql" if outcome == "errors" else outcome
        error = m.subgraph_errors.labels(subgraph, kind)
    return (
        m.subgraph_requests.labels(subgraph, outcome),
        m.subgraph_duration.labels(subgraph),
        error,
    )


def _error_codes(errors: Any) -> list[str]:
    """The distinct ``extensions.code`` values of a response's errors (at most 10)."""
    codes: list[str] = []
    if isinstance(errors, list):
        for error in errors:
            ext = error.get("extensions") if isinstance(error, dict) else None
            code = ext.get("code") if isinstance(ext, dict) else None
            if isinstance(code, str) and code not in codes:
                codes.append(clip(code))
                if len(codes) == 10:
                    break
    return codes


def _log_fields(
    record: RequestRecord,
    context: RequestContext,
    status: int,
    result: str,
    codes: list[str],
    duration: float,
) -> dict[str, Any]:
    text = record.text
    fields: dict[str, Any] = {
        "request_id": record.request_id,
        "operation": record.operation_name,
        "operation_hash": hashlib.sha256(text.encode()).hexdigest() if text else "",
        "operation_type": record.kind,
        "client_name": record.client_name,
        "client_version": record.client_version,
        "transport": context.transport,
        "status": status,
        "outcome": result,
        "duration_ms": round(duration * 1000, 3),
        "subgraph_calls": record.subgraph_calls,
        "subgraph_errors": record.subgraph_errors,
        "error_codes": codes,
    }
    if record.span is not None:
        fields["trace_id"] = format(record.span.get_span_context().trace_id, "032x")
    return fields


def observability_step(gateway: Gateway) -> ObservabilityStep | None:
    """The gateway's observability step (None if it has none)."""
    return next((s for s in gateway.steps if isinstance(s, ObservabilityStep)), None)
