"""The APQ store's Redis killed, restarted and hung (SIGSTOP), with a real redis-server.

Fail open (the default): a lookup Redis cannot answer is a miss, so Apollo's protocol
makes the client resend the text, and the operation runs; fail closed: 503 with
``PERSISTED_QUERY_STORE_UNAVAILABLE``. Either way no request waits longer than the Redis
timeout, and once Redis is back (after the store's cool-down) hashes work again.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from gateway.persisted.redis_store import REDIS_COOL_DOWN_SECONDS
from tests.faults.helpers import RedisProcess, redis_process, serve_products, served_gateway

QUERY = "{ products { name } }"
HASH = hashlib.sha256(QUERY.encode()).hexdigest()
BY_HASH = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": HASH}}}
WITH_TEXT = {"query": QUERY, **BY_HASH}
DATA = {"data": {"products": [{"name": "Table"}, {"name": "Chair"}]}}
NOT_FOUND = {
    "errors": [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ]
}
UNAVAILABLE = {
    "errors": [
        {
            "message": "The persisted query store is unavailable; try again shortly.",
            "extensions": {"code": "PERSISTED_QUERY_STORE_UNAVAILABLE"},
        }
    ]
}
REDIS_TIMEOUT = 0.5
#: A request that does not wait on Redis takes less than one timeout; one that waits,
#: at least one (a tighter line would measure speed and flake on a busy machine).
FAST = REDIS_TIMEOUT


@asynccontextmanager
async def gateway_on_redis(
    tmp_path: Path, mode: str = "open"
) -> AsyncIterator[tuple[httpx.AsyncClient, RedisProcess]]:
    async with (
        serve_products() as products_url,
        redis_process(tmp_path) as redis,
        served_gateway(
            {
                "redis_url": redis.url,
                "persisted": {
                    "redis_timeout_seconds": REDIS_TIMEOUT,
                    "redis_failure_mode": mode,
                },
                "subgraphs": {"products": {"url": products_url}},
            }
        ) as (client, _),
    ):
        yield client, redis


async def post(client: httpx.AsyncClient, body: dict[str, Any]) -> tuple[int, Any, float]:
    started = time.monotonic()
    response = await client.post("/graphql", json=body)
    return response.status_code, response.json(), time.monotonic() - started


async def until_served_by_hash(client: httpx.AsyncClient, closed: bool = False) -> None:
    """Register the operation until a lookup by hash finds it (Redis is back). Until
    then each answer is the failure mode's: fail open, the text runs and the hash is a
    miss; fail closed, 503 (or the miss of a Redis that came back empty)."""
    registered = [(200, DATA)] + ([(503, UNAVAILABLE)] if closed else [])
    looked_up = [(200, NOT_FOUND)] + ([(503, UNAVAILABLE)] if closed else [])
    deadline = time.monotonic() + REDIS_COOL_DOWN_SECONDS + 5
    while True:
        assert (await post(client, WITH_TEXT))[:2] in registered
        status, body, _ = await post(client, BY_HASH)
        if body == DATA:
            return
        assert (status, body) in looked_up
        assert time.monotonic() < deadline, "Redis was not used again"
        await asyncio.sleep(0.1)


async def test_fail_open_redis_killed_then_restarted(tmp_path: Path) -> None:
    async with gateway_on_redis(tmp_path) as (client, redis):
        assert (await post(client, BY_HASH))[:2] == (200, NOT_FOUND)  # never registered
        await until_served_by_hash(client)

        await redis.kill()
        status, body, elapsed = await post(client, BY_HASH)
        assert (status, body) == (200, NOT_FOUND)  # a miss: the client will send the text
        assert elapsed < REDIS_TIMEOUT + FAST
        status, body, elapsed = await post(client, WITH_TEXT)
        assert (status, body) == (200, DATA)  # ...and it runs, though it is not stored
        assert elapsed < FAST  # the store's circuit is open: Redis is not even asked

        await redis.start()  # empty: what the old process held is gone
        await until_served_by_hash(client)


async def test_fail_open_redis_hanging_costs_one_timeout_per_cool_down(tmp_path: Path) -> None:
    async with gateway_on_redis(tmp_path) as (client, redis):
        await until_served_by_hash(client)
        redis.pause()
        try:
            status, body, elapsed = await post(client, BY_HASH)
            assert (status, body) == (200, NOT_FOUND)
            assert REDIS_TIMEOUT <= elapsed < REDIS_TIMEOUT + FAST
            results = await asyncio.gather(*(post(client, WITH_TEXT) for _ in range(20)))
            for status, body, elapsed in results:
                assert (status, body) == (200, DATA)
                assert elapsed < FAST
        finally:
            redis.resume()
        await until_served_by_hash(client)


async def test_fail_closed_refuses_with_503_then_recovers(tmp_path: Path) -> None:
    async with gateway_on_redis(tmp_path, mode="closed") as (client, redis):
        await until_served_by_hash(client)
        await redis.kill()
        for body in (BY_HASH, WITH_TEXT, BY_HASH):
            status, answer, elapsed = await post(client, body)
            assert (status, answer) == (503, UNAVAILABLE)
            assert elapsed < REDIS_TIMEOUT + FAST
        # Operations sent as plain text never touch the store: they still run.
        assert (await post(client, {"query": QUERY}))[:2] == (200, DATA)
        await redis.start()
        await until_served_by_hash(client, closed=True)
