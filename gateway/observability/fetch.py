"""The subgraph transport's hook: each subgraph request timed, counted and traced.

``SubgraphTransport`` wraps its one POST method with ``observe_fetches`` when it is made.
The wrapper finds the running operation's record (``current_record``): with none (no
operation, or observability off) it calls the POST as is, at the cost of one context
variable read. Otherwise it makes a ``subgraph <name>`` span under the operation's span,
sends its ``traceparent`` (on a copy of the headers: the shared ones, and the
deduplication key made from them, stay as they were), and records the duration and the
outcome: ``ok``, ``errors`` (a GraphQL response with errors), ``timeout`` or ``failed``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine
from typing import Any

from opentelemetry.trace import SpanKind, Status, StatusCode

from gateway.observability.record import current_fetch_path, current_record
from gateway.observability.tracing import inject
from gateway.types import JSONObject

__all__ = ["Post", "observe_fetches"]

#: ``SubgraphTransport._post``: (subgraph, body, headers, *policy) -> decoded response
#: (the transport's own further arguments, retry and timeout, pass through untouched).
Post = Callable[..., Coroutine[Any, Any, JSONObject]]


def observe_fetches(post: Post) -> Post:
    """``post``, timed, counted and traced for the operation running in the caller's task."""

    async def observed(
        subgraph: str, body: bytes, headers: dict[str, str], *rest: Any
    ) -> JSONObject:
        record = current_record.get()
        if record is None:
            return await post(subgraph, body, headers, *rest)
        step = record.step
        span = None
        if record.span_context is not None and step.tracing is not None:
            span = step.tracing.tracer.start_span(
                f"subgraph {subgraph}",
                context=record.span_context,
                kind=SpanKind.CLIENT,
                attributes={
                    "graphql.subgraph.name": subgraph,
                    "graphql.fetch.path": current_fetch_path.get(),
                },
            )
            headers = dict(headers)
            inject(span, headers)
        record.subgraph_calls += 1
        start = time.perf_counter()
        outcome = "ok"
        try:
            response = await post(subgraph, body, headers, *rest)
        except Exception as failure:
            # FetchFailed (gateway.execution.transport) says why in ``reason``.
            reason = str(getattr(failure, "reason", failure))
            outcome = "timeout" if reason.startswith("timed out") else "failed"
            if span is not None:
                span.set_status(Status(StatusCode.ERROR, reason))
            raise
        else:
            if response.get("errors"):
                outcome = "errors"
            return response
        finally:
            if outcome != "ok":
                record.subgraph_errors += 1
            step.fetched(subgraph, outcome, time.perf_counter() - start)
            if span is not None:
                span.set_attribute("graphql.subgraph.outcome", outcome)
                span.end()

    return observed
