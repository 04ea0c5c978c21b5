"""Where cached responses live: one small interface, two real implementations.

``ResponseStore`` keeps bytes under a key for a time to live, each entry tagged with the
entities it contains; ``purge(tags)`` drops every entry carrying any of the tags.
``MemoryStore`` (here) serves one process, bounded in bytes like the gateway's other
caches (``gateway.caches``); ``RedisStore`` (``redis_store.py``) is shared by replicas.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Protocol

#: Estimated bytes of an entry besides its body and key (tuple, floats, tag set).
ENTRY_OVERHEAD = 512


class ResponseStore(Protocol):
    async def get(self, key: str) -> bytes | None: ...

    async def put(self, key: str, value: bytes, ttl: int, tags: Iterable[str]) -> None: ...

    async def purge(self, tags: Iterable[str]) -> int:
        """Drop every entry tagged with any of ``tags``; how many were dropped (as far
        as the store knows)."""
        ...

    async def close(self) -> None: ...


class MemoryStore:
    """Entries in this process, bounded in bytes (``max_bytes``, an estimate: body, key
    and bookkeeping): the least recently used go first. Each entry expires after its own
    TTL (checked when read); an entry over ``max_entry_bytes`` is not stored.

    Not ``gateway.caches.BoundedCache``: entries must leave the tag index when evicted,
    so eviction is done here (an ``OrderedDict`` in use order).
    """

    def __init__(
        self,
        *,
        max_bytes: int,
        max_entry_bytes: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self._clock = clock
        #: key -> (expires at, body, tags, weight), least recently used first.
        self._entries: OrderedDict[str, tuple[float, bytes, frozenset[str], int]] = OrderedDict()
        #: tag -> keys of the entries carrying it.
        self._tagged: dict[str, set[str]] = {}
        self.weight = 0

    async def get(self, key: str) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if self._clock() >= entry[0]:
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return entry[1]

    async def put(self, key: str, value: bytes, ttl: int, tags: Iterable[str]) -> None:
        weight = ENTRY_OVERHEAD + len(key) + len(value)
        if key in self._entries:
            self._drop(key)
        if weight > self.max_entry_bytes or weight > self.max_bytes:
            return
        while self._entries and self.weight + weight > self.max_bytes:
            self._drop(next(iter(self._entries)))
        tag_set = frozenset(tags)
        self._entries[key] = (self._clock() + ttl, value, tag_set, weight)
        self.weight += weight
        for tag in tag_set:
            self._tagged.setdefault(tag, set()).add(key)

    async def purge(self, tags: Iterable[str]) -> int:
        dropped = 0
        for tag in tags:
            for key in list(self._tagged.get(tag, ())):
                self._drop(key)
                dropped += 1
        return dropped

    def _drop(self, key: str) -> None:
        _expires, _value, tags, weight = self._entries.pop(key)
        self.weight -= weight
        for tag in tags:
            keys = self._tagged.get(tag)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._tagged[tag]

    def __len__(self) -> int:
        return len(self._entries)

    async def close(self) -> None:
        self._entries.clear()
        self._tagged.clear()
        self.weight = 0
