"""``/health`` (liveness) and ``/ready`` (readiness) for orchestrators and load balancers.

``/health`` answers 200 while the process serves HTTP at all: restart it when this fails.
``/ready`` answers 200 only when a supergraph is loaded and every subgraph answered within
``server.ready_timeout_seconds``; otherwise 503 with what is missing, so a load balancer
sends no traffic to a replica that could only return errors.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gateway.pipeline import Gateway

logger = logging.getLogger("gateway.http")

_NO_CACHE = {"Cache-Control": "no-store"}


async def health(request: Request) -> Response:
    """Liveness: the process is up and serving HTTP."""
    return JSONResponse({"status": "ok"}, headers=_NO_CACHE)


class Readiness:
    """The ``/ready`` endpoint; ``gateway`` returns the engine, or None while starting."""

    def __init__(self, gateway: Callable[[], Gateway | None], timeout_seconds: float) -> None:
        self.gateway = gateway
        self.timeout_seconds = timeout_seconds

    async def respond(self, request: Request) -> Response:
        """The endpoint (route it as ``Route('/ready', readiness.respond)``)."""
        gateway = self.gateway()
        if gateway is None or not gateway.is_ready():
            return self._answer(False, supergraph=False, subgraphs={})
        try:
            subgraphs = await asyncio.wait_for(gateway.check_subgraphs(), self.timeout_seconds)
        except TimeoutError:
            return self._answer(False, supergraph=True, subgraphs={}, reason="timeout")
        except Exception:
            logger.exception("checking the subgraphs failed")
            return self._answer(False, supergraph=True, subgraphs={}, reason="check failed")
        return self._answer(all(subgraphs.values()), supergraph=True, subgraphs=subgraphs)

    @staticmethod
    def _answer(
        ready: bool, *, supergraph: bool, subgraphs: dict[str, bool], reason: str | None = None
    ) -> Response:
        body: dict[str, object] = {
            "status": "ready" if ready else "unavailable",
            "supergraph": supergraph,
            "subgraphs": subgraphs,
        }
        if reason:
            body["reason"] = reason
        return JSONResponse(body, status_code=200 if ready else 503, headers=_NO_CACHE)
