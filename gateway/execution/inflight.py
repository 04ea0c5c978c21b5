"""Share one piece of async work among identical concurrent callers.

Used twice: identical in-flight client queries share one execution (inbound), and
identical in-flight subgraph queries share one HTTP request (outbound). The first caller
starts the work as a task; callers arriving while it runs await the same result (or
exception).

A caller that is cancelled (its client disconnected: ``gateway.http.disconnect``) leaves
the work running for the others; when the last caller has left, nobody needs the result
and the work is cancelled too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class _Shared(Generic[T]):
    task: asyncio.Future[T]
    waiters: int = 0


class InFlight(Generic[T]):
    def __init__(self) -> None:
        self._pending: dict[Hashable, _Shared[T]] = {}
        #: Callers that shared another's work (read by gateway.observability).
        self.hits = 0

    async def run(self, key: Hashable, work: Callable[[], Awaitable[T]]) -> T:
        shared = self._pending.get(key)
        if shared is None:
            shared = self._pending[key] = _Shared(asyncio.ensure_future(work()))
            shared.task.add_done_callback(lambda _: self._forget(key, shared))
        else:
            self.hits += 1
        shared.waiters += 1
        try:
            # shield: one waiter's cancellation must not cancel the shared work.
            return await asyncio.shield(shared.task)
        finally:
            shared.waiters -= 1
            if shared.waiters == 0 and not shared.task.done():
                shared.task.cancel()  # every caller left: nobody needs it any more

    def _forget(self, key: Hashable, shared: _Shared[T]) -> None:
        if self._pending.get(key) is shared:
            del self._pending[key]
