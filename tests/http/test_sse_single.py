"""GraphQL over SSE, single connection mode: reservations, the one stream, operations
by id, and their limits, against the real platform."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx

from tests.http.helpers import LIVE, SSE, SseReader, expected_event, without_time
from tests.subscriptions.fixtures import PlatformFactory
from tests.subscriptions.helpers import Platform, as_user, fresh_learner, lessons_of

TOKEN = "x-graphql-event-stream-token"


def caller(user: str) -> dict[str, str]:
    """The caller's ``Authorization``, minted once: every request with a stream token must
    carry the reservation's own credential."""
    return as_user(user)


async def reserve(platform: Platform, auth: dict[str, str]) -> str:
    response = await platform.http.put(platform.url, headers=auth)
    assert response.status_code == 201, response.text
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    return response.text


def code(response: httpx.Response) -> str:
    found: str = response.json()["errors"][0]["extensions"]["code"]
    return found


@contextlib.asynccontextmanager
async def stream(platform: Platform, token: str, auth: dict[str, str]) -> AsyncIterator[SseReader]:
    headers = {**SSE, TOKEN: token, **auth}
    async with platform.http.stream("GET", platform.url, headers=headers) as response:
        assert response.status_code == 200, await response.aread()
        assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
        yield SseReader(response)


async def run(
    platform: Platform,
    token: str,
    auth: dict[str, str],
    op_id: str | None,
    query: str,
    **variables: Any,
) -> httpx.Response:
    extensions = {"operationId": op_id} if op_id is not None else {}
    body = {"query": query, "variables": variables, "extensions": extensions}
    headers = {TOKEN: token, **auth}
    return await platform.http.post(platform.url, json=body, headers=headers)


async def test_operations_on_one_stream_by_id(platform: Platform) -> None:
    data = platform.subgraphs.data
    user = fresh_learner(platform.subgraphs)
    auth = caller(user)
    course = data.courses[0]
    lesson = lessons_of(platform.subgraphs, course["id"])[0]
    token = await reserve(platform, auth)
    async with stream(platform, token, auth) as events:
        accepted = await run(platform, token, auth, "live", LIVE)
        assert accepted.status_code == 202
        await platform.wait_for_subscribers(user, 1)
        query = "query Q($id: ID!) { course(id: $id) { title } }"
        assert (await run(platform, token, auth, "q", query, id=course["id"])).status_code == 202
        assert await events.next() == (
            "next",
            {"id": "q", "payload": {"data": {"course": {"title": course["title"]}}}},
        )
        assert await events.next() == ("complete", {"id": "q"})
        await platform.complete_lesson(user, lesson["id"])
        event, message = await events.next()
        assert event == "next" and message["id"] == "live"
        progress = message["payload"]["data"]["progressUpdated"]
        assert without_time(progress) == expected_event(data, user, lesson["id"], 1)
        # The client stops the subscription: its upstream subscription is closed.
        headers = {TOKEN: token, **auth}
        stopped = await platform.http.delete(
            platform.url, params={"operationId": "live"}, headers=headers
        )
        assert stopped.status_code == 200
        await platform.wait_for_subscribers(user, 0)
        # Stopping an id that is not running (any more) is harmless.
        again = await platform.http.delete(
            platform.url, params={"operationId": "live"}, headers=headers
        )
        assert again.status_code == 200


async def test_closing_the_stream_stops_its_operations_and_forgets_the_token(
    platform: Platform,
) -> None:
    user = fresh_learner(platform.subgraphs)
    auth = caller(user)
    token = await reserve(platform, auth)
    async with stream(platform, token, auth):
        # Two distinct subscriptions (identical ones may share one upstream).
        courses = [c["id"] for c in platform.subgraphs.data.courses[:2]]
        for op_id, course in zip("ab", courses, strict=True):
            accepted = await run(platform, token, auth, op_id, LIVE, courseId=course)
            assert accepted.status_code == 202
        await platform.wait_for_subscribers(user, 2)
    await platform.wait_for_subscribers(user, 0)
    late = await run(platform, token, auth, "c", LIVE)
    assert late.status_code == 404 and code(late) == "STREAM_NOT_FOUND"


