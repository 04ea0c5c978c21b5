"""Share one piece of async work among identical concurrent callers.

Used twice: identical in-flight client queries share one execution (inbound), and
identical in-flight subgraph queries share one HTTP request (outbound). The first caller
does the work; callers arriving while it runs await the same result (or exception).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class InFlight(Generic[T]):
    def __init__(self) -> None:
        self._pending: dict[Hashable, asyncio.Future[T]] = {}
        #: Callers that shared another's work (read by gateway.observability).
        self.hits = 0

    async def run(self, key: Hashable, work: Callable[[], Awaitable[T]]) -> T:
        pending = self._pending.get(key)
        if pending is not None:
            self.hits += 1
            # shield: one waiter's cancellation must not cancel the shared work.
            return await asyncio.shield(pending)
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        try:
            result = await work()
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # retrieved: waiters re-raise it themselves
            raise
        else:
            future.set_result(result)
            return result
        finally:
            del self._pending[key]
