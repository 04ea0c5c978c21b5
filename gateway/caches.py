"""``BoundedCache``: an LRU (optionally with a time to live) bounded in entries *and* bytes.

An entry count alone does not bound memory: one cached document can be a few hundred bytes
or a few megabytes, so 1,024 entries of attacker-chosen size are a gigabyte. Every cache of
the gateway is therefore given a byte budget, weighed by an estimate of what each entry
keeps alive (its key included: a document cache's key is the document's whole text), and
an entry heavier than ``max_entry_bytes`` is never stored at all.

The weights are estimates, measured with ``tracemalloc`` and rounded up (see each cache's
``weigh`` function); they bound memory to within a small factor, which is what matters
against an attacker, and cost nothing at lookup time.

The default budgets (not configuration yet: the engine's options are the lead's):

===================  =============  ==========  =================================
cache                entries        bytes       never stores
===================  =============  ==========  =================================
documents            plan_cache     32 MiB      texts over 64 Ki characters (refused
                                                or not); entries over 8 MiB
plans                plan_cache     32 MiB      plans weighing over 8 MiB
cost reports         plan_cache     8 MiB       entries weighing over 2 MiB
APQ memory store     persisted.*    persisted.* texts over ``max_stored_query_bytes``
===================  =============  ==========  =================================
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Generic, TypeVar

from cachetools import Cache, LRUCache, TTLCache

__all__ = [
    "COST_CACHE_BYTES",
    "DOCUMENT_CACHE_BYTES",
    "MAX_CACHED_DOCUMENT_CHARS",
    "PLAN_CACHE_BYTES",
    "BoundedCache",
]

MiB = 1024 * 1024
#: Byte budget of the parsed-and-validated documents of one supergraph state.
DOCUMENT_CACHE_BYTES = 32 * MiB
#: Longest document text (characters) the document cache stores, refused or not. Longer
#: ones are parsed on every request (the parser limits bound that work).
MAX_CACHED_DOCUMENT_CHARS = 64 * 1024
#: Byte budget of the query plans of one supergraph state.
PLAN_CACHE_BYTES = 32 * MiB
#: Byte budget of the cost estimates (their keys hold the request's variables).
COST_CACHE_BYTES = 8 * MiB

K = TypeVar("K")
V = TypeVar("V")


def _weight(entry: tuple[int, object]) -> int:
    return entry[0]


class BoundedCache(Generic[K, V]):
    """Least-recently-used entries, at most ``max_entries`` of them and at most
    ``max_bytes`` of total weight (``weigh(key, value)``, an estimate in bytes).

    ``ttl_seconds`` (optional) also expires entries that old. ``put`` declines an entry
    heavier than ``max_entry_bytes`` (default: a quarter of the budget), so one huge entry
    cannot flush the whole cache.
    """

    def __init__(
        self,
        *,
        max_entries: int,
        max_bytes: int,
        weigh: Callable[[K, V], int],
        max_entry_bytes: int | None = None,
        ttl_seconds: float | None = None,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        #: Lookups that found a value, and that did not (metrics read them).
        self.hits = 0
        self.misses = 0
        self.max_entry_bytes = max_entry_bytes if max_entry_bytes is not None else max_bytes // 4
        self._weigh = weigh
        # The weight travels with the value: cachetools' getsizeof sees only the value,
        # and the key (a document's text) is often the heavy part.
        self._entries: Cache[K, tuple[int, V]]
        if ttl_seconds is None:
            self._entries = LRUCache(maxsize=max_bytes, getsizeof=_weight)
        else:
            self._entries = TTLCache(
                maxsize=max_bytes, ttl=ttl_seconds, timer=timer, getsizeof=_weight
            )

    def get(self, key: K) -> V | None:
        """The value for ``key`` (now the most recently used), or None."""
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            return None
        self.hits += 1
        return entry[1]

    def put(self, key: K, value: V) -> bool:
        """Store ``value`` unless it weighs more than ``max_entry_bytes``; True if stored."""
        weight = max(1, self._weigh(key, value))
        if weight > self.max_entry_bytes or weight > self.max_bytes:
            self._entries.pop(key, None)
            return False
        if key not in self._entries:
            if isinstance(self._entries, TTLCache):
                self._entries.expire()
            while len(self._entries) >= self.max_entries:
                self._entries.popitem()
        self._entries[key] = (weight, value)
        return True

    def clear(self) -> None:
        self._entries.clear()

    @property
    def weight(self) -> int:
        """The total weight (estimated bytes) of the entries held now."""
        return int(self._entries.currsize)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries
