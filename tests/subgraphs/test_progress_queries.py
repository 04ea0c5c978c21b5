"""The progress subgraph's reads: enrollments, progress, myProgress with @requires."""

from __future__ import annotations

from typing import Any

import httpx

from subgraphs.seed import Dataset
from tests.subgraphs.helpers import RunningSubgraphs, as_user, codes, gql

USER_PROGRESS = """query($r: [_Any!]!, $course: ID!) { _entities(representations: $r) {
    ... on User { id
        enrollments(first: 10) { nodes { id course { id } progress { completedLessons } } }
        progress(courseId: $course) { completedLessons completedLessonIds percentComplete
            status lastActivityAt course { id } user { id } } } } }"""


def expected_progress(data: Dataset, user_id: str, course_id: str) -> dict[str, Any]:
    done = [c for c in data.completions if c["user_id"] == user_id and c["course_id"] == course_id]
    total = sum(1 for lesson in data.lessons if lesson["course_id"] == course_id)
    status = "NOT_STARTED" if not done else "COMPLETED" if len(done) == total else "IN_PROGRESS"
    return {
        "completedLessons": len(done),
        "completedLessonIds": sorted(c["lesson_id"] for c in done),
        "percentComplete": round(100 * len(done) / total, 1),
        "status": status,
        "lastActivityAt": max(c["completed_at"] for c in done).isoformat() if done else None,
        "course": {"id": course_id},
        "user": {"id": user_id},
    }


def learner_with_progress(data: Dataset) -> tuple[str, str]:
    first = data.completions[0]
    return first["user_id"], first["course_id"]


async def test_learner_reads_own_enrollments_and_progress(
    subgraphs: RunningSubgraphs, client: httpx.AsyncClient
):
    data = subgraphs.data
    user_id, course_id = learner_with_progress(data)
    body = await gql(
        client,
        subgraphs.urls["progress"],
        USER_PROGRESS,
        {"r": [{"__typename": "User", "id": user_id}], "course": course_id},
        as_user(user_id),
    )
    enrollments = sorted(
        (e for e in data.enrollments if e["user_id"] == user_id), key=lambda e: e["course_id"]
    )
    assert body == {
        "data": {
            "_entities": [
                {
                    "id": user_id,
                    "enrollments": {
                        "nodes": [
                            {
                                "id": e["id"],
                                "course": {"id": e["course_id"]},
                                "progress": {
                                    "completedLessons": expected_progress(
                                        data, user_id, e["course_id"]
                                    )["completedLessons"]
                                },
                            }
                            for e in enrollments
                        ]
                    },
                    "progress": expected_progress(data, user_id, course_id),
                }
            ]
        }
    }


async def test_progress_of_another_learner_is_forbidden_but_admin_may(
    subgraphs: RunningSubgraphs, client: httpx.AsyncClient
):
    user_id, course_id = learner_with_progress(subgraphs.data)
    variables = {"r": [{"__typename": "User", "id": user_id}], "course": course_id}
    url = subgraphs.urls["progress"]
    body = await gql(client, url, USER_PROGRESS, variables, as_user("usr_0059"))
    assert body["data"] == {"_entities": [{"id": user_id, "enrollments": None, "progress": None}]}
    assert codes(body) == ["FORBIDDEN", "FORBIDDEN"]

    body = await gql(client, url, USER_PROGRESS, variables)
    assert codes(body) == ["UNAUTHENTICATED", "UNAUTHENTICATED"]

    body = await gql(client, url, USER_PROGRESS, variables, as_user("usr_0001", "ADMIN"))
    assert "errors" not in body
    assert body["data"]["_entities"][0]["progress"] == expected_progress(
        subgraphs.data, user_id, course_id
    )


