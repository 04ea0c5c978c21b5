"""Where APQ operation texts live: one small interface, two real implementations.

``MemoryStore`` (this module) serves one process; ``RedisStore`` (``redis_store.py``) is
shared by every replica. Both keep entries for a bounded time, so a registration is a
cache entry, never a commitment: a miss makes the client send the text again.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Protocol

from gateway.caches import BoundedCache

__all__ = ["APQStore", "MemoryStore"]


class APQStore(Protocol):
    """Operation texts by id. Failures are the store's to absorb: ``get`` answers None
    and ``set`` gives up rather than failing the request (the client can always resend)."""

    async def get(self, operation_id: str) -> str | None: ...

    async def set(self, operation_id: str, text: str) -> None: ...

    async def close(self) -> None: ...


#: Estimated bytes of one store entry beside its id and text (the cache's bookkeeping).
ENTRY_BYTES = 256


def _weigh(operation_id: str, text: str) -> int:
    return ENTRY_BYTES + sys.getsizeof(operation_id) + sys.getsizeof(text)


class MemoryStore:
    """An in-process LRU of operation texts, each kept at most ``ttl_seconds``, at most
    ``size`` of them and at most ``max_bytes`` in all (texts and ids included)."""

    def __init__(
        self,
        size: int = 4096,
        ttl_seconds: float | None = 86_400,
        timer: Callable[[], float] = time.monotonic,
        max_bytes: int = 32 * 1024 * 1024,
    ) -> None:
        # The least recently used entries go first when either bound is reached, and
        # expired ones.
        ttl = ttl_seconds if ttl_seconds is not None else float("inf")
        self._entries: BoundedCache[str, str] = BoundedCache(
            max_entries=size,
            max_bytes=max_bytes,
            weigh=_weigh,
            max_entry_bytes=max_bytes,
            ttl_seconds=ttl,
            timer=timer,
        )

    async def get(self, operation_id: str) -> str | None:
        return self._entries.get(operation_id)

    async def set(self, operation_id: str, text: str) -> None:
        self._entries.put(operation_id, text)

    @property
    def weight(self) -> int:
        """Estimated bytes held now."""
        return self._entries.weight

    async def close(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
