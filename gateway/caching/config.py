"""Configuration of HTTP caching and the response cache (docs/caching.md)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

MiB = 1024 * 1024


class ResponseCacheConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Keep whole responses of cacheable queries (their `maxAge` as time to live) and
    #: answer repeats from them. In Redis when `redis_url` is set (shared by replicas),
    #: else in this process.
    enabled: bool = False
    #: Bytes the in-process store may hold (least recently used responses go first).
    max_bytes: int = Field(default=64 * MiB, ge=1024)
    #: Largest response body stored, in bytes (larger ones are served, not stored).
    max_entry_bytes: int = Field(default=1 * MiB, ge=1)
    #: Prefix of the response cache's keys in Redis.
    redis_key_prefix: str = "gateway:rc:"
    #: Timeout of one Redis command, in seconds. A failed or slow Redis is a miss and the
    #: query runs (the cache fails open); stores and purges are skipped and logged.
    redis_timeout_seconds: float = Field(default=0.25, gt=0)
    #: Redis pub/sub channel on which subgraphs announce changed entities
    #: (`{"entities": [{"typename": "User", "id": "usr_1"}]}`); every replica purges the
    #: responses that contain them. Unset, or no `redis_url`: announcements are not heard.
    invalidation_channel: str | None = "gateway:entity-changes"
    #: The entity type whose key is the caller's user id: a change to it also purges every
    #: private response cached for that caller. Unset: private responses are purged only
    #: through the entities they contain.
    viewer_entity: str | None = "User"


class CachingConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Send `Cache-Control` (from the graph's `@cacheControl` hints), `Vary` and a strong
    #: `ETag` on GET query responses, and answer a matching `If-None-Match` with 304.
    #: Off: no caching headers.
    http_headers: bool = True
    #: The `maxAge` of root fields and of fields returning objects that have no hint
    #: (Apollo Server's `defaultMaxAge`); 0: such a response is not cacheable.
    default_max_age: int = Field(default=0, ge=0)
    #: Response header telling hit or miss of the response cache, in `mode: dev` only.
    #: Unset: never sent.
    status_header: str | None = "x-cache"
    #: The gateway's response cache.
    response_cache: ResponseCacheConfig = Field(default_factory=ResponseCacheConfig)
