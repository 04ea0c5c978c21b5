"""The gateway's Prometheus metrics: the families, their registry, the text exposition.

Families are created once per process (Prometheus names are process-wide) in a registry
of their own, shared by every ``Gateway`` of the process. With several worker processes
(``server.workers`` > 1) each worker writes its values to files in
``PROMETHEUS_MULTIPROC_DIR`` (prometheus-client's multiprocess mode) and ``/metrics``
sums the files, so any worker answering the scrape reports the whole server:
``prepare_multiprocess`` (called by ``serve`` before the workers start) sets it up.

Every label value is bounded (``gateway.observability.labels``): operation names are the
validated ones, up to a number of distinct names; client name/version pairs likewise;
error codes are the gateway's; subgraph names come from the supergraph.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector

__all__ = ["CONTENT_TYPE", "Metrics", "exposition", "metrics", "prepare_multiprocess"]

#: The environment variable of prometheus-client's multiprocess mode.
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST

# A benchmark request takes about a millisecond: the default buckets start at 5 ms.
_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class Metrics:
    """Every metric family of the gateway (one instance per process: ``metrics()``)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        r = registry
        self.requests = Counter(
            "gateway_requests",
            "GraphQL operations by operation name, client and outcome "
            "(ok, errors: executed with errors, refused: not executed).",
            ["operation", "client_name", "client_version", "outcome"],
            registry=r,
        )
        self.request_duration = Histogram(
            "gateway_request_duration_seconds",
            "Time from an operation's arrival to its response, by operation name.",
            ["operation"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.refusals = Counter(
            "gateway_request_refusals",
            "Operations refused before execution, by error code (limits, cost, persisted "
            "queries, authentication, rate limits).",
            ["code"],
            registry=r,
        )
        self.subgraph_requests = Counter(
            "gateway_subgraph_requests",
            "Requests to subgraphs by subgraph and outcome (ok, errors, timeout, failed).",
            ["subgraph", "outcome"],
            registry=r,
        )
        self.subgraph_duration = Histogram(
            "gateway_subgraph_request_duration_seconds",
            "Duration of one request to a subgraph.",
            ["subgraph"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.subgraph_errors = Counter(
            "gateway_subgraph_errors",
            "Subgraph requests that failed (timeout, failed: no GraphQL response) or "
            "answered with GraphQL errors (graphql).",
            ["subgraph", "kind"],
            registry=r,
        )
        self.cache_lookups = Counter(
            "gateway_cache_lookups",
            "Lookups in the gateway's caches (document: parsed and validated documents).",
            ["cache", "result"],
            registry=r,
        )
        self.cache_entries = Gauge(
            "gateway_cache_entries",
            "Entries in the gateway's caches (document, plan, cost).",
            ["cache"],
            multiprocess_mode="livesum",
            registry=r,
        )
        self.cache_bytes = Gauge(
            "gateway_cache_bytes",
            "Estimated bytes held by the gateway's caches (document, plan, cost, apq: the "
            "in-process APQ store).",
            ["cache"],
            multiprocess_mode="livesum",
            registry=r,
        )
        self.persisted = Counter(
            "gateway_persisted_queries",
            "Persisted-query resolutions: manifest, apq_hit, apq_miss, apq_registered, "
            "unknown, refused (allowlist), bypass.",
            ["result"],
            registry=r,
        )
        self.dedup_hits = Counter(
            "gateway_inflight_dedup_hits",
            "Requests that shared an identical in-flight one (inbound: client operations; "
            "subgraph: subgraph requests).",
            ["kind"],
            registry=r,
        )
        self.websockets = Gauge(
            "gateway_websocket_connections",
            "Open graphql-transport-ws connections.",
            multiprocess_mode="livesum",
            registry=r,
        )
        self.subscriptions_open = Gauge(
            "gateway_subscriptions_open",
            "Subscriptions open now (graphql-transport-ws).",
            multiprocess_mode="livesum",
            registry=r,
        )
        self.subscription_events = Counter(
            "gateway_subscription_events",
            "Subscription events delivered to clients.",
            registry=r,
        )
        self.subscriptions = Counter(
            "gateway_subscriptions_started",
            "Subscriptions started, by operation name.",
            ["operation"],
            registry=r,
        )
        self.subscription_upstreams = Gauge(
            "gateway_subscription_upstreams",
            "Upstream subscriptions open now (identical subscriptions share one).",
            multiprocess_mode="livesum",
            registry=r,
        )
        self.slow_consumers = Counter(
            "gateway_subscription_slow_consumers",
            "Subscribers dropped for falling too far behind their events.",
            registry=r,
        )


_metrics: Metrics | None = None


def metrics() -> Metrics:
    """The process's metric families, created on first use."""
    global _metrics
    if _metrics is None:
        _metrics = Metrics(CollectorRegistry(auto_describe=True))
    return _metrics


def exposition() -> bytes:
    """The Prometheus text exposition: this process's metrics, or, in multiprocess mode,
    the sum over every worker's files."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest(metrics().registry)


def prepare_multiprocess() -> str:
    """Before worker processes start: a directory for their metric files, emptied (the
    files of a previous run would be summed in). ``PROMETHEUS_MULTIPROC_DIR`` if set,
    else a new temporary directory; the workers inherit the variable."""
    directory = os.environ.get(MULTIPROC_ENV)
    if directory:
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()
    else:
        directory = tempfile.mkdtemp(prefix="gateway-metrics-")
        os.environ[MULTIPROC_ENV] = directory
    return directory


def remove_multiprocess_dir(directory: str) -> None:
    """After the workers stopped: remove a directory ``prepare_multiprocess`` created."""
    shutil.rmtree(directory, ignore_errors=True)
