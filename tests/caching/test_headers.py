"""Cache-Control, Vary, ETag and 304 on the real platform, from the graph's hints."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.caching.helpers import (
    CATALOGUE,
    COURSE_WITH_PROGRESS,
    ME,
    PROFILE,
    UPDATE_PROFILE,
    Platform,
    bearer,
    learners,
    running_platform,
)


@pytest.fixture
async def platform() -> AsyncIterator[Platform]:
    async with running_platform(enabled=False) as running:
        yield running


async def test_public_catalogue_is_cacheable_by_anyone(platform: Platform) -> None:
    response = await platform.get(CATALOGUE)
    assert response.status_code == 200
    assert response.json()["data"]["courses"]["nodes"]
    # Course and the catalogue are 300 s; the instructor (a User) 120 s: the minimum wins.
    assert response.headers["cache-control"] == "max-age=120, public"
    assert response.headers["vary"] == "Accept"
    assert response.headers["etag"].startswith('"') and len(response.headers["etag"]) == 34


async def test_private_fields_make_the_response_private(platform: Platform) -> None:
    user = learners(platform.data)[0]
    response = await platform.get(ME, headers=bearer(user))
    assert response.json() == {"data": {"me": {"id": user, "name": _name(platform, user)}}}
    assert response.headers["cache-control"] == "max-age=30, private"
    assert response.headers["vary"] == "Accept, Authorization"
    profile = await platform.get(PROFILE, headers=bearer(user))
    assert profile.headers["cache-control"] == "max-age=30, private"


async def test_mixed_public_and_private_fields(platform: Platform) -> None:
    user = learners(platform.data)[0]
    course = platform.data.courses[0]["id"]
    response = await platform.get(COURSE_WITH_PROGRESS, {"id": course}, bearer(user))
    assert "errors" not in response.json()
    # The course is public for 300 s; the learner's progress private for 10 s.
    assert response.headers["cache-control"] == "max-age=10, private"
    assert response.headers["vary"] == "Accept, Authorization"


async def test_if_none_match_gets_304_without_body(platform: Platform) -> None:
    first = await platform.get(CATALOGUE)
    tag = first.headers["etag"]
    again = await platform.get(CATALOGUE, headers={"if-none-match": tag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == tag
    assert again.headers["cache-control"] == "max-age=120, public"
    other = await platform.get(CATALOGUE, headers={"if-none-match": '"not-this-one"'})
    assert other.status_code == 200 and other.headers["etag"] == tag


async def test_compressed_body_has_its_own_etag_and_revalidates(platform: Platform) -> None:
    # Large enough to be compressed (server.compression.min_size).
    query = "{ courses(first: 50) { nodes { id title description instructor { id name } } } }"
    plain = await platform.get(query, headers={"accept-encoding": "identity"})
    encoded = await platform.get(query, headers={"accept-encoding": "gzip"})
    assert encoded.headers["content-encoding"] == "gzip"
    assert encoded.headers["etag"] == plain.headers["etag"][:-1] + '-gzip"'
    again = await platform.get(
        query, headers={"accept-encoding": "gzip", "if-none-match": encoded.headers["etag"]}
    )
    assert again.status_code == 304 and again.content == b""


async def test_no_cache_headers_on_post_mutations_or_errors(platform: Platform) -> None:
    user = learners(platform.data)[0]
    post = await platform.post(CATALOGUE)
    assert post.status_code == 200
    assert "cache-control" not in post.headers and "etag" not in post.headers
    mutation = await platform.post(UPDATE_PROFILE, {"name": "Ada"}, bearer(user))
    assert mutation.json()["data"]["updateProfile"]["name"] == "Ada"
    assert "cache-control" not in mutation.headers
    # ``me`` anonymously: UNAUTHENTICATED from the subgraph, a response with errors.
    failed = await platform.get(ME)
    assert failed.json()["errors"]
    assert failed.headers["cache-control"] == "no-store"
    assert "etag" not in failed.headers


async def test_uncacheable_query_is_no_store(platform: Platform) -> None:
    # Only ``__typename``: no field gave a maxAge, so nothing says it may be kept.
    response = await platform.get("{ __typename }")
    assert response.headers["cache-control"] == "no-store"


def _name(platform: Platform, user_id: str) -> str:
    return next(u["name"] for u in platform.data.users if u["id"] == user_id)
