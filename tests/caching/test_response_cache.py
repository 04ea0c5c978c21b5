"""The response cache on the real platform, in memory and in a real Redis: hits, callers
kept apart, purges by entity (from mutation responses and from subgraph announcements)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.caching.helpers import (
    CATALOGUE,
    ME,
    UPDATE_PROFILE,
    USER,
    Platform,
    bearer,
    learners,
    running_platform,
)
from tests.servers import throwaway_redis
from tests.subgraphs.helpers import as_user


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with throwaway_redis() as url:
        yield url


@pytest.fixture(params=["memory", "redis"])
def store(request: pytest.FixtureRequest) -> str | None:
    """The Redis URL for the Redis store, None for the in-process one."""
    return request.getfixturevalue("redis_url") if request.param == "redis" else None


@pytest.fixture
async def platform(store: str | None, request: pytest.FixtureRequest) -> AsyncIterator[Platform]:
    # A fresh key prefix per test: the module's Redis outlives each platform.
    prefix = f"test:{request.node.name}:"
    async with running_platform(redis_url=store, redis_key_prefix=prefix) as running:
        yield running


async def test_repeat_query_is_a_hit_with_the_same_body(platform: Platform) -> None:
    first = await platform.get(CATALOGUE)
    second = await platform.get(CATALOGUE)
    assert first.headers["x-cache"] == "MISS"
    assert second.headers["x-cache"] == "HIT"
    assert second.json() == first.json()
    assert second.headers["etag"] == first.headers["etag"]
    assert second.headers["cache-control"] == "max-age=120, public"
    assert int(second.headers["age"]) >= 0


async def test_hit_is_served_without_asking_the_subgraphs(
    store: str | None, request: pytest.FixtureRequest
) -> None:
    # No announcements listened to: a change behind the gateway's back stays unseen.
    prefix = f"test:{request.node.name}:"
    async with running_platform(
        redis_url=store, redis_key_prefix=prefix, invalidation_channel=None
    ) as platform:
        user = learners(platform.data)[0]
        first = await platform.get(USER, {"id": user})
        assert first.headers["x-cache"] == "MISS"
        # Renamed in the users subgraph itself: the cached response is what is served.
        await _rename_at_subgraph(platform, user, "Renamed Behind The Gateway")
        cached = await platform.get(USER, {"id": user})
        assert cached.headers["x-cache"] == "HIT"
        assert cached.json() == first.json()


async def test_private_response_is_never_served_to_another_learner(platform: Platform) -> None:
    first, second = learners(platform.data)
    mine = await platform.get(ME, headers=bearer(first))
    again = await platform.get(ME, headers=bearer(first))
    theirs = await platform.get(ME, headers=bearer(second))
    assert mine.json()["data"]["me"]["id"] == first
    assert again.headers["x-cache"] == "HIT" and again.json() == mine.json()
    assert theirs.headers["x-cache"] == "MISS"
    assert theirs.json()["data"]["me"]["id"] == second
    # And the second learner's own entry serves only them.
    theirs_again = await platform.get(ME, headers=bearer(second))
    assert theirs_again.json()["data"]["me"]["id"] == second
    anonymous = await platform.get(ME)
    assert anonymous.json()["data"] == {"me": None}


async def test_update_profile_purges_responses_with_that_user(platform: Platform) -> None:
    user, other = learners(platform.data)
    for query, variables, headers in (
        (USER, {"id": user}, None),
        (ME, None, bearer(user)),
        (USER, {"id": other}, None),
    ):
        await platform.get(query, variables, headers)
        assert (await platform.get(query, variables, headers)).headers["x-cache"] == "HIT"
    renamed = await platform.post(UPDATE_PROFILE, {"name": "Grace"}, bearer(user))
    assert renamed.json()["data"]["updateProfile"] == {"id": user, "name": "Grace"}
    public = await platform.get(USER, {"id": user})
    assert public.headers["x-cache"] == "MISS"
    assert public.json()["data"]["user"]["name"] == "Grace"
    private = await platform.get(ME, headers=bearer(user))
    assert private.headers["x-cache"] == "MISS"
    assert private.json()["data"]["me"]["name"] == "Grace"
    # Another user's cached response is untouched.
    assert (await platform.get(USER, {"id": other})).headers["x-cache"] == "HIT"


async def test_hits_misses_and_purges_are_in_the_metrics(platform: Platform) -> None:
    hit = 'gateway_cache_lookups_total{cache="response",result="hit"}'
    miss = 'gateway_cache_lookups_total{cache="response",result="miss"}'
    purged = "gateway_response_cache_purges_total"
    before = await _counters(platform)
    user = learners(platform.data)[0]
    for _ in range(2):
        await platform.get(USER, {"id": user})
    await platform.post(UPDATE_PROFILE, {"name": "Counted"}, bearer(user))
    after = await _counters(platform)
    assert after[hit] - before.get(hit, 0) == 1
    assert after[miss] - before.get(miss, 0) == 1
    assert after[purged] - before.get(purged, 0) == 1


async def _counters(platform: Platform) -> dict[str, float]:
    """The process's counters (other tests' counts included: compare before and after)."""
    response = await platform.client.get(platform.url.replace("/graphql", "/metrics"))
    return {
        line.split(" ")[0]: float(line.split(" ")[1])
        for line in response.text.splitlines()
        if line.startswith(("gateway_cache_lookups_total", "gateway_response_cache_purges_total"))
    }


async def test_errors_are_never_cached(platform: Platform) -> None:
    missing = {"id": "usr_does_not_exist"}
    first = await platform.get(USER, missing)
    assert first.json()["errors"]
    second = await platform.get(USER, missing)
    assert second.headers["x-cache"] == "MISS"


async def test_subgraph_announcement_purges(redis_url: str) -> None:
    """A change made at the users subgraph (not through the gateway) is announced on
    Redis pub/sub; the gateway purges the responses containing that user."""
    async with running_platform(
        redis_url=redis_url, redis_key_prefix="test:announced:"
    ) as platform:
        user = learners(platform.data)[0]
        await platform.get(USER, {"id": user})
        assert (await platform.get(USER, {"id": user})).headers["x-cache"] == "HIT"
        listener = platform.gateway.caching.listener
        assert listener is not None
        await asyncio.wait_for(listener.subscribed.wait(), 5)
        await _rename_at_subgraph(platform, user, "Announced")
        for _ in range(200):
            response = await platform.get(USER, {"id": user})
            if response.headers["x-cache"] == "MISS":
                break
            await asyncio.sleep(0.01)
        assert response.headers["x-cache"] == "MISS"
        assert response.json()["data"]["user"]["name"] == "Announced"


async def _rename_at_subgraph(platform: Platform, user: str, name: str) -> None:
    headers = as_user(user)
    async with httpx.AsyncClient() as client:
        response = await client.post(
            platform.subgraphs.urls["users"],
            json={"query": UPDATE_PROFILE, "variables": {"name": name}},
            headers=headers,
        )
    assert response.json()["data"]["updateProfile"]["name"] == name
