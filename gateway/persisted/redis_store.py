"""APQ store in Redis, shared by every gateway replica; entries expire after a TTL."""

from __future__ import annotations

import logging

from redis.asyncio import Redis
from redis.exceptions import RedisError

__all__ = ["RedisStore"]

log = logging.getLogger("gateway.persisted")


class RedisStore:
    """Operation texts under ``<prefix><id>`` with ``SET ... EX ttl``.

    Redis being down must not take queries down with it: a failed read is a miss (the
    client resends the text), a failed write is skipped; both are logged.
    """

    def __init__(
        self,
        client: Redis,
        *,
        prefix: str = "gateway:apq:",
        ttl_seconds: int | None = 86_400,
        owns_client: bool = False,
    ) -> None:
        self.client = client
        self.prefix = prefix
        self.ttl_seconds = ttl_seconds
        self._owns_client = owns_client

    @classmethod
    def from_url(
        cls, url: str, *, prefix: str = "gateway:apq:", ttl_seconds: int | None = 86_400
    ) -> RedisStore:
        client = Redis.from_url(url, socket_timeout=2.0, socket_connect_timeout=2.0)
        return cls(client, prefix=prefix, ttl_seconds=ttl_seconds, owns_client=True)

    async def get(self, operation_id: str) -> str | None:
        try:
            value = await self.client.get(self.prefix + operation_id)
        except (RedisError, OSError) as error:
            log.warning("APQ store read failed (treated as a miss): %s", error)
            return None
        if value is None:
            return None
        return value.decode("utf-8") if isinstance(value, bytes) else str(value)

    async def set(self, operation_id: str, text: str) -> None:
        try:
            await self.client.set(self.prefix + operation_id, text, ex=self.ttl_seconds)
        except (RedisError, OSError) as error:
            log.warning("APQ store write failed (not stored): %s", error)

    async def close(self) -> None:
        if self._owns_client:
            await self.client.aclose()
