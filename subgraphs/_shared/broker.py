"""Publish/subscribe of JSON events between the replicas of a subgraph.

``InProcessBroker`` delivers within one process (the default: nothing to install);
``RedisBroker`` uses Redis pub/sub, so an event published by one replica reaches the
subscribers connected to any other. ``create_broker(redis_url)`` picks one. Both are
real implementations of the same small interface; tests use both.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any, Protocol

JSONMessage = dict[str, Any]

#: Events a slow subscriber may fall behind by before it is dropped (in-process only).
QUEUE_LIMIT = 1000


class Broker(Protocol):
    async def publish(self, channel: str, message: JSONMessage) -> None: ...

    def subscribe(
        self, channel: str
    ) -> contextlib.AbstractAsyncContextManager[AsyncIterator[JSONMessage]]: ...

    async def close(self) -> None: ...


class InProcessBroker:
    """Fan-out to asyncio queues in this process."""

    def __init__(self) -> None:
        self._queues: defaultdict[str, set[asyncio.Queue[JSONMessage]]] = defaultdict(set)

    def subscriber_count(self, channel: str) -> int:
        return len(self._queues.get(channel, ()))

    async def publish(self, channel: str, message: JSONMessage) -> None:
        # Round-trip through JSON so subscribers see exactly what Redis would deliver.
        payload = json.loads(json.dumps(message))
        for queue in list(self._queues.get(channel, ())):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(payload)

    @contextlib.asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[AsyncIterator[JSONMessage]]:
        queue: asyncio.Queue[JSONMessage] = asyncio.Queue(QUEUE_LIMIT)
        self._queues[channel].add(queue)

        async def messages() -> AsyncIterator[JSONMessage]:
            while True:
                yield await queue.get()

        try:
            yield messages()
        finally:
            self._queues[channel].discard(queue)
            if not self._queues[channel]:
                del self._queues[channel]

    async def close(self) -> None:
        self._queues.clear()


class RedisBroker:
    """Redis pub/sub: one connection per subscription, a shared pool for publishing."""

    def __init__(self, url: str) -> None:
        import redis.asyncio as redis

        self._redis = redis.Redis.from_url(url, decode_responses=True)

    async def publish(self, channel: str, message: JSONMessage) -> None:
        await self._redis.publish(channel, json.dumps(message))

    @contextlib.asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[AsyncIterator[JSONMessage]]:
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        # SUBSCRIBE completes before we yield, so an event published after the
        # subscriber is set up is never missed.
        await pubsub.subscribe(channel)

        async def messages() -> AsyncIterator[JSONMessage]:
            async for raw in pubsub.listen():
                if raw.get("type") != "message":
                    continue
                try:
                    yield json.loads(raw["data"])
                except (TypeError, ValueError):
                    continue  # not ours; never break the stream over one bad message

        try:
            yield messages()
        finally:
            with contextlib.suppress(Exception):
                await pubsub.unsubscribe(channel)
            await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def close(self) -> None:
        await self._redis.aclose()


def create_broker(redis_url: str | None) -> InProcessBroker | RedisBroker:
    """Redis pub/sub when a URL is given, else the in-process broker."""
    return RedisBroker(redis_url) if redis_url else InProcessBroker()
