"""The response stores, in memory and in a real Redis: TTL, tags, purges, byte bounds,
and Redis failing open."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from gateway.caching.redis_store import RedisStore
from gateway.caching.store import ENTRY_OVERHEAD, MemoryStore, ResponseStore
from tests.servers import bound_socket, throwaway_redis


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with throwaway_redis() as url:
        yield url


@pytest.fixture(params=["memory", "redis"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[ResponseStore]:
    if request.param == "memory":
        made: ResponseStore = MemoryStore(max_bytes=1 << 20, max_entry_bytes=1 << 16)
    else:
        url = request.getfixturevalue("redis_url")
        made = RedisStore.from_url(url, prefix=f"t:{request.node.name}:", timeout_seconds=1)
    yield made
    await made.close()


async def test_put_get_and_purge_by_any_tag(store: ResponseStore) -> None:
    await store.put("a", b"A", 60, ["User:1", "Course:1"])
    await store.put("b", b"B", 60, ["Course:1"])
    await store.put("c", b"C", 60, ["User:2"])
    assert await store.get("a") == b"A"
    assert await store.purge(["User:1"]) == 1
    assert await store.get("a") is None
    assert await store.get("b") == b"B"
    assert await store.purge(["Course:1", "nothing"]) == 1
    assert await store.get("b") is None
    assert await store.get("c") == b"C"


async def test_memory_entries_expire_after_their_own_ttl() -> None:
    clock = Clock()
    store = MemoryStore(max_bytes=1 << 20, max_entry_bytes=1 << 16, clock=clock)
    await store.put("short", b"s", 5, [])
    await store.put("long", b"l", 50, [])
    clock.now += 10
    assert await store.get("short") is None
    assert await store.get("long") == b"l"


async def test_redis_entries_expire(redis_url: str) -> None:
    store = RedisStore.from_url(redis_url, prefix="t:expiry:", timeout_seconds=1)
    await store.put("k", b"v", 60, ["T:1"])
    assert 0 < await store.client.ttl("t:expiry:r:k") <= 60
    assert 0 < await store.client.ttl("t:expiry:t:T:1") <= 60
    await store.close()


async def test_memory_store_is_bounded_in_bytes_least_recently_used_first() -> None:
    entry = ENTRY_OVERHEAD + 1 + 1000
    store = MemoryStore(max_bytes=3 * entry, max_entry_bytes=entry)
    for key in "abc":
        await store.put(key, b"x" * 1000, 60, [f"T:{key}"])
    assert await store.get("a") is not None  # now the most recently used
    await store.put("d", b"x" * 1000, 60, ["T:d"])
    assert await store.get("b") is None
    assert {k for k in "acd" if await store.get(k) is not None} == {"a", "c", "d"}
    assert store.weight == 3 * entry
    # Too big for one entry: not stored at all.
    await store.put("huge", b"x" * 2000, 60, [])
    assert await store.get("huge") is None
    # An evicted entry left the tag index: purging its tag drops nothing.
    assert await store.purge(["T:b"]) == 0


async def test_redis_down_is_a_miss_and_skipped_writes() -> None:
    sock = bound_socket()  # a port nobody answers on
    port = sock.getsockname()[1]
    sock.close()
    store = RedisStore.from_url(f"redis://127.0.0.1:{port}/0", prefix="x:", timeout_seconds=0.2)
    assert await store.get("k") is None
    await store.put("k", b"v", 60, ["T:1"])
    assert await store.purge(["T:1"]) == 0
    await store.close()
