"""Work that must run to its end even when the request that started it is cancelled.

A mutation is one: when its client disconnects (``gateway.http.disconnect``) the
request is cancelled, but stopping the mutation half-way — its subgraph fetches sent,
their answers not awaited, the next step of a sequence not run — would leave the writes
half done. ``Detached.run`` shields the work from the caller's cancellation; the gateway
waits for the work still running when it closes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any, TypeVar

T = TypeVar("T")

log = logging.getLogger(__name__)


class Detached:
    def __init__(self) -> None:
        self._running: set[asyncio.Future[Any]] = set()

    async def run(self, work: Awaitable[T]) -> T:
        """``work``'s result; cancelling the caller leaves ``work`` running."""
        task = asyncio.ensure_future(work)
        self._running.add(task)
        task.add_done_callback(self._finished)
        return await asyncio.shield(task)

    def _finished(self, task: asyncio.Future[Any]) -> None:
        self._running.discard(task)
        if not task.cancelled() and task.exception() is not None:
            # Retrieved here: when the caller has left, nobody else will read it.
            log.debug("detached work failed after its caller left", exc_info=task.exception())

    @property
    def running(self) -> int:
        return len(self._running)

    async def close(self, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for the work still running, then cancel it."""
        if not self._running:
            return
        _, late = await asyncio.wait(set(self._running), timeout=timeout)
        for task in late:
            task.cancel()
        if late:
            log.warning("cancelled %d mutation(s) still running at shutdown", len(late))
