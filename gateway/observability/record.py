"""What observability learns about one operation while it runs, and where to find it.

The step creates a ``RequestRecord`` when an operation arrives and fills it at each point
of the pipeline; the subgraph transport's hook (``gateway.observability.fetch``) adds each
subgraph request to it. The hook has no ``RequestContext`` to read, so the record is also
in a context variable: set in the operation's own task (a batch item's task, or the
request's), it is seen by every fetch that task makes and by no other request.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opentelemetry.context import Context
    from opentelemetry.trace import Span

    from gateway.observability.step import ObservabilityStep


class RequestRecord:
    """One operation's facts for its metrics, spans and log line (never its variables)."""

    __slots__ = (
        "client_name",
        "client_version",
        "document_cached",
        "kind",
        "operation_hash",
        "operation_name",
        "phase_start_ns",
        "request_id",
        "span",
        "span_context",
        "start",
        "step",
        "subgraph_calls",
        "subgraph_errors",
        "text",
    )

    def __init__(
        self,
        step: ObservabilityStep,
        start: float,
        request_id: str,
        client_name: str,
        client_version: str,
    ) -> None:
        self.step = step
        #: ``time.perf_counter()`` when the operation arrived.
        self.start = start
        self.request_id = request_id
        self.client_name = client_name
        self.client_version = client_version
        #: The validated operation's name ("" until validated, or when anonymous).
        self.operation_name = ""
        #: "query", "mutation" or "subscription" once planned.
        self.kind = ""
        #: The persisted id, or the SHA-256 of the text (computed for the log line only).
        self.operation_hash = ""
        #: The document text (kept to hash it at the end; never logged).
        self.text: str | None = None
        #: Whether the document was already parsed and validated (the document cache).
        self.document_cached: bool | None = None
        self.subgraph_calls = 0
        self.subgraph_errors = 0
        #: The request's span and the context that makes it its children's parent
        #: (None when tracing is off).
        self.span: Span | None = None
        self.span_context: Context | None = None
        #: ``time.time_ns()`` when the current phase (validate, plan) began, for its span.
        self.phase_start_ns = 0


#: The record of the operation running in this task (None: no operation, or metrics,
#: tracing and the request log are all off).
current_record: ContextVar[RequestRecord | None] = ContextVar(
    "gateway_observability_record", default=None
)


#: The response path of the fetch being sent (``course.instructor``; empty for a root
#: fetch), set by the executor around each subgraph request: spans name it.
current_fetch_path: ContextVar[str] = ContextVar("gateway_fetch_path", default="")
