"""JSON bytes the gateway keeps: cache keys, sharing keys and stored bodies.

orjson's ``dumps`` returns bytes whose allocation is about 4 KiB larger than the text
(orjson 3.13 writes into a buffer it does not shrink). That is harmless for a response
sent and dropped, but a cache key or a stored body holds it for as long as the entry
lives: 4,137 bytes of RSS per 24-byte key, measured over 100,000 keys; a copy to its own
size takes 58. The soak found it: the cost cache's keys (one per distinct variables: every
mutation with a client mutation id) held 4 MiB more than its budget said.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson


def kept(data: bytes) -> bytes:
    """``data`` in an allocation of its own size, to keep beyond the request."""
    return bytes(memoryview(data))


def canonical_json(value: Any, default: Callable[[Any], Any] | None = None) -> bytes:
    """``value`` as JSON with sorted keys (equal values, equal bytes), sized to keep."""
    return kept(orjson.dumps(value, default=default, option=orjson.OPT_SORT_KEYS))
