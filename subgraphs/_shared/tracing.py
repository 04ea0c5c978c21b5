"""Trace continuation: a subgraph's request joins the gateway's trace (W3C ``traceparent``).

``TraceContinuation`` is pure ASGI middleware. When the app has a tracer provider
(``app.state.tracer_provider``), each HTTP request gets a server span, a child of the
``traceparent`` the gateway sent; without one it passes requests through untouched.
``tracer_provider_from_environment`` makes one exporting over OTLP/HTTP when the standard
``OTEL_EXPORTER_OTLP_ENDPOINT`` (or ``..._TRACES_ENDPOINT``) variable is set.
"""

from __future__ import annotations

import os

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import SpanKind, use_span
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from starlette.types import ASGIApp, Receive, Scope, Send

_PROPAGATOR = TraceContextTextMapPropagator()
_ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")


def tracer_provider_from_environment(name: str) -> TracerProvider | None:
    """An OTLP-exporting provider for subgraph ``name`` when an OTLP endpoint is set."""
    if not any(os.environ.get(variable) for variable in _ENDPOINT_VARIABLES):
        return None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    provider = TracerProvider(resource=Resource.create({"service.name": name}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    return provider


class TraceContinuation:
    """Each HTTP request in a span continuing the caller's trace (when tracing is on)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        owner = scope.get("app")
        provider = getattr(getattr(owner, "state", None), "tracer_provider", None)
        if scope["type"] != "http" or not isinstance(provider, TracerProvider):
            await self.app(scope, receive, send)
            return
        headers = {
            name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]
        }
        parent = _PROPAGATOR.extract(headers)
        span = provider.get_tracer("subgraph").start_span(
            f"{scope['method']} {scope['path']}", context=parent, kind=SpanKind.SERVER
        )
        with use_span(span, end_on_exit=True):
            await self.app(scope, receive, send)
