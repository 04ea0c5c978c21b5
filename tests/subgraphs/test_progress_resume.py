"""``progressUpdated(after:)``: replay from a cursor, then live, with no gap and no
duplicate; over real websockets, with the in-process broker and with a real Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import redis.asyncio as redis

from subgraphs._shared.pagination import encode_cursor
from subgraphs.progress import feed
from subgraphs.progress.events import decode_event_cursor, encode_event_cursor
from subgraphs.progress.history import LearnerHistory, load_history
from subgraphs.progress.state import channel_for
from tests.servers import throwaway_redis
from tests.subgraphs.helpers import (
    GraphQLWebSocket,
    RunningSubgraphs,
    as_user,
    codes,
    gql,
    graphql_ws,
    running_subgraphs,
    wait_for_subscribers,
)

SUBSCRIPTION = """subscription($course: ID, $after: String) {
    progressUpdated(courseId: $course, after: $after) {
        cursor lesson { id } course { id } occurredAt
        progress { completedLessons completedLessonIds lastActivityAt } } }"""
COMPLETE = """mutation($input: CompleteLessonInput!) {
    completeLesson(input: $input) { clientMutationId } }"""


@dataclass
class Platform:
    subgraphs: RunningSubgraphs
    #: Subscribers listening on a broker channel (in this process, or in Redis).
    subscribers: Callable[[str], Awaitable[int]]

    @property
    def broker(self) -> Any:
        return self.subgraphs.apps["progress"].state.broker


@pytest.fixture(params=["in-process", "redis"])
async def platform(
    request: pytest.FixtureRequest, shared_databases: dict[str, str] | None
) -> AsyncIterator[Platform]:
    """The subgraphs, the progress subgraph on the in-process broker or on a real Redis."""
    if request.param == "in-process":
        async with running_subgraphs(database_urls=shared_databases) as running:
            broker = running.apps["progress"].state.broker

            async def in_process(channel: str) -> int:
                return int(broker.subscriber_count(channel))

            yield Platform(running, in_process)
        return
    with throwaway_redis() as redis_url:
        numsub = redis.Redis.from_url(redis_url)

        async def in_redis(channel: str) -> int:
            [(_, count)] = await numsub.pubsub_numsub(channel)
            return int(count)

        try:
            async with running_subgraphs(redis_url, database_urls=shared_databases) as running:
                yield Platform(running, in_redis)
        finally:
            await numsub.aclose()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as http:
        yield http


class Learner:
    """A learner with no completions yet, completing lessons over HTTP and following
    their events over graphql-transport-ws."""

    def __init__(self, platform: Platform, client: httpx.AsyncClient, skip: int = 0):
        data = platform.subgraphs.data
        enrolled = {e["user_id"] for e in data.enrollments}
        learners = [
            u["id"] for u in data.users if u["role"] == "LEARNER" and u["id"] not in enrolled
        ]
        self.id: str = learners[skip]
        self.platform = platform
        self.client = client
        self.url = platform.subgraphs.urls["progress"]
        self.completed = 0

    def course(self, index: int) -> str:
        return str(self.platform.subgraphs.data.courses[index]["id"])

    def lessons(self, course_index: int) -> list[str]:
        course_id = self.course(course_index)
        lessons = self.platform.subgraphs.data.lessons
        return [x["id"] for x in lessons if x["course_id"] == course_id]

    async def complete(self, lesson: str) -> None:
        self.completed += 1
        variables = {"input": {"lessonId": lesson, "clientMutationId": f"m{self.completed}"}}
        body = await gql(self.client, self.url, COMPLETE, variables, as_user(self.id))
        assert "errors" not in body, body

    async def subscribe(
        self,
        ws: GraphQLWebSocket,
        op_id: str,
        after: str | None = None,
        course: str | None = None,
    ) -> None:
        """Subscribe and wait until the subscription listens on the broker."""
        channel = channel_for(self.id)
        before = await self.platform.subscribers(channel)
        await ws.subscribe(op_id, SUBSCRIPTION, {"after": after, "course": course})
        await wait_for_subscribers(self.platform.subscribers, channel, before + 1)

    async def gone(self) -> None:
        """Wait until no subscription of this learner listens (after a disconnect)."""

        async def none_left(channel: str) -> int:
            return 1 if await self.platform.subscribers(channel) == 0 else 0

        await wait_for_subscribers(none_left, channel_for(self.id))


async def events(ws: GraphQLWebSocket, op_id: str, count: int) -> list[dict[str, Any]]:
    """The next ``count`` events of subscription ``op_id``."""
    found = []
    for _ in range(count):
        message = await ws.receive()
        assert message["type"] == "next" and message["id"] == op_id, message
        assert "errors" not in message["payload"], message
        found.append(message["payload"]["data"]["progressUpdated"])
    return found


def lessons_of(received: list[dict[str, Any]]) -> list[str]:
    return [event["lesson"]["id"] for event in received]


def cursors_of(received: list[dict[str, Any]]) -> list[int]:
    return [decode_event_cursor(event["cursor"]) for event in received]


async def test_replays_the_events_after_a_cursor_in_order_then_continues_live(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    learner = Learner(platform, client)
    a, b = learner.lessons(0), learner.lessons(1)
    async with graphql_ws(learner.url, init_payload=as_user(learner.id)) as ws:
        await learner.subscribe(ws, "live")
        for lesson in (a[0], a[1], b[0]):
            await learner.complete(lesson)
        live = await events(ws, "live", 3)
    await learner.gone()
    assert lessons_of(live) == [a[0], a[1], b[0]]
    # Offline for a while: two more completions (on another device).
    for lesson in (a[2], b[1]):
        await learner.complete(lesson)
    async with graphql_ws(learner.url, init_payload=as_user(learner.id)) as ws:
        await learner.subscribe(ws, "resume", after=live[0]["cursor"])
        replayed = await events(ws, "resume", 4)
        await learner.complete(a[3])
        [then] = await events(ws, "resume", 1)
    assert lessons_of(replayed) == [a[1], b[0], a[2], b[1]]
    # A replayed event is the live one: same cursor, same progress (as of that event).
    assert replayed[:2] == live[1:]
    assert replayed[2]["progress"]["completedLessonIds"] == sorted(a[:3])
    assert replayed[3]["progress"]["completedLessons"] == 2
    assert then["lesson"]["id"] == a[3]
    positions = cursors_of(live[:1] + replayed + [then])
    assert positions == sorted(set(positions))


async def test_a_course_filter_replays_and_follows_that_course_only(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    learner = Learner(platform, client)
    a, b = learner.lessons(0), learner.lessons(1)
    async with graphql_ws(learner.url, init_payload=as_user(learner.id)) as ws:
        await learner.subscribe(ws, "live")
        await learner.complete(a[0])
        [first] = await events(ws, "live", 1)
    await learner.gone()
    for lesson in (b[0], a[1], b[1]):
        await learner.complete(lesson)
    async with graphql_ws(learner.url, init_payload=as_user(learner.id)) as ws:
        await learner.subscribe(ws, "a", after=first["cursor"], course=learner.course(0))
        [replayed] = await events(ws, "a", 1)
        await learner.complete(b[2])
        await learner.complete(a[2])
        [live] = await events(ws, "a", 1)
    assert replayed["lesson"]["id"] == a[1]
    assert replayed["progress"]["completedLessonIds"] == sorted(a[:2])
    assert live["lesson"]["id"] == a[2]
    assert {replayed["course"]["id"], live["course"]["id"]} == {learner.course(0)}


@pytest.mark.parametrize("commit", ["before the replay reads", "after the replay read"])
async def test_an_event_committed_while_the_replay_runs_is_delivered_once(
    platform: Platform,
    client: httpx.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
    commit: str,
) -> None:
    learner = Learner(platform, client)
    lessons = learner.lessons(2)
    await learner.complete(lessons[0])
    await learner.complete(lessons[1])
    read_history = load_history
    raced = False

    async def racing_read(*args: Any, **kwargs: Any) -> LearnerHistory:
        # The subscription is on the broker by now; a completion commits right before
        # or right after the replay's database read.
        nonlocal raced
        if raced:
            return await read_history(*args, **kwargs)
        raced = True
        if commit == "before the replay reads":
            await learner.complete(lessons[2])
        history = await read_history(*args, **kwargs)
        if commit == "after the replay read":
            await learner.complete(lessons[2])
        return history

    monkeypatch.setattr(feed, "load_history", racing_read)
    async with graphql_ws(learner.url, init_payload=as_user(learner.id)) as ws:
        # The learner's first event is at position 1.
        await learner.subscribe(ws, "r", after=encode_event_cursor(1))
        received = await events(ws, "r", 2)
        await learner.complete(lessons[3])
        received += await events(ws, "r", 1)
    assert raced
    assert lessons_of(received) == lessons[1:4]
    assert cursors_of(received) == [2, 3, 4]


async def test_late_and_lost_announcements_are_read_from_the_database(
    platform: Platform, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    learner = Learner(platform, client)
    lessons = learner.lessons(3)
    broker = platform.broker
    publish = broker.publish
    second_published = asyncio.Event()

    async def unreliable_publish(channel: str, message: dict[str, Any]) -> None:
        position = decode_event_cursor(message["cursor"])
        if position == 1:  # late: announced only after the second event
            await second_published.wait()
        if position == 3:  # lost, as pub/sub may lose a message
            return
        await publish(channel, message)
        if position == 2:
            second_published.set()

    monkeypatch.setattr(broker, "publish", unreliable_publish)
    async with graphql_ws(learner.url, init_payload=as_user(learner.id)) as ws:
        await learner.subscribe(ws, "live")
        await asyncio.gather(learner.complete(lessons[0]), learner.complete(lessons[1]))
        received = await events(ws, "live", 2)
        await learner.complete(lessons[2])
        await learner.complete(lessons[3])
        received += await events(ws, "live", 2)
    assert cursors_of(received) == [1, 2, 3, 4]
    assert sorted(lessons_of(received)[:2]) == sorted(lessons[:2])
    assert lessons_of(received)[2:] == lessons[2:4]
    assert [e["progress"]["completedLessons"] for e in received] == [1, 2, 3, 4]


async def test_concurrent_completions_arrive_once_each_in_cursor_order(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    learner = Learner(platform, client)
    lessons = learner.lessons(4)[:8]
    async with graphql_ws(learner.url, init_payload=as_user(learner.id)) as ws:
        await learner.subscribe(ws, "live")
        await asyncio.gather(*(learner.complete(lesson) for lesson in lessons))
        received = await events(ws, "live", len(lessons))
        async with graphql_ws(learner.url, init_payload=as_user(learner.id)) as again:
            await learner.subscribe(again, "all", after=encode_event_cursor(0))
            replayed = await events(again, "all", len(lessons))
    assert cursors_of(received) == list(range(1, len(lessons) + 1))
    assert sorted(lessons_of(received)) == sorted(lessons)
    assert replayed == received


async def test_only_the_callers_events_whatever_the_cursor(
    subgraphs: RunningSubgraphs, client: httpx.AsyncClient
) -> None:
    platform = Platform(subgraphs, lambda channel: in_process_count(subgraphs, channel))
    other, learner = Learner(platform, client, skip=0), Learner(platform, client, skip=1)
    for lesson in other.lessons(0)[:3]:
        await other.complete(lesson)
    mine = learner.lessons(1)[0]
    await learner.complete(mine)
    async with graphql_ws(learner.url, init_payload=as_user(learner.id)) as ws:
        await learner.subscribe(ws, "all", after=encode_event_cursor(0))
        [event] = await events(ws, "all", 1)
        assert event["lesson"]["id"] == mine
        # A position past the caller's latest event is not theirs.
        await ws.subscribe("ahead", SUBSCRIPTION, {"after": encode_event_cursor(3)})
        assert error_codes(await ws.receive()) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "not a cursor!",
        "x" * 5000,
        encode_cursor("enrollment", "crs_0001"),
        encode_cursor("progress.v1", "abc"),
        encode_cursor("progress.v1", "-1"),
        encode_cursor("progress.v1", "1e3"),
        encode_cursor("progress.v1", "9" * 40),
        encode_cursor("progress.v2", "1"),
    ],
)
async def test_a_malformed_cursor_is_bad_user_input(
    subgraphs: RunningSubgraphs, client: httpx.AsyncClient, cursor: str
) -> None:
    platform = Platform(subgraphs, lambda channel: in_process_count(subgraphs, channel))
    learner = Learner(platform, client)
    async with graphql_ws(learner.url, init_payload=as_user(learner.id)) as ws:
        await ws.subscribe("bad", SUBSCRIPTION, {"after": cursor})
        message = await ws.receive()
    assert message["id"] == "bad"
    assert error_codes(message) == ["BAD_USER_INPUT"]


async def in_process_count(subgraphs: RunningSubgraphs, channel: str) -> int:
    return int(subgraphs.apps["progress"].state.broker.subscriber_count(channel))


def error_codes(message: dict[str, Any]) -> list[str]:
    """The codes of a subscription's errors (an ``error`` message, or a ``next`` with
    errors: Strawberry sends one or the other depending on where the error is raised)."""
    if message["type"] == "error":
        return [e["extensions"]["code"] for e in message["payload"]]
    assert message["type"] == "next", message
    return codes(message["payload"])
