"""Configuration of observability: Prometheus metrics, OpenTelemetry traces, request logs."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MetricsConfig(_Section):
    #: Expose Prometheus metrics at ``path``. Off: no route, and no metric is recorded.
    enabled: bool = True
    #: The route of the Prometheus text exposition.
    path: str = "/metrics"
    #: Most distinct operation names used as a label; names seen after that are
    #: counted as ``other`` (a client inventing names cannot grow the label set).
    max_operation_names: int = Field(default=200, ge=1)
    #: Most distinct (client name, client version) pairs used as labels; later pairs are
    #: counted as ``other``.
    max_clients: int = Field(default=50, ge=1)


class TracingConfig(_Section):
    #: Send OpenTelemetry traces. Off: no span is made and no ``traceparent`` is sent.
    enabled: bool = False
    #: ``otlp``: export over OTLP/HTTP (protobuf); ``none``: spans are made and
    #: propagated but not exported (an embedding application adds its own processor).
    exporter: Literal["otlp", "none"] = "otlp"
    #: OTLP/HTTP traces URL, e.g. ``http://collector:4318/v1/traces``. Unset: the
    #: exporter's own default (``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``, else
    #: ``OTEL_EXPORTER_OTLP_ENDPOINT``, else ``http://localhost:4318/v1/traces``).
    otlp_endpoint: str | None = None
    #: The ``service.name`` resource attribute of the gateway's spans.
    service_name: str = "gateway"
    #: Fraction of new traces sampled (a request with a sampled ``traceparent`` follows
    #: its parent).
    sample_ratio: float = Field(default=1.0, ge=0.0, le=1.0)


class RequestLogConfig(_Section):
    #: One log line per operation (logger ``gateway.requests``, level INFO).
    enabled: bool = True
    #: ``json``: one JSON object per line; ``text``: a human-readable line. Unset:
    #: ``text`` in ``mode: dev``, ``json`` in ``mode: production``.
    format: Literal["json", "text"] | None = None


class ObservabilityConfig(_Section):
    #: Prometheus metrics (docs/observability.md).
    metrics: MetricsConfig = Field(default_factory=MetricsConfig)
    #: OpenTelemetry traces, W3C ``traceparent`` to the subgraphs.
    tracing: TracingConfig = Field(default_factory=TracingConfig)
    #: The per-request log line.
    request_log: RequestLogConfig = Field(default_factory=RequestLogConfig)