async def test_enrollments_pagination_and_bad_cursor(
    subgraphs: RunningSubgraphs, client: httpx.AsyncClient
):
    data = subgraphs.data
    counts: dict[str, int] = {}
    for e in data.enrollments:
        counts[e["user_id"]] = counts.get(e["user_id"], 0) + 1
    user_id = max(counts, key=lambda u: counts[u])
    assert counts[user_id] >= 3
    query = """query($r: [_Any!]!, $after: String) { _entities(representations: $r) {
        ... on User { enrollments(first: 2, after: $after) {
            edges { cursor node { course { id } } } pageInfo { hasNextPage endCursor } } } } }"""
    reps = [{"__typename": "User", "id": user_id}]
    seen: list[str] = []
    after = None
    while True:
        body = await gql(
            client, subgraphs.urls["progress"], query, {"r": reps, "after": after}, as_user(user_id)
        )
        page = body["data"]["_entities"][0]["enrollments"]
        seen += [edge["node"]["course"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == sorted(e["course_id"] for e in data.enrollments if e["user_id"] == user_id)

    body = await gql(
        client, subgraphs.urls["progress"], query, {"r": reps, "after": "bad"}, as_user(user_id)
    )
    assert codes(body) == ["BAD_USER_INPUT"]


MY_PROGRESS = """query($r: [_Any!]!) { _entities(representations: $r) {
    ... on Course { id myProgress { completedLessons percentComplete status } } } }"""


async def test_my_progress_uses_the_required_lesson_count(
    subgraphs: RunningSubgraphs, client: httpx.AsyncClient
):
    data = subgraphs.data
    user_id, course_id = learner_with_progress(data)
    done = expected_progress(data, user_id, course_id)["completedLessons"]
    not_enrolled = next(
        c["id"]
        for c in data.courses
        if not any(e["user_id"] == user_id and e["course_id"] == c["id"] for e in data.enrollments)
    )
    # The lesson count comes from the representation (the courses subgraph's field),
    # so a different count gives a different percentage.
    reps = [
        {"__typename": "Course", "id": course_id, "lessonCount": done * 2},
        {"__typename": "Course", "id": course_id, "lessonCount": done * 4},
        {"__typename": "Course", "id": not_enrolled, "lessonCount": 10},
    ]
    body = await gql(client, subgraphs.urls["progress"], MY_PROGRESS, {"r": reps}, as_user(user_id))
    assert body == {
        "data": {
            "_entities": [
                {
                    "id": course_id,
                    "myProgress": {
                        "completedLessons": done,
                        "percentComplete": 50.0,
                        "status": "IN_PROGRESS",
                    },
                },
                {
                    "id": course_id,
                    "myProgress": {
                        "completedLessons": done,
                        "percentComplete": 25.0,
                        "status": "IN_PROGRESS",
                    },
                },
                {"id": not_enrolled, "myProgress": None},
            ]
        }
    }


async def test_my_progress_needs_a_user_and_a_sane_lesson_count(
    subgraphs: RunningSubgraphs, client: httpx.AsyncClient
):
    course_id = subgraphs.data.courses[0]["id"]
    url = subgraphs.urls["progress"]
    reps = [{"__typename": "Course", "id": course_id, "lessonCount": 3}]
    body = await gql(client, url, MY_PROGRESS, {"r": reps})
    assert codes(body) == ["UNAUTHENTICATED"]
    bad = [{"__typename": "Course", "id": course_id, "lessonCount": "many"}]
    body = await gql(client, url, MY_PROGRESS, {"r": bad}, as_user("usr_0010"))
    assert body["data"] == {"_entities": [None]}
    assert codes(body) == ["BAD_USER_INPUT"]


async def test_every_progress_entity_resolves(
    subgraphs: RunningSubgraphs, client: httpx.AsyncClient
):
    user_id, course_id = learner_with_progress(subgraphs.data)
    lesson_id = subgraphs.data.lessons[0]["id"]
    query = """query($r: [_Any!]!) { _entities(representations: $r) {
        __typename ... on User { id } ... on Course { id } ... on Lesson { id } } }"""
    reps = [
        {"__typename": "User", "id": user_id},
        {"__typename": "Course", "id": course_id, "lessonCount": 5},
        {"__typename": "Lesson", "id": lesson_id},
    ]
    body = await gql(client, subgraphs.urls["progress"], query, {"r": reps})
    assert body == {
        "data": {
            "_entities": [
                {"__typename": "User", "id": user_id},
                {"__typename": "Course", "id": course_id},
                {"__typename": "Lesson", "id": lesson_id},
            ]
        }
    }
