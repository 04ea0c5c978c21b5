"""Where APQ operation texts live: one small interface, two real implementations.

``MemoryStore`` (this module) serves one process; ``RedisStore`` (``redis_store.py``) is
shared by every replica. Both keep entries for a bounded time, so a registration is a
cache entry, never a commitment: a miss makes the client send the text again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from cachetools import TTLCache

__all__ = ["APQStore", "MemoryStore"]


class APQStore(Protocol):
    """Operation texts by id. Failures are the store's to absorb: ``get`` answers None
    and ``set`` gives up rather than failing the request (the client can always resend) —
    unless configured to fail closed (``RedisStore``), when they raise
    ``PersistedQueryStoreUnavailable``."""

    async def get(self, operation_id: str) -> str | None: ...

    async def set(self, operation_id: str, text: str) -> None: ...

    async def close(self) -> None: ...


class MemoryStore:
    """An in-process LRU of operation texts, each kept at most ``ttl_seconds``."""

    def __init__(
        self,
        size: int = 4096,
        ttl_seconds: float | None = 86_400,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        # TTLCache evicts the least recently used entry when full, and expired ones.
        ttl = ttl_seconds if ttl_seconds is not None else float("inf")
        self._entries: TTLCache[str, str] = TTLCache(maxsize=size, ttl=ttl, timer=timer)

    async def get(self, operation_id: str) -> str | None:
        return self._entries.get(operation_id)

    async def set(self, operation_id: str, text: str) -> None:
        self._entries[operation_id] = text

    async def close(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
