"""The response store in Redis: shared by every gateway replica, purged by all at once.

    <prefix>r:<key>   the response (``SET ... EX ttl``)
    <prefix>t:<tag>   the keys of the responses tagged with it (a set; it expires with
                      the longest-lived of them)

A purge runs as one Lua script (read each tag's set, delete its members and the set), so
a response stored while a purge runs is either purged or tagged after it, never lost
from the index half-way.

Redis down or slow never fails a request: every command has a short timeout, a failure
opens a circuit breaker for ``REDIS_COOL_DOWN_SECONDS`` (no command is tried meanwhile),
and a failed read is a miss, a failed write or purge is skipped and logged (fail open:
the query runs; a skipped purge leaves entries to expire by their ``maxAge``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from gateway.execution.breaker import CircuitBreaker

log = logging.getLogger("gateway.caching")

#: After a failed Redis command, how long the store answers without asking Redis.
REDIS_COOL_DOWN_SECONDS = 1.0

_PURGE = """
local dropped = 0
for _, tag in ipairs(KEYS) do
  local members = redis.call('SMEMBERS', tag)
  for _, key in ipairs(members) do
    dropped = dropped + redis.call('DEL', key)
  end
  redis.call('DEL', tag)
end
return dropped
"""


class RedisStore:
    def __init__(self, client: Redis, *, prefix: str, owns_client: bool = False) -> None:
        self.client = client
        self.prefix = prefix
        self.breaker = CircuitBreaker("redis (response cache)", 1, REDIS_COOL_DOWN_SECONDS)
        self._owns_client = owns_client
        self._purge: Any = client.register_script(_PURGE)

    @classmethod
    def from_url(cls, url: str, *, prefix: str, timeout_seconds: float) -> RedisStore:
        client = Redis.from_url(
            url, socket_timeout=timeout_seconds, socket_connect_timeout=timeout_seconds
        )
        return cls(client, prefix=prefix, owns_client=True)

    def _failed(self, what: str, error: Exception) -> None:
        self.breaker.record_failure()
        log.warning("response cache %s failed (skipped): %s", what, error)

    async def get(self, key: str) -> bytes | None:
        if not self.breaker.allow():
            return None
        try:
            value = await self.client.get(f"{self.prefix}r:{key}")
        except (RedisError, OSError) as error:
            self._failed("read", error)
            return None
        self.breaker.record_success()
        return value if isinstance(value, bytes) else None

    async def put(self, key: str, value: bytes, ttl: int, tags: Iterable[str]) -> None:
        if not self.breaker.allow():
            return
        name = f"{self.prefix}r:{key}"
        try:
            async with self.client.pipeline(transaction=False) as pipe:
                pipe.set(name, value, ex=ttl)
                for tag in tags:
                    tag_key = f"{self.prefix}t:{tag}"
                    pipe.sadd(tag_key, name)
                    # The set lives as long as its longest-lived member (Redis 7: NX, GT).
                    pipe.expire(tag_key, ttl, nx=True)
                    pipe.expire(tag_key, ttl, gt=True)
                await pipe.execute()
        except (RedisError, OSError) as error:
            self._failed("write", error)
            return
        self.breaker.record_success()

    async def purge(self, tags: Iterable[str]) -> int:
        keys = [f"{self.prefix}t:{tag}" for tag in tags]
        if not keys or not self.breaker.allow():
            return 0
        try:
            dropped = await self._purge(keys=keys)
        except (RedisError, OSError) as error:
            self._failed("purge", error)
            return 0
        self.breaker.record_success()
        return int(dropped)

    async def close(self) -> None:
        if self._owns_client:
            await self.client.aclose()
