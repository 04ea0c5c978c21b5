"""GraphQL over SSE, distinct connections mode, against the real platform: the protocol's
edges read with ``httpx-sse`` (the real graphql-sse client is in test_stream_clients.py)."""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.http.helpers import (
    LIVE,
    MANIFEST,
    MULTIPART,
    SSE,
    SseReader,
    expected_event,
    live_stream,
    manifest_id,
    persisted,
    wait_until,
    without_time,
)
from tests.subscriptions.fixtures import PlatformFactory
from tests.subscriptions.helpers import (
    Platform,
    as_user,
    fresh_learner,
    lessons_of,
    progress_unreachable,
)


async def test_subscription_streams_events_with_fields_of_all_three_subgraphs(
    platform: Platform,
) -> None:
    data = platform.subgraphs.data
    user = fresh_learner(platform.subgraphs)
    lesson = lessons_of(platform.subgraphs, data.courses[0]["id"])[0]
    body = {"query": LIVE, "variables": {"courseId": None}}
    async with platform.http.stream(
        "POST", platform.url, json=body, headers={**SSE, **as_user(user)}
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
        assert response.headers["cache-control"] == "no-cache"
        events = SseReader(response)
        await platform.wait_for_subscribers(user, 1)
        assert platform.gateway.http_streams.open["sse"] == 1
        await platform.complete_lesson(user, lesson["id"])
        event, payload = await events.next()
    assert event == "next"
    assert list(payload) == ["data"]
    progress = payload["data"]["progressUpdated"]
    assert without_time(progress) == expected_event(data, user, lesson["id"], 1)
    # The client closed the stream: its upstream subscription is closed too.
    await platform.wait_for_subscribers(user, 0)
    await wait_until(lambda: platform.gateway.http_streams.open["sse"] == 0, "no open stream")
    assert platform.gateway.http_streams.events["sse"] == 1


@pytest.mark.parametrize("accept", [SSE, MULTIPART], ids=["sse", "multipart"])
async def test_disconnects_leave_no_task_behind(platform: Platform, accept: dict[str, str]) -> None:
    user = fresh_learner(platform.subgraphs)
    auth = as_user(user)
    await asyncio.sleep(0.05)
    before = len(asyncio.all_tasks())
    for _ in range(100):
        async with platform.http.stream(
            "POST", platform.url, json={"query": LIVE}, headers={**accept, **auth}
        ) as response:
            assert response.status_code == 200
            await platform.wait_for_subscribers(user, 1)
        await platform.wait_for_subscribers(user, 0)
    # Every task of those streams (pump, watcher, producer, upstream) has ended, and
    # nothing of them is left registered.
    await wait_until(lambda: len(asyncio.all_tasks()) <= before, "the tasks to end")
    streams = platform.gateway.http_streams
    assert streams.open == {"sse": 0, "multipart": 0}
    assert not streams._stops


async def test_persisted_subscription_by_hash_over_get(make_platform: PlatformFactory) -> None:
    config = {"persisted": {"mode": "allowlist", "manifest": str(MANIFEST)}}
    async with make_platform(**config) as platform:
        user = fresh_learner(platform.subgraphs)
        course = platform.subgraphs.data.courses[0]
        lesson = lessons_of(platform.subgraphs, course["id"])[0]
        params = {
            "extensions": json.dumps(persisted(manifest_id("ProgressUpdated"))),
            "variables": json.dumps({"courseId": course["id"]}),
        }
        headers = {**SSE, **as_user(user), "apollo-require-preflight": "1"}
        async with platform.http.stream(
            "GET", platform.url, params=params, headers=headers
        ) as response:
            assert response.status_code == 200
            events = SseReader(response)
            await platform.wait_for_subscribers(user, 1)
            completed = await platform.http.post(  # the app's mutation, by hash too
                platform.url,
                json={
                    "variables": {"input": {"lessonId": lesson["id"], "clientMutationId": "a"}},
                    "extensions": persisted(manifest_id("CompleteLesson")),
                },
                headers=as_user(user),
            )
            assert "errors" not in completed.json()
            event, payload = await events.next()
    assert event == "next"
    assert payload["data"]["progressUpdated"]["lesson"]["id"] == lesson["id"]


async def test_get_still_needs_csrf_prevention_and_runs_no_mutation(platform: Platform) -> None:
    user = fresh_learner(platform.subgraphs)
    query = {"query": LIVE}
    simple = await platform.http.get(platform.url, params=query, headers={**SSE, **as_user(user)})
    assert simple.status_code == 400
    assert simple.json()["errors"][0]["extensions"]["code"] == "CSRF_PREVENTED"
    mutation = {"query": 'mutation { enroll(courseId: "crs_0001") { id } }'}
    headers = {**SSE, **as_user(user), "apollo-require-preflight": "1"}
    refused = await platform.http.get(platform.url, params=mutation, headers=headers)
    assert refused.status_code == 405
    assert refused.headers["allow"] == "POST"
    assert refused.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


async def test_request_errors_are_a_next_event_then_complete(platform: Platform) -> None:
    body = {"query": "subscription { progressUpdated { nope } }"}
    async with platform.http.stream("POST", platform.url, json=body, headers=SSE) as response:
        # The graphql-sse protocol: validation errors go through the accepted stream.
        assert response.status_code == 200
        events = SseReader(response)
        event, payload = await events.next()
        assert event == "next"
        assert [e["extensions"]["code"] for e in payload["errors"]] == ["GRAPHQL_VALIDATION_FAILED"]
        assert await events.next() == ("complete", None)
        assert await events.ended()


async def test_a_query_is_one_next_then_complete(platform: Platform) -> None:
    course = platform.subgraphs.data.courses[0]
    query = {
        "query": "query Q($id: ID!) { course(id: $id) { title } }",
        "variables": {"id": course["id"]},
    }
    async with platform.http.stream("POST", platform.url, json=query, headers=SSE) as response:
        events = SseReader(response)
        assert await events.next() == ("next", {"data": {"course": {"title": course["title"]}}})
        assert await events.next() == ("complete", None)
        assert await events.ended()


async def test_upstream_failure_ends_the_stream_with_the_error(
    make_platform: PlatformFactory,
) -> None:
    async with (
        progress_unreachable(make_platform) as platform,
        live_stream(platform, SSE) as (_user, response),
    ):
        events = SseReader(response)
        event, payload = await events.next()
        assert event == "next"
        [error] = payload["errors"]
        assert error["extensions"] == {"code": "SUBGRAPH_FETCH_FAILED", "service": "progress"}
        assert await events.next() == ("complete", None)
        assert await events.ended()


async def test_keepalive_comments_while_idle(make_platform: PlatformFactory) -> None:
    config = {"server": {"http_subscriptions": {"sse_keepalive_seconds": 0.05}}}
    async with (
        make_platform(**config) as platform,
        live_stream(platform, SSE) as (_user, response),
    ):
        lines = response.aiter_lines()
        comments = [await asyncio.wait_for(anext(lines), 5) for _ in range(3)]
    assert comments == [":", ":", ":"]


async def test_sse_can_be_turned_off(make_platform: PlatformFactory) -> None:
    config = {"server": {"http_subscriptions": {"sse": False}}}
    async with make_platform(**config) as platform:
        only_sse = await platform.http.post(platform.url, json={"query": LIVE}, headers=SSE)
        assert only_sse.status_code == 406
        assert only_sse.json()["errors"][0]["extensions"]["code"] == "NOT_ACCEPTABLE"
        either = {"accept": "text/event-stream, application/json"}
        plain = await platform.http.post(platform.url, json={"query": LIVE}, headers=either)
        assert plain.json()["errors"][0]["extensions"]["code"] == (
            "SUBSCRIPTION_NOT_SUPPORTED_OVER_HTTP"
        )


async def test_a_rate_limit_is_an_http_429_the_client_can_back_off_on(
    make_platform: PlatformFactory,
) -> None:
    limits = {"operations": {"per_second": 0.01, "burst": 1}}
    async with make_platform(rate_limits=limits) as platform:
        auth = as_user(fresh_learner(platform.subgraphs))
        query = {"query": "{ __typename }"}
        async with platform.http.stream(
            "POST", platform.url, json=query, headers={**SSE, **auth}
        ) as first:
            assert first.status_code == 200
        second = await platform.http.post(platform.url, json=query, headers={**SSE, **auth})
    # Not a `next` in a stream: graphql-sse clients retry a failed connection with backoff.
    assert second.status_code == 429
    assert "retry-after" in second.headers
    assert second.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
