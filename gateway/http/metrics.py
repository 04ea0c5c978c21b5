"""``/metrics``: the Prometheus text exposition (``observability.metrics.path``).

A scrape first copies the gateway's own counters and sizes into the metrics (caches,
persisted queries, in-flight sharing, websockets), then answers every family. With several
worker processes the answer sums all workers' files (``gateway.observability.metrics``).
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response

from gateway.observability.metrics import CONTENT_TYPE, exposition
from gateway.observability.step import observability_step
from gateway.pipeline import Gateway


class MetricsEndpoint:
    """The endpoint; ``gateway`` returns the engine, or None while starting."""

    def __init__(self, gateway: Callable[[], Gateway | None]) -> None:
        self.gateway = gateway

    async def respond(self, request: Request) -> Response:
        """Route it as ``Route(path, endpoint.respond)``."""
        gateway = self.gateway()
        step = observability_step(gateway) if gateway is not None else None
        if step is not None:
            step.read_gateway()
        return Response(
            exposition(), media_type=CONTENT_TYPE, headers={"Cache-Control": "no-store"}
        )


def bind_gateway(gateway: Gateway) -> None:
    """Let the gateway's observability step read its caches and counters."""
    step = observability_step(gateway)
    if step is not None:
        step.bind(gateway)
