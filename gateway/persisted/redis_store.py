"""APQ store in Redis, shared by every gateway replica; entries expire after a TTL.

Redis down, restarted or hanging must never hang a request. Every command has a short
timeout (``persisted.redis_timeout_seconds``), and a circuit breaker stops asking Redis
for ``REDIS_COOL_DOWN_SECONDS`` after a failure, so a hanging Redis costs one timeout per
cool-down rather than one per request. Then, as ``persisted.redis_failure_mode`` says:

- ``open`` (default): a failed read is a miss (the APQ client resends the text, which
  runs), a failed write is skipped; both are logged. Clients keep working, only slower.
- ``closed``: the request is refused with ``PERSISTED_QUERY_STORE_UNAVAILABLE`` (503).

Once Redis answers again (redis-py reconnects on the next command), the store serves
from it again; entries lost in a Redis restart are re-registered by clients as misses.
"""

from __future__ import annotations

import logging
from typing import Literal

from redis.asyncio import Redis
from redis.exceptions import RedisError

from gateway.execution.breaker import CircuitBreaker
from gateway.persisted.errors import PersistedQueryStoreUnavailable

__all__ = ["REDIS_COOL_DOWN_SECONDS", "RedisStore"]

log = logging.getLogger("gateway.persisted")

#: After a failed Redis command, how long the store answers without asking Redis.
REDIS_COOL_DOWN_SECONDS = 1.0

FailureMode = Literal["open", "closed"]


class RedisStore:
    """Operation texts under ``<prefix><id>`` with ``SET ... EX ttl``."""

    def __init__(
        self,
        client: Redis,
        *,
        prefix: str = "gateway:apq:",
        ttl_seconds: int | None = 86_400,
        owns_client: bool = False,
        failure_mode: FailureMode = "open",
    ) -> None:
        self.client = client
        self.prefix = prefix
        self.ttl_seconds = ttl_seconds
        self.failure_mode = failure_mode
        #: One failure opens it: a Redis that failed once is likely to fail again now.
        self.breaker = CircuitBreaker("redis (APQ store)", 1, REDIS_COOL_DOWN_SECONDS)
        self._owns_client = owns_client

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        prefix: str = "gateway:apq:",
        ttl_seconds: int | None = 86_400,
        timeout_seconds: float = 0.5,
        failure_mode: FailureMode = "open",
    ) -> RedisStore:
        client = Redis.from_url(
            url, socket_timeout=timeout_seconds, socket_connect_timeout=timeout_seconds
        )
        return cls(
            client,
            prefix=prefix,
            ttl_seconds=ttl_seconds,
            owns_client=True,
            failure_mode=failure_mode,
        )

    def _failed(self, what: str, error: Exception | None) -> None:
        """After a failed (or skipped) command: fail open (return) or closed (raise)."""
        if error is not None:
            self.breaker.record_failure()
            log.warning("APQ store %s failed (%s): %s", what, self.failure_mode, error)
        if self.failure_mode == "closed":
            raise PersistedQueryStoreUnavailable(
                "The persisted query store is unavailable; try again shortly."
            )

    async def get(self, operation_id: str) -> str | None:
        if not self.breaker.allow():
            self._failed("read", None)
            return None
        try:
            value = await self.client.get(self.prefix + operation_id)
        except (RedisError, OSError) as error:
            self._failed("read", error)
            return None  # fail open: a miss, the client resends the text
        self.breaker.record_success()
        if value is None:
            return None
        return value.decode("utf-8") if isinstance(value, bytes) else str(value)

    async def set(self, operation_id: str, text: str) -> None:
        if not self.breaker.allow():
            self._failed("write", None)
            return
        try:
            await self.client.set(self.prefix + operation_id, text, ex=self.ttl_seconds)
        except (RedisError, OSError) as error:
            self._failed("write", error)
            return
        self.breaker.record_success()

    async def close(self) -> None:
        if self._owns_client:
            await self.client.aclose()
