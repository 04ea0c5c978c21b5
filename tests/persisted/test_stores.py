"""The APQ stores: LRU and TTL in process; TTL, sharing and outages in Redis."""

from __future__ import annotations

import uuid

import pytest
from pydantic import ValidationError
from redis.asyncio import Redis

from gateway.persisted import (
    MemoryStore,
    PersistedConfig,
    PersistedQueries,
    PersistedQueryNotFound,
    RedisStore,
    operation_id,
)
from gateway.request import GraphQLParams, RequestContext
from tests.servers import bound_socket


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_memory_store_evicts_the_least_recently_used() -> None:
    store = MemoryStore(size=2, ttl_seconds=None)
    await store.set("a", "A")
    await store.set("b", "B")
    assert await store.get("a") == "A"  # a is now the most recently used
    await store.set("c", "C")
    assert (await store.get("a"), await store.get("b"), await store.get("c")) == ("A", None, "C")


async def test_memory_store_entries_expire() -> None:
    clock = Clock()
    store = MemoryStore(size=10, ttl_seconds=60, timer=clock)
    await store.set("a", "A")
    clock.now = 59
    assert await store.get("a") == "A"
    clock.now = 61
    assert await store.get("a") is None


async def test_redis_entries_have_the_ttl(redis_url: str) -> None:
    prefix = f"ttl:{uuid.uuid4().hex}:"
    store = RedisStore.from_url(redis_url, prefix=prefix, ttl_seconds=120)
    client = Redis.from_url(redis_url)
    try:
        await store.set("abc", "{ me { id } }")
        assert await client.get(prefix + "abc") == b"{ me { id } }"
        assert 0 < await client.ttl(prefix + "abc") <= 120
        assert await store.get("abc") == "{ me { id } }"
    finally:
        await client.aclose()
        await store.close()


def unused_port_url() -> str:
    sock = bound_socket()
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    return f"redis://127.0.0.1:{port}/0"


async def test_redis_down_means_misses_not_failures() -> None:
    config = PersistedConfig(mode="apq")
    persisted = PersistedQueries(config, RedisStore.from_url(unused_port_url()))
    text = "{ me { id } }"
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": operation_id(text)}}
    try:
        with pytest.raises(PersistedQueryNotFound):
            await persisted.resolve(GraphQLParams(extensions=extensions), RequestContext())
        registered = await persisted.resolve(
            GraphQLParams(query=text, extensions=extensions), RequestContext()
        )
        assert registered == text  # the request still runs
    finally:
        await persisted.close()


async def test_from_config_picks_the_store(redis_url: str) -> None:
    memory = PersistedQueries.from_config(PersistedConfig())
    assert isinstance(memory.store, MemoryStore) and memory.manifest is None
    shared = PersistedQueries.from_config(PersistedConfig(apq_ttl_seconds=30), redis_url)
    assert isinstance(shared.store, RedisStore) and shared.store.ttl_seconds == 30
    await shared.close()


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"mode": "allowlist"}, "needs persisted.manifest"),
        ({"bypass_header": "x-tool"}, "set both"),
        ({"bypass_header": "x-tool", "bypass_secret": "short"}, "at least 16"),
        ({"mode": "everything"}, "mode"),
    ],
)
def test_config_refuses_unsafe_settings(settings: dict[str, str], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        PersistedConfig.model_validate(settings)
    assert message in str(caught.value)


def test_defaults() -> None:
    config = PersistedConfig()
    assert (config.mode, config.manifest, config.bypass_header) == ("apq", None, None)
