"""Token buckets: ``take(key, rate, burst)`` answers "may this caller go now?".

``RedisBuckets`` keeps every bucket in Redis and updates it in one Lua script (atomic:
replicas sharing the Redis share the budget exactly; the script reads Redis's clock, so
replicas' clocks do not matter). ``MemoryBuckets`` is the same algorithm in one process,
for a gateway without Redis (each process then has its own budget).

A Redis that fails (down, restarting, hanging) must not hang a request: every command
has a short timeout, and after a failure a circuit breaker answers ``StoreUnavailable``
at once for ``REDIS_COOL_DOWN_SECONDS`` instead of asking Redis again, so an outage costs
one timeout per cool-down rather than one per request. What a caller then may do is the
step's decision (``rate_limits.redis_failure_mode``), not the store's.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from gateway.execution.breaker import CircuitBreaker

#: After a failed Redis command, how long the buckets answer without asking Redis.
REDIS_COOL_DOWN_SECONDS = 1.0


class StoreUnavailable(Exception):
    """The buckets' store could not answer: it failed now, or (``skipped``) it failed
    within the cool-down and was not asked."""

    def __init__(self, message: str, *, skipped: bool = False) -> None:
        super().__init__(message)
        self.skipped = skipped


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    #: Seconds until one token is available again (0 when allowed).
    retry_after: float


class Buckets(Protocol):
    async def take(self, key: str, rate: float, burst: int) -> Decision:
        """Take one token from ``key``'s bucket (``burst`` tokens, ``rate`` per second)."""

    async def close(self) -> None:
        """Release connections."""


class MemoryBuckets:
    """Buckets in this process; the least recently used are forgotten past ``max_keys``
    (a forgotten bucket is full again, which only ever errs towards allowing)."""

    def __init__(self, max_keys: int = 100_000, clock: Callable[[], float] = time.monotonic):
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._max_keys = max_keys
        self._clock = clock

    async def take(self, key: str, rate: float, burst: int) -> Decision:
        now = self._clock()
        tokens, updated = self._buckets.pop(key, (float(burst), now))
        tokens = min(float(burst), tokens + (now - updated) * rate)
        if tokens >= 1:
            decision = Decision(True, 0.0)
            tokens -= 1
        else:
            decision = Decision(False, (1 - tokens) / rate)
        self._buckets[key] = (tokens, now)
        if len(self._buckets) > self._max_keys:
            self._buckets.popitem(last=False)
        return decision

    async def close(self) -> None:
        self._buckets.clear()


#: KEYS[1] the bucket; ARGV rate, burst. Returns {allowed (0/1), retry_after (string)}.
_SCRIPT = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = burst
  at = now
end
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local allowed = 0
local retry = 0
if tokens >= 1 then
  allowed = 1
  tokens = tokens - 1
else
  retry = (1 - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return {allowed, tostring(retry)}
"""


class RedisBuckets:
    """Buckets in Redis at ``<prefix><key>``, updated atomically by one Lua script.

    ``take`` raises ``StoreUnavailable`` when Redis fails (each command and each connect
    waits at most ``timeout_seconds``) and, without asking Redis, during the cool-down
    after a failure. redis-py reconnects on the next command, and re-sends the script
    (``EVAL``) to a restarted Redis that no longer knows its hash."""

    def __init__(
        self, url: str, prefix: str = "gateway:ratelimit:", timeout_seconds: float = 0.5
    ) -> None:
        # ``from_url`` makes a client without retries: a timed-out command is not sent
        # again, so ``timeout_seconds`` bounds the wait.
        self._redis: Any = Redis.from_url(
            url, socket_timeout=timeout_seconds, socket_connect_timeout=timeout_seconds
        )
        self._script = self._redis.register_script(_SCRIPT)
        self._prefix = prefix
        #: One failure opens it: a Redis that failed once is likely to fail again now.
        self.breaker = CircuitBreaker("redis (rate limits)", 1, REDIS_COOL_DOWN_SECONDS)

    async def take(self, key: str, rate: float, burst: int) -> Decision:
        if not self.breaker.allow():
            raise StoreUnavailable("Redis failed within the cool-down", skipped=True)
        try:
            allowed, retry = await self._script(keys=[self._prefix + key], args=[rate, burst])
        except (RedisError, OSError) as error:
            self.breaker.record_failure()
            raise StoreUnavailable(str(error) or type(error).__name__) from error
        self.breaker.record_success()
        return Decision(bool(int(allowed)), float(retry))

    async def close(self) -> None:
        await self._redis.aclose()


def retry_after_header(seconds: float) -> str:
    """``Retry-After`` in whole seconds, never 0 (a client retrying at once is refused)."""
    return str(max(1, math.ceil(seconds)))
