"""The HTTP subscription streams of one gateway: what ``/metrics`` counts, what closing
the gateway ends.

Each running SSE or multipart operation registers a ``stop`` callback while it runs;
``Gateway.close`` and the server's shutdown (``shutdown_all``) call them all (each stream
then ends as its protocol says: ``complete``, or the closing multipart delimiter) and
refuse new streams.
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Callable, Iterator

#: The HTTP stream transports (the websocket's are counted by its ``ConnectionRegistry``).
TRANSPORTS = ("sse", "multipart")


class StreamRegistry:
    def __init__(self) -> None:
        _REGISTRIES.add(self)
        #: Subscriptions open now, per transport.
        self.open: dict[str, int] = dict.fromkeys(TRANSPORTS, 0)
        #: Subscription events delivered, per transport (only grows).
        self.events: dict[str, int] = dict.fromkeys(TRANSPORTS, 0)
        self.closing = False
        self._stops: set[Callable[[], None]] = set()

    @contextlib.contextmanager
    def running(self, transport: str, stop: Callable[[], None]) -> Iterator[None]:
        """While an operation streams on ``transport``; ``stop`` ends it (shutdown)."""
        self.add_stop(stop)
        try:
            yield
        finally:
            self.discard_stop(stop)

    def add_stop(self, stop: Callable[[], None]) -> None:
        """Call ``stop`` when the gateway closes (until ``discard_stop``)."""
        self._stops.add(stop)

    def discard_stop(self, stop: Callable[[], None]) -> None:
        self._stops.discard(stop)

    @contextlib.contextmanager
    def subscription(self, transport: str) -> Iterator[None]:
        """Count one open subscription on ``transport`` while the block runs."""
        self.open[transport] += 1
        try:
            yield
        finally:
            self.open[transport] -= 1

    def delivered(self, transport: str) -> None:
        self.events[transport] += 1

    def shutdown(self) -> None:
        """Stop every running stream; later ones are refused (``closing``)."""
        self.closing = True
        for stop in list(self._stops):
            stop()


#: Every registry of this process, so that the server's shutdown can end their streams.
_REGISTRIES: weakref.WeakSet[StreamRegistry] = weakref.WeakSet()


def shutdown_all() -> None:
    """End every HTTP stream of this process (the server is shutting down): unlike a
    websocket, which uvicorn closes with 1012 at once, a streamed response would otherwise
    hold the shutdown for ``server.graceful_shutdown_seconds`` and then be cut."""
    for registry in list(_REGISTRIES):
        registry.shutdown()
