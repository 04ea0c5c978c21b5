"""Enrolling and completing lessons, including the offline sync semantics."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from subgraphs.progress.state import channel_for
from tests.subgraphs.helpers import RunningSubgraphs, as_user, codes, gql

PROGRESS_FIELDS = "completedLessons completedLessonIds percentComplete status lastActivityAt"
COMPLETE = f"""mutation($input: CompleteLessonInput!) {{ completeLesson(input: $input) {{
    clientMutationId progress {{ {PROGRESS_FIELDS} course {{ id }} }} }} }}"""
SYNC = f"""mutation($events: [CompleteLessonInput!]!) {{ syncProgress(events: $events) {{
    clientMutationId ok error {{ code message }} progress {{ {PROGRESS_FIELDS} }} }} }}"""
READ = f"""query($r: [_Any!]!, $course: ID!) {{ _entities(representations: $r) {{
    ... on User {{ progress(courseId: $course) {{ {PROGRESS_FIELDS} }}
        enrollments {{ nodes {{ course {{ id }} }} }} }} }} }}"""
T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def fresh_learner(subgraphs: RunningSubgraphs, skip: int = 0) -> str:
    """A learner with no enrollments yet."""
    enrolled = {e["user_id"] for e in subgraphs.data.enrollments}
    learners = [
        u["id"] for u in subgraphs.data.users if u["role"] == "LEARNER" and u["id"] not in enrolled
    ]
    return learners[skip]


def lessons_of(subgraphs: RunningSubgraphs, course_id: str) -> list[str]:
    return [x["id"] for x in subgraphs.data.lessons if x["course_id"] == course_id]


async def read(client: httpx.AsyncClient, subgraphs: RunningSubgraphs, user: str, course: str):
    variables = {"r": [{"__typename": "User", "id": user}], "course": course}
    body = await gql(client, subgraphs.urls["progress"], READ, variables, as_user(user))
    assert "errors" not in body, body
    entity: dict[str, Any] = body["data"]["_entities"][0]
    return entity


def at(minutes: int) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat()


async def test_enroll_is_idempotent_and_checks_the_course(
    subgraphs: RunningSubgraphs, client: httpx.AsyncClient
):
    user, course = fresh_learner(subgraphs), subgraphs.data.courses[0]["id"]
    url = subgraphs.urls["progress"]
    query = "mutation($c: ID!) { enroll(courseId: $c) { id course { id } user { id } } }"
    first = await gql(client, url, query, {"c": course}, as_user(user))
    again = await gql(client, url, query, {"c": course}, as_user(user))
    assert first == again
    assert first["data"]["enroll"]["course"] == {"id": course}
    assert first["data"]["enroll"]["user"] == {"id": user}

    missing = await gql(client, url, query, {"c": "crs_9999"}, as_user(user))
    assert missing["data"] is None and codes(missing) == ["NOT_FOUND"]
    anonymous = await gql(client, url, query, {"c": course})
    assert codes(anonymous) == ["UNAUTHENTICATED"]
    state = await read(client, subgraphs, user, course)
    assert state["enrollments"] == {"nodes": [{"course": {"id": course}}]}
    assert state["progress"]["status"] == "NOT_STARTED"


async def test_complete_lesson_is_idempotent(
    subgraphs: RunningSubgraphs, client: httpx.AsyncClient
):
    user, course = fresh_learner(subgraphs), subgraphs.data.courses[1]["id"]
    lessons = lessons_of(subgraphs, course)
    url, who = subgraphs.urls["progress"], as_user(user)
    event = {"lessonId": lessons[0], "clientMutationId": "m-1", "occurredAt": at(0)}
    first = await gql(client, url, COMPLETE, {"input": event}, who)
    assert first == {
        "data": {
            "completeLesson": {
                "clientMutationId": "m-1",
                "progress": {
                    "completedLessons": 1,
                    "completedLessonIds": [lessons[0]],
                    "percentComplete": round(100 / len(lessons), 1),
                    "status": "IN_PROGRESS",
                    "lastActivityAt": at(0),
                    "course": {"id": course},
                },
            }
        }
    }
    # The same clientMutationId again: the same answer, still one completion.
    assert await gql(client, url, COMPLETE, {"input": event}, who) == first
    # The same lesson under another id, later: one completion, the earliest time kept.
    later = {"lessonId": lessons[0], "clientMutationId": "m-2", "occurredAt": at(30)}
    replay = await gql(client, url, COMPLETE, {"input": later}, who)
    assert (
        replay["data"]["completeLesson"]["progress"] == first["data"]["completeLesson"]["progress"]
    )
    # Completing a lesson enrolled the learner.
    state = await read(client, subgraphs, user, course)
    assert state["enrollments"] == {"nodes": [{"course": {"id": course}}]}
    assert state["progress"]["completedLessons"] == 1


async def test_bad_completions_write_nothing(
    subgraphs: RunningSubgraphs, client: httpx.AsyncClient
):
    user, course = fresh_learner(subgraphs), subgraphs.data.courses[2]["id"]
    lessons = lessons_of(subgraphs, course)
    url, who = subgraphs.urls["progress"], as_user(user)
    ok = {"lessonId": lessons[0], "clientMutationId": "used", "occurredAt": at(0)}
    assert "errors" not in await gql(client, url, COMPLETE, {"input": ok}, who)
    before = await read(client, subgraphs, user, course)

    future = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    cases = [
        ({"lessonId": lessons[1], "clientMutationId": "used"}, "BAD_USER_INPUT"),
        ({"lessonId": "les_nope", "clientMutationId": "n1"}, "NOT_FOUND"),
        (
            {"lessonId": lessons[1], "clientMutationId": "n2", "occurredAt": future},
            "BAD_USER_INPUT",
        ),
        (
            {
                "lessonId": lessons[1],
                "clientMutationId": "n3",
                "occurredAt": "1999-12-31T00:00:00Z",
            },
            "BAD_USER_INPUT",
        ),
        (
            {"lessonId": lessons[1], "clientMutationId": "n4", "occurredAt": "2025-03-01T12:00:00"},
            "BAD_USER_INPUT",
        ),
        ({"lessonId": lessons[1], "clientMutationId": ""}, "BAD_USER_INPUT"),
        ({"lessonId": lessons[1], "clientMutationId": "x" * 65}, "BAD_USER_INPUT"),
        ({"lessonId": "l" * 100, "clientMutationId": "n5"}, "BAD_USER_INPUT"),
    ]
    for event, code in cases:
        body = await gql(client, url, COMPLETE, {"input": event}, who)
        assert body["data"] is None, event
        assert codes(body) == [code], event
    anonymous = await gql(client, url, COMPLETE, {"input": ok})
    assert codes(anonymous) == ["UNAUTHENTICATED"]
    assert await read(client, subgraphs, user, course) == before


async def test_sync_stores_good_events_and_fails_bad_ones_alone(
    subgraphs: RunningSubgraphs, client: httpx.AsyncClient
):
    user, course = fresh_learner(subgraphs), subgraphs.data.courses[3]["id"]
    lessons = lessons_of(subgraphs, course)
    events = [
        {"lessonId": lessons[0], "clientMutationId": "a", "occurredAt": at(1)},
        {"lessonId": "les_unknown", "clientMutationId": "b", "occurredAt": at(2)},
        {"lessonId": lessons[1], "clientMutationId": "c", "occurredAt": at(3)},
        {"lessonId": lessons[2], "clientMutationId": "a", "occurredAt": at(4)},  # id reused
        {"lessonId": lessons[1], "clientMutationId": "d", "occurredAt": at(5)},  # duplicate
    ]
    body = await gql(client, subgraphs.urls["progress"], SYNC, {"events": events}, as_user(user))
    results = body["data"]["syncProgress"]
    assert [(r["clientMutationId"], r["ok"]) for r in results] == [
        ("a", True),
        ("b", False),
        ("c", True),
        ("a", False),
        ("d", True),
    ]
    assert results[1]["error"]["code"] == "NOT_FOUND"
    assert results[3]["error"]["code"] == "BAD_USER_INPUT"
    assert results[1]["progress"] is None and results[0]["error"] is None
    expected = {
        "completedLessons": 2,
        "completedLessonIds": sorted(lessons[:2]),
        "percentComplete": round(200 / len(lessons), 1),
        "status": "IN_PROGRESS",
        "lastActivityAt": at(3),
    }
    assert results[0]["progress"] == expected
    assert (await read(client, subgraphs, user, course))["progress"] == expected


async def test_batches_merge_in_any_order(subgraphs: RunningSubgraphs, client: httpx.AsyncClient):
    course = subgraphs.data.courses[4]["id"]
    lessons = lessons_of(subgraphs, course)
    events = [
        {"lessonId": lessons[i % 3], "clientMutationId": f"e{i}", "occurredAt": at(10 * i)}
        for i in range(6)
    ]
    alice, bob = fresh_learner(subgraphs, 0), fresh_learner(subgraphs, 1)
    url = subgraphs.urls["progress"]
    await gql(client, url, SYNC, {"events": events}, as_user(alice))
    reordered = events[::-1]
    await gql(client, url, SYNC, {"events": reordered[:2]}, as_user(bob))
    await gql(client, url, SYNC, {"events": reordered[2:]}, as_user(bob))
    await gql(client, url, SYNC, {"events": reordered[1:4]}, as_user(bob))  # a replay
    state_a = await read(client, subgraphs, alice, course)
    state_b = await read(client, subgraphs, bob, course)
    assert state_a == state_b
    assert state_a["progress"]["completedLessons"] == 3
    # Each lesson keeps its earliest time; the latest of those is the last activity.
    assert state_a["progress"]["lastActivityAt"] == at(20)


async def test_oversized_sync_is_refused_whole(
    subgraphs: RunningSubgraphs, client: httpx.AsyncClient
):
    user, course = fresh_learner(subgraphs), subgraphs.data.courses[5]["id"]
    lesson = lessons_of(subgraphs, course)[0]
    events = [{"lessonId": lesson, "clientMutationId": f"m{i}"} for i in range(501)]
    body = await gql(client, subgraphs.urls["progress"], SYNC, {"events": events}, as_user(user))
    assert body["data"] is None and codes(body) == ["BAD_USER_INPUT"]
    state = await read(client, subgraphs, user, course)
    assert state == {"progress": None, "enrollments": {"nodes": []}}


async def test_course_completion_status(subgraphs: RunningSubgraphs, client: httpx.AsyncClient):
    user, course = fresh_learner(subgraphs), subgraphs.data.courses[6]["id"]
    lessons = lessons_of(subgraphs, course)
    events = [{"lessonId": x, "clientMutationId": x, "occurredAt": at(1)} for x in lessons]
    body = await gql(client, subgraphs.urls["progress"], SYNC, {"events": events}, as_user(user))
    last = body["data"]["syncProgress"][-1]["progress"]
    assert last["status"] == "COMPLETED"
    assert last["percentComplete"] == 100.0
    assert last["completedLessons"] == len(lessons)


async def test_concurrent_completions_store_and_announce_each_lesson_once(
    subgraphs: RunningSubgraphs, client: httpx.AsyncClient
):
    user, course = fresh_learner(subgraphs), subgraphs.data.courses[7]["id"]
    lessons = lessons_of(subgraphs, course)[:3]
    url, who = subgraphs.urls["progress"], as_user(user)
    broker = subgraphs.apps["progress"].state.broker
    async with broker.subscribe(channel_for(user)) as messages:
        bodies = await asyncio.gather(
            *(
                gql(
                    client,
                    url,
                    COMPLETE,
                    {"input": {"lessonId": lessons[i % 3], "clientMutationId": f"c{i}"}},
                    who,
                )
                for i in range(12)
            )
        )
        assert all("errors" not in body for body in bodies), bodies
        # Every publish happened before its response: the queue already holds them all.
        announced = []
        while True:
            try:
                announced.append(await asyncio.wait_for(anext(messages), 0.2))
            except TimeoutError:
                break
    assert sorted(m["lessonId"] for m in announced) == sorted(lessons)
    state = await read(client, subgraphs, user, course)
    assert state["progress"]["completedLessonIds"] == sorted(lessons)
