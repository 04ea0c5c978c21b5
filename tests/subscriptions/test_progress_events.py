"""``progressUpdated`` through the gateway: an upstream subscription to ``progress`` per
client subscription, each event completed by entity fetches to ``courses``."""

from __future__ import annotations

import asyncio

from tests.subscriptions.helpers import (
    PROGRESS,
    Platform,
    as_user,
    fresh_learner,
    lessons_of,
    websocket,
)


async def test_event_from_a_mutation_through_the_gateway_with_entity_fields(
    platform: Platform,
) -> None:
    data = platform.subgraphs.data
    user = fresh_learner(platform.subgraphs)
    course = data.courses[0]
    lesson = lessons_of(platform.subgraphs, course["id"])[0]
    async with websocket(platform.ws_url) as client:
        await client.init({"headers": as_user(user)})
        await client.subscribe("1", PROGRESS)
        await platform.wait_for_subscribers(user, 1)
        await platform.complete_lesson(user, lesson["id"])
        message = await client.receive()
    event = message["payload"]["data"]["progressUpdated"]
    assert message["id"] == "1" and message["type"] == "next"
    assert "errors" not in message["payload"]
    # title and lesson.course come from the courses subgraph (entity fetches per event).
    assert event["lesson"] == {
        "id": lesson["id"],
        "title": lesson["title"],
        "course": {"id": course["id"], "title": course["title"]},
    }
    assert event["course"] == {"id": course["id"], "title": course["title"]}
    assert event["progress"] == {"completedLessons": 1}
    assert list(event) == ["occurredAt", "lesson", "course", "progress"]


async def test_course_filter_passes_only_that_courses_events(platform: Platform) -> None:
    data = platform.subgraphs.data
    user = fresh_learner(platform.subgraphs)
    wanted, other = data.courses[1]["id"], data.courses[2]["id"]
    async with websocket(platform.ws_url) as client:
        await client.init(as_user(user))
        await client.subscribe("f", PROGRESS, {"course": wanted})
        await platform.wait_for_subscribers(user, 1)
        await platform.complete_lesson(user, lessons_of(platform.subgraphs, other)[0]["id"], "o")
        await platform.complete_lesson(user, lessons_of(platform.subgraphs, wanted)[0]["id"], "w")
        message = await client.receive()
        assert message["payload"]["data"]["progressUpdated"]["course"]["id"] == wanted
        # Nothing else arrives: the other course's event was filtered out upstream.
        await client.send({"type": "ping", "payload": {"n": 1}})
        assert await client.receive() == {"type": "pong", "payload": {"n": 1}}


async def test_events_are_per_user(platform: Platform) -> None:
    first, second = fresh_learner(platform.subgraphs, 0), fresh_learner(platform.subgraphs, 1)
    lesson = lessons_of(platform.subgraphs, platform.subgraphs.data.courses[0]["id"])[0]["id"]
    async with websocket(platform.ws_url) as a, websocket(platform.ws_url) as b:
        await a.init(as_user(first))
        await b.init(as_user(second))
        await a.subscribe("x", PROGRESS)
        await b.subscribe("x", PROGRESS)
        await platform.wait_for_subscribers(first, 1)
        await platform.wait_for_subscribers(second, 1)
        await platform.complete_lesson(second, lesson)
        received = await b.receive()
        assert received["payload"]["data"]["progressUpdated"]["lesson"]["id"] == lesson
        await a.send({"type": "ping"})
        assert await a.receive() == {"type": "pong"}


async def test_anonymous_subscription_is_refused_by_the_gateway(
    platform: Platform,
) -> None:
    async with websocket(platform.ws_url) as client:
        await client.init()
        await client.subscribe("a", PROGRESS)
        message = await client.receive()
        assert message["id"] == "a"
        # progressUpdated is @authenticated (docs/authorization.md): no upstream opens.
        assert message["type"] == "error"
        codes = [e["extensions"]["code"] for e in message["payload"]]
        assert codes == ["UNAUTHORIZED_FIELD_OR_TYPE"]


async def test_handshake_headers_identify_the_connection(platform: Platform) -> None:
    user = fresh_learner(platform.subgraphs)
    lesson = lessons_of(platform.subgraphs, platform.subgraphs.data.courses[0]["id"])[0]["id"]
    async with websocket(platform.ws_url, headers=as_user(user)) as client:
        await client.init()
        await client.subscribe("h", PROGRESS)
        await platform.wait_for_subscribers(user, 1)
        await platform.complete_lesson(user, lesson)
        message = await client.receive()
        assert message["payload"]["data"]["progressUpdated"]["lesson"]["id"] == lesson


async def test_client_complete_ends_the_upstream_subscription(platform: Platform) -> None:
    user = fresh_learner(platform.subgraphs)
    lessons = lessons_of(platform.subgraphs, platform.subgraphs.data.courses[0]["id"])
    async with websocket(platform.ws_url) as client:
        await client.init(as_user(user))
        await client.subscribe("c", PROGRESS)
        await platform.wait_for_subscribers(user, 1)
        await client.send({"id": "c", "type": "complete"})
        await platform.wait_for_subscribers(user, 0)
        # No event for "c" any more; the id is free again and works for a new one.
        await platform.complete_lesson(user, lessons[0]["id"], "1")
        await client.subscribe("c", PROGRESS)
        await platform.wait_for_subscribers(user, 1)
        await platform.complete_lesson(user, lessons[1]["id"], "2")
        message = await client.receive()
        assert message["id"] == "c"
        assert message["payload"]["data"]["progressUpdated"]["lesson"]["id"] == lessons[1]["id"]
    await platform.wait_for_connections(0)
    await platform.wait_for_subscribers(user, 0)


async def test_client_disconnect_closes_every_upstream(platform: Platform) -> None:
    user = fresh_learner(platform.subgraphs)
    tasks_before = len(asyncio.all_tasks())
    async with websocket(platform.ws_url) as client:
        await client.init(as_user(user))
        courses = [c["id"] for c in platform.subgraphs.data.courses[:3]]
        for op_id, course in zip(("1", "2", "3"), courses, strict=True):
            await client.subscribe(op_id, PROGRESS, {"course": course})
        await platform.wait_for_subscribers(user, 3)
        assert len(platform.gateway.websockets) == 1
    await platform.wait_for_subscribers(user, 0)
    await platform.wait_for_connections(0)
    # Every task the connection started (operations, upstream sockets) has ended.
    for _ in range(200):
        if len(asyncio.all_tasks()) <= tasks_before:
            break
        await asyncio.sleep(0.01)
    assert len(asyncio.all_tasks()) <= tasks_before, asyncio.all_tasks()
