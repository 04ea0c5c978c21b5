"""OpenTelemetry traces: the gateway's tracer provider and the W3C trace context.

One span per operation (``query Name``), with children for document validation, planning,
each subgraph request (``subgraph <name>``, its ``traceparent`` sent along so the subgraph
continues the trace) and shaping. When ``observability.tracing.enabled`` is off there is
no provider at all: the step never makes a span and sends no ``traceparent``.

The provider is the gateway's own, not OpenTelemetry's global one: several gateways (or
an embedding application with its own tracing) can live in one process. An incoming
``traceparent`` makes the operation's span a child of the caller's.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from contextlib import AbstractContextManager

from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased
from opentelemetry.trace import Span, SpanKind, Tracer, set_span_in_context, use_span
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from gateway.observability.config import TracingConfig
from gateway.observability.record import current_record

__all__ = ["Tracing", "shaping_span"]

_PROPAGATOR = TraceContextTextMapPropagator()


class Tracing:
    """The gateway's tracer (``provider`` accepts more span processors, e.g. tests')."""

    def __init__(self, config: TracingConfig) -> None:
        self.provider = TracerProvider(
            resource=Resource.create({"service.name": config.service_name}),
            sampler=ParentBased(TraceIdRatioBased(config.sample_ratio)),
        )
        if config.exporter == "otlp":
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            exporter = OTLPSpanExporter(endpoint=config.otlp_endpoint)
            self.provider.add_span_processor(BatchSpanProcessor(exporter))
        self.tracer: Tracer = self.provider.get_tracer("gateway")

    def start_request(self, name: str, headers: Mapping[str, str]) -> tuple[Span, Context]:
        """The operation's span (a child of the caller's ``traceparent``, if any) and
        the context its children are made in."""
        parent = _PROPAGATOR.extract(headers) if "traceparent" in headers else None
        span = self.tracer.start_span(name, context=parent, kind=SpanKind.SERVER)
        return span, set_span_in_context(span)

    def child(self, name: str, parent: Context, start_ns: int | None = None) -> Span:
        """A span under the operation's (``start_ns``: when it began, if in the past)."""
        return self.tracer.start_span(name, context=parent, start_time=start_ns)

    def close(self) -> None:
        """Export what is buffered, then stop the exporter."""
        self.provider.shutdown()


def inject(span: Span, headers: dict[str, str]) -> None:
    """Add the W3C ``traceparent`` (and ``tracestate``) of ``span`` to ``headers``."""
    _PROPAGATOR.inject(headers, context=set_span_in_context(span))


_NOTHING = contextlib.nullcontext()


def shaping_span() -> AbstractContextManager[object]:
    """A ``graphql.shape`` span around shaping, under the running operation's span; a
    shared no-op context when the operation is not traced (no allocation)."""
    record = current_record.get()
    if record is None or record.span_context is None or record.step.tracing is None:
        return _NOTHING
    span = record.step.tracing.child("graphql.shape", record.span_context)
    return use_span(span, end_on_exit=True)
