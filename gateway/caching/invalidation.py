"""Purges announced by the subgraphs: a Redis pub/sub listener, one per gateway process.

A subgraph that changes an entity publishes on the broker it already has (Redis)::

    PUBLISH gateway:entity-changes {"entities": [{"typename": "User", "id": "usr_1"}]}

Every gateway replica listens and purges the cached responses containing those entities
(``ResponseCaching.purge_entities``). This covers what a gateway cannot see: a change made
by a mutation sent through another replica (with an in-process store), by a subgraph's
own jobs, or by a mutation whose response does not return the changed entity (completing
a lesson changes the learner's progress, which the response does not name).

The listener starts with the first query and reconnects after a failure (Redis down:
announcements made meanwhile are lost; cached entries then live out their ``maxAge``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import orjson
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger("gateway.caching")

#: Seconds between attempts to subscribe again after Redis failed.
RETRY_SECONDS = 1.0

Purge = Callable[[Iterable[str]], Awaitable[int]]


def announced_entities(message: Any) -> list[str]:
    """``Type:key`` of each entity in an announcement; [] for anything malformed."""
    try:
        decoded = orjson.loads(message)
    except (orjson.JSONDecodeError, TypeError):
        return []
    entities = decoded.get("entities") if isinstance(decoded, dict) else None
    out: list[str] = []
    for entity in entities if isinstance(entities, list) else ():
        if not isinstance(entity, dict):
            continue
        typename, key = entity.get("typename"), entity.get("id")
        if isinstance(typename, str) and isinstance(key, str | int) and typename:
            out.append(f"{typename}:{key}")
    return out


class InvalidationListener:
    def __init__(self, redis_url: str, channel: str, purge: Purge) -> None:
        self.redis_url = redis_url
        self.channel = channel
        self.purge = purge
        self._task: asyncio.Task[None] | None = None
        #: Set once subscribed (tests wait for it before publishing).
        self.subscribed = asyncio.Event()

    def start(self) -> None:
        """Start listening (idempotent; needs a running event loop)."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        while True:
            client = Redis.from_url(self.redis_url)
            try:
                async with client.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(self.channel)
                    self.subscribed.set()
                    async for raw in pubsub.listen():
                        if raw.get("type") != "message":
                            continue
                        entities = announced_entities(raw.get("data"))
                        if entities:
                            await self._purge(entities)
            except (RedisError, OSError) as error:
                log.warning("entity-change listener lost Redis (%s); retrying", error)
            finally:
                self.subscribed.clear()
                with contextlib.suppress(RedisError, OSError):
                    await client.aclose()
            await asyncio.sleep(RETRY_SECONDS)

    async def _purge(self, entities: list[str]) -> None:
        try:
            await self.purge(entities)
        except Exception:  # one failed purge must not end the listener
            log.exception("purging announced entities %s failed", entities)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
