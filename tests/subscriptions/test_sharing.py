"""Identical subscriptions share one upstream subscription and one run of the plan per
event (gateway/subscriptions/hub.py); different callers never share; the last subscriber
out completes the upstream."""

from __future__ import annotations

import asyncio
from typing import Any

from gateway.request import GraphQLParams, RequestContext
from gateway.subscriptions.execution import run_subscription
from gateway.types import JSONObject
from tests.subscriptions.fixtures import PlatformFactory
from tests.subscriptions.helpers import (
    PROGRESS,
    SUPERGRAPH,
    Platform,
    as_user,
    fresh_learner,
    lessons_of,
    statements_on,
    wait_until,
    websocket,
)


def longest_course(platform: Platform) -> tuple[str, list[dict[str, Any]]]:
    data = platform.subgraphs.data
    course = max(data.courses, key=lambda c: len(lessons_of(platform.subgraphs, c["id"])))
    return course["id"], lessons_of(platform.subgraphs, course["id"])


async def test_identical_subscriptions_share_one_upstream_and_one_plan_run(
    platform: Platform,
) -> None:
    user = fresh_learner(platform.subgraphs)
    _, lessons = longest_course(platform)
    hub = platform.gateway.subscription_hub
    courses_app = platform.subgraphs.apps["courses"]
    token = as_user(user)  # one token: a new one may expire at another second, and the
    # signed identity forwarded to the subgraph (part of the sharing key) would differ
    async with websocket(platform.ws_url) as a, websocket(platform.ws_url) as b:
        await a.init(token)
        await b.init(token)
        await a.subscribe("1", PROGRESS)
        await platform.wait_for_subscribers(user, 1)
        # What one subscriber's event costs the courses subgraph (its entity fetches).
        with statements_on(courses_app) as alone:
            await platform.complete_lesson(user, lessons[0]["id"], "alone")
            await a.receive()
        await a.subscribe("2", PROGRESS)  # the same connection
        await b.subscribe("1", PROGRESS)  # another connection, same caller
        await wait_until(lambda: hub.subscribers == 3, "three subscribers")
        assert platform.subscribers(user) == 1
        assert len(hub) == 1
        with statements_on(courses_app) as shared:
            await platform.complete_lesson(user, lessons[1]["id"], "shared")
            received = [await a.receive(), await a.receive(), await b.receive()]
    assert sorted(m["id"] for m in received) == ["1", "1", "2"]
    payloads = [m["payload"] for m in received]
    assert payloads[0] == payloads[1] == payloads[2]
    event = payloads[0]["data"]["progressUpdated"]
    assert event["lesson"]["title"] == lessons[1]["title"]
    # Three subscribers, one run of the entity fetches.
    assert alone and len(shared) == len(alone)
    await platform.wait_for_subscribers(user, 0)
    assert len(hub) == 0 and hub.subscribers == 0


async def test_different_callers_never_share(platform: Platform) -> None:
    first, second = fresh_learner(platform.subgraphs, 0), fresh_learner(platform.subgraphs, 1)
    _, lessons = longest_course(platform)
    hub = platform.gateway.subscription_hub
    async with websocket(platform.ws_url) as a, websocket(platform.ws_url) as b:
        await a.init(as_user(first))
        await b.init(as_user(second))
        await a.subscribe("x", PROGRESS)
        await b.subscribe("x", PROGRESS)
        await platform.wait_for_subscribers(first, 1)
        await platform.wait_for_subscribers(second, 1)
        assert len(hub) == 2
        await platform.complete_lesson(first, lessons[0]["id"])
        message = await a.receive()
        assert message["payload"]["data"]["progressUpdated"]["lesson"]["id"] == lessons[0]["id"]
        # The second caller's stream saw nothing of the first's event.
        await b.send({"type": "ping", "payload": {"n": 1}})
        assert await b.receive() == {"type": "pong", "payload": {"n": 1}}


async def test_different_variables_do_not_share(platform: Platform) -> None:
    user = fresh_learner(platform.subgraphs)
    courses = [c["id"] for c in platform.subgraphs.data.courses[:2]]
    async with websocket(platform.ws_url) as client:
        await client.init(as_user(user))
        await client.subscribe("a", PROGRESS, {"course": courses[0]})
        await client.subscribe("b", PROGRESS, {"course": courses[1]})
        await platform.wait_for_subscribers(user, 2)
        assert len(platform.gateway.subscription_hub) == 2


async def test_the_last_subscriber_leaving_completes_the_upstream(platform: Platform) -> None:
    user = fresh_learner(platform.subgraphs)
    _, lessons = longest_course(platform)
    hub = platform.gateway.subscription_hub
    token = as_user(user)
    async with websocket(platform.ws_url) as a:
        await a.init(token)
        async with websocket(platform.ws_url) as b:
            await b.init(token)
            await a.subscribe("s", PROGRESS)
            await b.subscribe("s", PROGRESS)
            await wait_until(lambda: hub.subscribers == 2, "two subscribers")
            await platform.wait_for_subscribers(user, 1)
        # b is gone: a's share keeps the upstream open, and events still reach a.
        await wait_until(lambda: hub.subscribers == 1, "b's share released")
        assert platform.subscribers(user) == 1
        await platform.complete_lesson(user, lessons[0]["id"])
        message = await a.receive()
        assert message["payload"]["data"]["progressUpdated"]["lesson"]["id"] == lessons[0]["id"]
        await a.send({"id": "s", "type": "complete"})
        await platform.wait_for_subscribers(user, 0)
        assert len(hub) == 0 and hub.subscribers == 0


async def test_a_reload_keeps_running_streams_and_starts_new_ones(platform: Platform) -> None:
    user = fresh_learner(platform.subgraphs)
    _, lessons = longest_course(platform)
    hub = platform.gateway.subscription_hub
    token = as_user(user)
    async with websocket(platform.ws_url) as a, websocket(platform.ws_url) as b:
        await a.init(token)
        await b.init(token)
        await a.subscribe("s", PROGRESS)
        await platform.wait_for_subscribers(user, 1)
        # Another supergraph text (another hash): a new plan, so a stream of its own.
        await platform.gateway.reload(SUPERGRAPH.read_text() + "\n# reloaded\n")
        await b.subscribe("s", PROGRESS)
        await platform.wait_for_subscribers(user, 2)
        assert len(hub) == 2
        await platform.complete_lesson(user, lessons[0]["id"])
        for client in (a, b):
            message = await client.receive()
            assert message["payload"]["data"]["progressUpdated"]["lesson"]["id"] == lessons[0]["id"]


async def test_closing_the_gateway_completes_every_stream(make_platform: PlatformFactory) -> None:
    async with make_platform() as platform:
        user = fresh_learner(platform.subgraphs)
        gateway = platform.gateway
        context = await gateway.open_connection(
            RequestContext(headers=dict(as_user(user)), transport="websocket")
        )
        prepared = await gateway.prepare(GraphQLParams(query=PROGRESS), context, subscriptions=True)

        async def emit(_result: JSONObject) -> None:
            raise AssertionError("no event was sent")

        # As another transport would run it (no websocket involved).
        running = asyncio.create_task(run_subscription(gateway, prepared, emit))
        await platform.wait_for_subscribers(user, 1)
        await gateway.close()
        await asyncio.wait_for(running, 10)  # it completes: no error raised
        await platform.wait_for_subscribers(user, 0)
        assert len(gateway.subscription_hub) == 0