async def test_unknown_token_or_other_credentials_find_no_stream(platform: Platform) -> None:
    user, other = fresh_learner(platform.subgraphs, 0), fresh_learner(platform.subgraphs, 1)
    auth = caller(user)
    token = await reserve(platform, auth)
    for response in (
        await platform.http.get(platform.url, headers={**SSE, TOKEN: "no-such-token"}),
        await run(platform, "no-such-token", auth, "x", LIVE),
        # The token alone is not enough: it opens nothing under another credential.
        await platform.http.get(platform.url, headers={**SSE, TOKEN: token, **as_user(other)}),
        await platform.http.get(platform.url, headers={**SSE, TOKEN: token}),
        await run(platform, token, caller(other), "x", LIVE),
    ):
        assert response.status_code == 404
        assert code(response) == "STREAM_NOT_FOUND"


async def test_one_stream_per_reservation(platform: Platform) -> None:
    user = fresh_learner(platform.subgraphs)
    auth = caller(user)
    token = await reserve(platform, auth)
    async with stream(platform, token, auth):
        headers = {**SSE, TOKEN: token, **auth}
        second = await platform.http.get(platform.url, headers=headers)
        assert second.status_code == 409 and code(second) == "STREAM_ALREADY_OPEN"


async def test_operation_ids_are_required_and_unique(platform: Platform) -> None:
    user = fresh_learner(platform.subgraphs)
    auth = caller(user)
    token = await reserve(platform, auth)
    async with stream(platform, token, auth):
        missing = await run(platform, token, auth, None, LIVE)
        assert missing.status_code == 400 and code(missing) == "MISSING_OPERATION_ID"
        assert (await run(platform, token, auth, "same", LIVE)).status_code == 202
        duplicate = await run(platform, token, auth, "same", LIVE)
        assert duplicate.status_code == 409 and code(duplicate) == "OPERATION_ID_IN_USE"
        headers = {TOKEN: token, **auth}
        no_id = await platform.http.delete(platform.url, headers=headers)
        assert no_id.status_code == 400 and code(no_id) == "MISSING_OPERATION_ID"


async def test_a_refused_operation_is_an_http_error(platform: Platform) -> None:
    user = fresh_learner(platform.subgraphs)
    auth = caller(user)
    token = await reserve(platform, auth)
    async with stream(platform, token, auth) as events:
        refused = await run(platform, token, auth, "bad", "subscription { nope }")
        assert refused.status_code == 400
        assert code(refused) == "GRAPHQL_VALIDATION_FAILED"
        # Nothing about it on the stream; the id is free again.
        query = "{ __typename }"
        assert (await run(platform, token, auth, "bad", query)).status_code == 202
        assert await events.next() == (
            "next",
            {"id": "bad", "payload": {"data": {"__typename": "Query"}}},
        )


async def test_a_bad_credential_reserves_nothing(platform: Platform) -> None:
    response = await platform.http.put(
        platform.url, headers={"authorization": "Bearer not-a-token"}
    )
    assert response.status_code == 401 and code(response) == "UNAUTHENTICATED"


async def test_reservations_per_caller_and_overall_are_bounded(
    make_platform: PlatformFactory,
) -> None:
    limits = {"max_reservations_per_caller": 2, "max_reservations": 3}
    async with make_platform(server={"http_subscriptions": limits}) as platform:
        first, second = fresh_learner(platform.subgraphs, 0), fresh_learner(platform.subgraphs, 1)
        await reserve(platform, caller(first))
        await reserve(platform, caller(first))
        over = await platform.http.put(platform.url, headers=as_user(first))
        assert over.status_code == 429 and code(over) == "TOO_MANY_STREAMS"
        await reserve(platform, caller(second))
        full = await platform.http.put(platform.url, headers=as_user(second))
        assert full.status_code == 503 and code(full) == "STREAM_RESERVATIONS_EXHAUSTED"


async def test_a_reservation_never_connected_expires(make_platform: PlatformFactory) -> None:
    limits = {"reservation_timeout_seconds": 0.1, "max_reservations_per_caller": 1}
    async with make_platform(server={"http_subscriptions": limits}) as platform:
        user = fresh_learner(platform.subgraphs)
        auth = caller(user)
        token = await reserve(platform, auth)
        await asyncio.sleep(0.3)
        headers = {**SSE, TOKEN: token, **auth}
        late = await platform.http.get(platform.url, headers=headers)
        assert late.status_code == 404 and code(late) == "STREAM_NOT_FOUND"
        await reserve(platform, auth)  # the expired one no longer counts for the caller
