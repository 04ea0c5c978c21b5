"""``progressUpdated`` over graphql-transport-ws with a real websocket client."""

from __future__ import annotations

import httpx

from subgraphs.progress.state import channel_for
from tests.subgraphs.helpers import (
    RunningSubgraphs,
    as_user,
    gql,
    graphql_ws,
    wait_for_subscribers,
)

SUBSCRIPTION = """subscription($course: ID) { progressUpdated(courseId: $course) {
    lesson { id } course { id } occurredAt
    progress { completedLessons completedLessonIds percentComplete status lastActivityAt } } }"""
COMPLETE = """mutation($input: CompleteLessonInput!) {
    completeLesson(input: $input) { clientMutationId } }"""
SYNC = """mutation($events: [CompleteLessonInput!]!) { syncProgress(events: $events) { ok } }"""


def fresh_learner(subgraphs: RunningSubgraphs) -> str:
    enrolled = {e["user_id"] for e in subgraphs.data.enrollments}
    return next(
        u["id"] for u in subgraphs.data.users if u["role"] == "LEARNER" and u["id"] not in enrolled
    )


def lessons_of(subgraphs: RunningSubgraphs, course_id: str) -> list[str]:
    return [x["id"] for x in subgraphs.data.lessons if x["course_id"] == course_id]


async def test_completion_reaches_subscriber_identified_by_connection_init(
    subgraphs: RunningSubgraphs, client: httpx.AsyncClient
):
    user = fresh_learner(subgraphs)
    course = subgraphs.data.courses[0]["id"]
    other_course = subgraphs.data.courses[1]["id"]
    lessons = lessons_of(subgraphs, course)
    url = subgraphs.urls["progress"]
    broker = subgraphs.apps["progress"].state.broker
    async with graphql_ws(url, init_payload=as_user(user)) as ws:
        await ws.subscribe("1", SUBSCRIPTION, {"course": course})
        await wait_for_subscribers(broker.subscriber_count, channel_for(user))
        # A completion in another course is filtered out; a replay publishes nothing.
        other = {"lessonId": lessons_of(subgraphs, other_course)[0], "clientMutationId": "o"}
        event = {
            "lessonId": lessons[0],
            "clientMutationId": "c1",
            "occurredAt": "2025-05-01T10:00:00+00:00",
        }
        for body in (other, event, event):
            result = await gql(client, url, COMPLETE, {"input": body}, as_user(user))
            assert "errors" not in result, result
        await gql(
            client,
            url,
            SYNC,
            {
                "events": [
                    {
                        "lessonId": lessons[1],
                        "clientMutationId": "c2",
                        "occurredAt": "2025-05-01T11:00:00Z",
                    }
                ]
            },
            as_user(user),
        )
        first = await ws.receive()
        second = await ws.receive()
        assert first == {
            "id": "1",
            "type": "next",
            "payload": {
                "data": {
                    "progressUpdated": {
                        "lesson": {"id": lessons[0]},
                        "course": {"id": course},
                        "occurredAt": "2025-05-01T10:00:00+00:00",
                        "progress": {
                            "completedLessons": 1,
                            "completedLessonIds": [lessons[0]],
                            "percentComplete": round(100 / len(lessons), 1),
                            "status": "IN_PROGRESS",
                            "lastActivityAt": "2025-05-01T10:00:00+00:00",
                        },
                    }
                }
            },
        }
        assert second["payload"]["data"]["progressUpdated"]["lesson"] == {"id": lessons[1]}
        assert second["payload"]["data"]["progressUpdated"]["progress"]["completedLessons"] == 2
        await ws.send({"id": "1", "type": "complete"})
        await wait_for_subscribers(lambda ch: 1 - broker.subscriber_count(ch), channel_for(user))


async def test_identity_from_handshake_headers_and_isolation_between_users(
    subgraphs: RunningSubgraphs, client: httpx.AsyncClient
):
    user = fresh_learner(subgraphs)
    course = subgraphs.data.courses[2]["id"]
    url = subgraphs.urls["progress"]
    broker = subgraphs.apps["progress"].state.broker
    async with graphql_ws(url, headers=as_user(user)) as ws:
        await ws.subscribe("s", SUBSCRIPTION)
        await wait_for_subscribers(broker.subscriber_count, channel_for(user))
        # Another learner's completion never reaches this subscriber.
        intruder = "usr_0059"
        lesson = lessons_of(subgraphs, course)[0]
        await gql(
            client,
            url,
            COMPLETE,
            {"input": {"lessonId": lesson, "clientMutationId": "x"}},
            as_user(intruder),
        )
        await gql(
            client,
            url,
            COMPLETE,
            {"input": {"lessonId": lesson, "clientMutationId": "y"}},
            as_user(user),
        )
        message = await ws.receive()
        assert message["type"] == "next"
        assert message["payload"]["data"]["progressUpdated"]["lesson"] == {"id": lesson}
        assert message["payload"]["data"]["progressUpdated"]["course"] == {"id": course}


async def test_anonymous_subscription_is_unauthenticated(subgraphs: RunningSubgraphs):
    async with graphql_ws(subgraphs.urls["progress"]) as ws:
        await ws.subscribe("a", SUBSCRIPTION)
        message = await ws.receive()
        assert message["id"] == "a"
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert [e["extensions"]["code"] for e in errors] == ["UNAUTHENTICATED"]
