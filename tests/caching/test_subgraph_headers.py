"""The subgraphs' own Cache-Control headers restrict the policy the graph's hints give."""

from __future__ import annotations

from tests.caching.helpers import CATALOGUE, ME, USER, bearer, learners, running_platform


async def test_no_store_from_a_subgraph_makes_the_response_uncacheable() -> None:
    async with running_platform(users_cache_control="no-store") as platform:
        user = learners(platform.data)[0]
        first = await platform.get(USER, {"id": user})
        assert first.json()["data"]["user"]["id"] == user
        assert first.headers["cache-control"] == "no-store"
        assert "etag" not in first.headers
        assert (await platform.get(USER, {"id": user})).headers["x-cache"] == "MISS"


async def test_a_shorter_max_age_from_a_subgraph_wins() -> None:
    async with running_platform(users_cache_control="public, max-age=60") as platform:
        first = await platform.get(CATALOGUE)
        # The schema says 120 s (the instructor); the users subgraph said 60.
        assert first.headers["cache-control"] == "max-age=60, public"
        again = await platform.get(CATALOGUE)
        assert again.headers["x-cache"] == "HIT"
        assert again.headers["cache-control"] == "max-age=60, public"


async def test_private_from_a_subgraph_is_never_stored_as_shared() -> None:
    async with running_platform(users_cache_control="private, max-age=5") as platform:
        first, second = learners(platform.data)
        public = await platform.get(USER, {"id": first}, bearer(first))
        assert public.headers["cache-control"] == "max-age=5, private"
        # Looked up under the shared key: a private answer is not stored there.
        other = await platform.get(USER, {"id": first}, bearer(second))
        assert other.headers["x-cache"] == "MISS"
        # Private by the schema too: stored for its caller, for the subgraph's 5 s.
        mine = await platform.get(ME, headers=bearer(first))
        assert mine.headers["cache-control"] == "max-age=5, private"
        again = await platform.get(ME, headers=bearer(first))
        assert again.headers["x-cache"] == "HIT"
        assert again.headers["cache-control"] == "max-age=5, private"
