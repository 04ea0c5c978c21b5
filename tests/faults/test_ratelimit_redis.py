"""The rate limiter's Redis killed, restarted and hung (SIGSTOP), with a real redis-server.

Fail open (the default): requests run, limited by nothing, while Redis cannot answer;
fail closed: 503 with ``RATE_LIMIT_STORE_UNAVAILABLE`` (a websocket ``connection_init``
is closed with 4500). Either way no request waits longer than the Redis timeout, a hung
Redis costs one timeout per cool-down, and once Redis is back the limits apply again.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from gateway.ratelimit.buckets import REDIS_COOL_DOWN_SECONDS
from tests.faults.helpers import RedisProcess, redis_process, serve_products, served_gateway

QUERY = {"query": "{ products { name } }"}
DATA = {"data": {"products": [{"name": "Table"}, {"name": "Chair"}]}}
UNAVAILABLE = {
    "errors": [
        {
            "message": "The rate limit store is unavailable; try again shortly.",
            "extensions": {"code": "RATE_LIMIT_STORE_UNAVAILABLE"},
        }
    ]
}
#: Every request comes from 127.0.0.1 without a token: one caller, one bucket.
BUCKET = "gateway:ratelimit:operations:ip:127.0.0.1"
#: Three operations, then (at 0.01/s) nothing for the rest of the test.
BURST = 3
REDIS_TIMEOUT = 0.5
PROTOCOL = Subprotocol("graphql-transport-ws")
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
                "rate_limits": {
                    "operations": {"per_second": 0.01, "burst": BURST},
                    "connections": {"per_second": 0.01, "burst": 1},
                    "redis_timeout_seconds": REDIS_TIMEOUT,
                    "redis_failure_mode": mode,
                },
                "subgraphs": {"products": {"url": products_url}},
            }
        ) as (client, _),
    ):
        yield client, redis


async def post(client: httpx.AsyncClient) -> tuple[int, Any, float]:
    started = time.monotonic()
    response = await client.post("/graphql", json=QUERY)
    return response.status_code, response.json(), time.monotonic() - started


async def in_redis(redis: RedisProcess) -> bool:
    """Whether the caller's bucket is in this Redis (so the limiter used it)."""
    client = Redis.from_url(redis.url)
    try:
        return bool(await client.exists(BUCKET))
    finally:
        await client.aclose()


async def until_limited(client: httpx.AsyncClient, redis: RedisProcess, closed: bool) -> None:
    """Post until one is refused with 429: Redis is used again (a fresh Redis holds a
    full bucket, ``BURST`` more pass first). Until then each answer is the failure
    mode's: 200 when failing open, 503 when failing closed."""
    failing = (503, UNAVAILABLE) if closed else (200, DATA)
    deadline = time.monotonic() + REDIS_COOL_DOWN_SECONDS + 5
    while True:
        status, body, _ = await post(client)
        if status == 429:
            assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
            assert await in_redis(redis)
            return
        assert (status, body) in [(200, DATA), failing]
        assert time.monotonic() < deadline, "Redis was not used again"
        await asyncio.sleep(0.05)


def ws_url(client: httpx.AsyncClient) -> str:
    return "ws" + str(client.base_url).removeprefix("http").rstrip("/") + "/graphql"


async def connection_init(client: httpx.AsyncClient) -> str | tuple[int, str]:
    """A websocket ``connection_init``: the answer's type, or the close code and reason."""
    async with connect(ws_url(client), subprotocols=[PROTOCOL]) as socket:
        await socket.send(json.dumps({"type": "connection_init"}))
        try:
            answer: str = json.loads(await asyncio.wait_for(socket.recv(), 5))["type"]
        except ConnectionClosed as closed:
            assert closed.rcvd is not None
            return closed.rcvd.code, closed.rcvd.reason
        return answer


async def test_fail_open_redis_killed_then_restarted(tmp_path: Path) -> None:
    async with gateway_on_redis(tmp_path) as (client, redis):
        statuses = [(await post(client))[0] for _ in range(BURST + 1)]
        assert statuses == [200] * BURST + [429]
        assert await in_redis(redis)
        assert await connection_init(client) == "connection_ack"
        assert await connection_init(client) == (4429, "Too many requests")

        await redis.kill()
        started = time.monotonic()
        results = await asyncio.gather(*(post(client) for _ in range(20)))
        assert time.monotonic() - started < 2
        # Limited by nothing: far over the budget, every one runs.
        assert [(status, body) for status, body, _ in results] == [(200, DATA)] * 20
        assert await connection_init(client) == "connection_ack"

        await redis.start()  # empty: the buckets it held are gone, full again
        await until_limited(client, redis, closed=False)
        assert await connection_init(client) == "connection_ack"  # a fresh bucket...
        assert await connection_init(client) == (4429, "Too many requests")  # ...applies


@pytest.mark.parametrize("mode", ["open", "closed"])
async def test_hanging_redis_costs_one_timeout_per_cool_down(tmp_path: Path, mode: str) -> None:
    expected = (200, DATA) if mode == "open" else (503, UNAVAILABLE)
    async with gateway_on_redis(tmp_path, mode) as (client, redis):
        assert (await post(client))[:2] == (200, DATA)
        assert await in_redis(redis)
        redis.pause()
        try:
            status, body, elapsed = await post(client)
            assert (status, body) == expected
            assert REDIS_TIMEOUT <= elapsed < REDIS_TIMEOUT + FAST
            results = await asyncio.gather(*(post(client) for _ in range(20)))
            for status, body, elapsed in results:
                assert (status, body) == expected
                assert elapsed < FAST
        finally:
            redis.resume()
        await until_limited(client, redis, closed=mode == "closed")


async def test_fail_closed_refuses_with_503_then_recovers(tmp_path: Path) -> None:
    async with (
        gateway_on_redis(tmp_path, mode="closed") as (client, redis),
        connect(ws_url(client), subprotocols=[PROTOCOL]) as socket,
    ):
        assert (await post(client))[:2] == (200, DATA)
        await socket.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await socket.recv()) == {"type": "connection_ack"}
        await redis.kill()
        # An operation on an open websocket is refused alone; the connection stays.
        for op_id in ("1", "2"):
            subscribe = {"id": op_id, "type": "subscribe", "payload": QUERY}
            await socket.send(json.dumps(subscribe))
            error = {"id": op_id, "type": "error", "payload": UNAVAILABLE["errors"]}
            assert json.loads(await asyncio.wait_for(socket.recv(), 5)) == error
        for _ in range(3):
            response = await client.post("/graphql", json=QUERY)
            assert (response.status_code, response.json()) == (503, UNAVAILABLE)
            assert response.headers["retry-after"] == "1"
        started = time.monotonic()
        results = await asyncio.gather(*(post(client) for _ in range(20)))
        assert time.monotonic() - started < 2
        assert [(status, body) for status, body, _ in results] == [(503, UNAVAILABLE)] * 20
        # The protocol's close code for a server that cannot serve now, with the reason.
        reason = UNAVAILABLE["errors"][0]["message"]
        assert await connection_init(client) == (4500, reason)

        await redis.start()
        await until_limited(client, redis, closed=True)
        assert await connection_init(client) == "connection_ack"
