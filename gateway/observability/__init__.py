"""Observability: Prometheus metrics, OpenTelemetry traces, one log line per request,
labelled by the client's name and version (docs/observability.md).

    config.py        the ``observability`` section
    step.py          the step that records each operation at the pipeline's points
    fetch.py         the subgraph transport's hook: each subgraph request
    metrics.py       the metric families, the exposition, multiprocess mode
    tracing.py       the tracer provider, W3C trace context, the shaping span
    request_log.py   the log line
    labels.py        bounded label values
    record.py        one operation's record, and the context variable that holds it
    request_id.py    the ASGI middleware: accept or make ``x-request-id``, return it
"""

from gateway.observability.config import ObservabilityConfig
from gateway.observability.step import ObservabilityStep, observability_step

__all__ = ["ObservabilityConfig", "ObservabilityStep", "observability_step"]
