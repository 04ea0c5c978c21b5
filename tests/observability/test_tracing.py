"""One operation's span tree, through the running gateway and into the real subgraphs,
collected with the OpenTelemetry SDK's in-memory exporter."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from tests.observability.helpers import COURSE, Observed, observed_platform

TRACING = {"tracing": {"enabled": True, "exporter": "none"}}
#: A caller's W3C trace context (the spec's example): the gateway continues this trace.
CALLER_TRACE = "0af7651916cd43dd8448eb211c80319c"
CALLER_SPAN = "b7ad6b7169203331"


@contextmanager
def collected(platform: Observed) -> Iterator[tuple[InMemorySpanExporter, InMemorySpanExporter]]:
    """The gateway's spans, and every subgraph's, in two in-memory exporters."""
    gateway_spans, subgraph_spans = InMemorySpanExporter(), InMemorySpanExporter()
    if platform.step.tracing is not None:
        platform.step.tracing.provider.add_span_processor(SimpleSpanProcessor(gateway_spans))
    providers = []
    for app in platform.subgraphs.apps.values():
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(subgraph_spans))
        app.state.tracer_provider = provider
        providers.append(provider)
    try:
        yield gateway_spans, subgraph_spans
    finally:
        for provider in providers:
            provider.shutdown()


def children(spans: tuple[ReadableSpan, ...], parent: ReadableSpan) -> list[ReadableSpan]:
    return [s for s in spans if s.parent is not None and s.parent.span_id == parent.context.span_id]


async def test_one_request_one_span_tree_continued_by_the_subgraphs() -> None:
    async with observed_platform(observability=TRACING) as platform:
        with collected(platform) as (gateway_exporter, subgraph_exporter):
            course = platform.data.courses[0]["id"]
            async with httpx.AsyncClient() as http:
                response = await http.post(
                    platform.url,
                    json={"query": COURSE, "variables": {"id": course}},
                    headers={"traceparent": f"00-{CALLER_TRACE}-{CALLER_SPAN}-01"},
                )
            assert response.status_code == 200
            assert "errors" not in response.json()
            spans = gateway_exporter.get_finished_spans()
            subgraph_spans = subgraph_exporter.get_finished_spans()

    (root,) = [s for s in spans if s.name == "query CourseCard"]
    assert root.kind == SpanKind.SERVER
    # The caller's trace continues: same trace id, the caller's span as parent.
    assert format(root.context.trace_id, "032x") == CALLER_TRACE
    assert root.parent is not None and format(root.parent.span_id, "016x") == CALLER_SPAN
    assert root.attributes is not None
    assert root.attributes["graphql.operation.name"] == "CourseCard"
    assert root.attributes["graphql.operation.type"] == "query"
    assert root.attributes["graphql.outcome"] == "ok"
    names = sorted(s.name for s in children(spans, root))
    assert names == [
        "graphql.plan",
        "graphql.shape",
        "graphql.validate",
        "subgraph courses",
        "subgraph users",
    ]
    assert len(spans) == 6  # the tree and nothing else
    # Each fetch span names its subgraph and where its answer goes in the response.
    fetches = {s.name: s.attributes or {} for s in spans if s.name.startswith("subgraph ")}
    assert fetches["subgraph courses"]["graphql.fetch.path"] == ""
    assert fetches["subgraph users"]["graphql.fetch.path"] == "course.instructor"
    # Phases are in order and inside the request.
    by_name = {s.name: s for s in spans}
    order = ["graphql.validate", "graphql.plan", "subgraph courses", "subgraph users"]
    starts = [by_name[n].start_time or 0 for n in order]
    assert starts == sorted(starts)
    assert all((root.start_time or 0) <= t for t in starts)
    assert all((s.end_time or 0) <= (root.end_time or 0) for s in spans)

    # Each subgraph continued the trace under the gateway's span for its request.
    assert len(subgraph_spans) == 2
    for span in subgraph_spans:
        assert span.kind == SpanKind.SERVER
        assert span.context.trace_id == root.context.trace_id
        assert span.parent is not None
        parent = next(s for s in spans if s.context.span_id == span.parent.span_id)
        assert parent.name.startswith("subgraph ")
        assert parent.kind == SpanKind.CLIENT


async def test_tracing_off_makes_no_span_and_sends_no_traceparent() -> None:
    async with observed_platform() as platform:
        assert platform.step.tracing is None
        with collected(platform) as (_gateway, subgraph_exporter):
            course = platform.data.courses[0]["id"]
            async with httpx.AsyncClient() as http:
                response = await http.post(
                    platform.url, json={"query": COURSE, "variables": {"id": course}}
                )
            assert response.status_code == 200
            subgraph_spans = subgraph_exporter.get_finished_spans()
    # The subgraphs traced their requests, but nothing came from the gateway to continue.
    assert len(subgraph_spans) == 2
    assert all(span.parent is None for span in subgraph_spans)
    assert len({span.context.trace_id for span in subgraph_spans}) == 2
