"""The gateway in front of the platform's three real subgraphs (uvicorn, seeded databases).

Expected answers are computed from the seeded data set itself, so each test checks that
operations spanning users, courses and progress return exactly what the subgraphs hold.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from gateway.authz import AuthorizationConfig
from gateway.config import GatewayConfig, SubgraphConfig
from gateway.pipeline import Gateway
from gateway.request import GraphQLParams, RequestContext
from subgraphs.policies import POLICIES
from subgraphs.seed import Dataset
from tests.auth.helpers import as_bearer, auth_config, identity_provider
from tests.subgraphs.helpers import RunningSubgraphs, running_subgraphs

SUPERGRAPH = Path(__file__).parents[2] / "schema" / "supergraph.graphql"


@pytest.fixture
async def platform(tmp_path: Path) -> AsyncIterator[tuple[Gateway, Dataset]]:
    async with running_subgraphs() as subgraphs:
        gateway = await _gateway(subgraphs, identity_provider().write_jwks(tmp_path / "jwks.json"))
        try:
            yield gateway, subgraphs.data
        finally:
            await gateway.close()


async def _gateway(subgraphs: RunningSubgraphs, jwks_file: str) -> Gateway:
    config = GatewayConfig(
        subgraphs={name: SubgraphConfig(url=url) for name, url in subgraphs.urls.items()},
        auth=auth_config(jwks_file=jwks_file),
        authorization=AuthorizationConfig(policies=POLICIES),
    )
    return await Gateway.create(config, SUPERGRAPH.read_text())


async def run(
    gateway: Gateway, query: str, user: dict[str, Any] | None = None, **variables: Any
) -> dict[str, Any]:
    headers = {}
    if user is not None:
        headers = as_bearer(user["id"], (user["role"],))
    outcome = await gateway.execute(
        GraphQLParams(query=query, variables=variables or None), RequestContext(headers=headers)
    )
    return outcome.body


def learner_with_enrollments(data: Dataset) -> dict[str, Any]:
    enrolled = {e["user_id"] for e in data.enrollments}
    return next(u for u in data.users if u["id"] in enrolled and u["role"] == "LEARNER")


async def test_home_screen_spans_three_subgraphs(platform: tuple[Gateway, Dataset]) -> None:
    gateway, data = platform
    user = learner_with_enrollments(data)
    body = await run(
        gateway,
        """
        query Home {
          me {
            name
            email
            enrollments(first: 50) {
              nodes {
                course { id title lessonCount instructor { name } }
                progress { completedLessons percentComplete status }
              }
            }
          }
        }
        """,
        user,
    )
    users = {u["id"]: u for u in data.users}
    courses = {c["id"]: c for c in data.courses}
    lessons_per_course: dict[str, int] = {}
    for lesson in data.lessons:
        lessons_per_course[lesson["course_id"]] = lessons_per_course.get(lesson["course_id"], 0) + 1
    mine = sorted(
        (e for e in data.enrollments if e["user_id"] == user["id"]), key=lambda e: e["course_id"]
    )
    nodes = []
    for enrollment in mine:
        course = courses[enrollment["course_id"]]
        total = lessons_per_course[course["id"]]
        done = sum(
            1
            for c in data.completions
            if c["user_id"] == user["id"] and c["course_id"] == course["id"]
        )
        status = "NOT_STARTED" if done == 0 else "COMPLETED" if done == total else "IN_PROGRESS"
        nodes.append(
            {
                "course": {
                    "id": course["id"],
                    "title": course["title"],
                    "lessonCount": total,
                    "instructor": {"name": users[course["instructor_id"]]["name"]},
                },
                "progress": {
                    "completedLessons": done,
                    "percentComplete": pytest.approx(100.0 * done / total, abs=0.01),
                    "status": status,
                },
            }
        )
    assert body == {
        "data": {
            "me": {"name": user["name"], "email": user["email"], "enrollments": {"nodes": nodes}}
        }
    }


async def test_course_detail_with_requires_and_entities(platform: tuple[Gateway, Dataset]) -> None:
    gateway, data = platform
    user = learner_with_enrollments(data)
    enrollment = next(e for e in data.enrollments if e["user_id"] == user["id"])
    course_id = enrollment["course_id"]
    body = await run(
        gateway,
        """
        query Detail($id: ID!) {
          course(id: $id) {
            title
            instructor { name taughtCourses { id } }
            modules { title lessons { id title } }
            myProgress { completedLessons percentComplete user { name } }
          }
        }
        """,
        user,
        id=course_id,
    )
    course = next(c for c in data.courses if c["id"] == course_id)
    instructor = next(u for u in data.users if u["id"] == course["instructor_id"])
    taught = sorted(c["id"] for c in data.courses if c["instructor_id"] == instructor["id"])
    modules = sorted(
        (m for m in data.modules if m["course_id"] == course_id), key=lambda m: m["position"]
    )
    lessons = [lesson for lesson in data.lessons if lesson["course_id"] == course_id]
    done = sum(
        1 for c in data.completions if c["user_id"] == user["id"] and c["course_id"] == course_id
    )
    result = body["data"]["course"]
    assert "errors" not in body
    assert result["title"] == course["title"]
    assert result["instructor"]["name"] == instructor["name"]
    assert sorted(c["id"] for c in result["instructor"]["taughtCourses"]) == taught
    assert [m["title"] for m in result["modules"]] == [m["title"] for m in modules]
    assert [lesson["id"] for m in result["modules"] for lesson in m["lessons"]] == [
        lesson["id"] for lesson in sorted(lessons, key=lambda x: x["position"])
    ]
    assert result["myProgress"]["completedLessons"] == done
    assert result["myProgress"]["percentComplete"] == pytest.approx(
        100.0 * done / len(lessons), abs=0.01
    )
    assert result["myProgress"]["user"] == {"name": user["name"]}


async def test_complete_lesson_mutation_then_read_back(platform: tuple[Gateway, Dataset]) -> None:
    gateway, data = platform
    user = learner_with_enrollments(data)
    enrollment = next(e for e in data.enrollments if e["user_id"] == user["id"])
    completed = {c["lesson_id"] for c in data.completions if c["user_id"] == user["id"]}
    lesson = next(
        x
        for x in data.lessons
        if x["course_id"] == enrollment["course_id"] and x["id"] not in completed
    )
    mutation = """
      mutation Done($input: CompleteLessonInput!) {
        completeLesson(input: $input) {
          clientMutationId
          progress { completedLessons course { title } }
        }
      }
    """
    before = sum(
        1
        for c in data.completions
        if c["user_id"] == user["id"] and c["course_id"] == enrollment["course_id"]
    )
    variables = {"lessonId": lesson["id"], "clientMutationId": "e2e-1"}
    body = await run(gateway, mutation, user, input=variables)
    course = next(c for c in data.courses if c["id"] == enrollment["course_id"])
    expected = {
        "clientMutationId": "e2e-1",
        "progress": {"completedLessons": before + 1, "course": {"title": course["title"]}},
    }
    assert body == {"data": {"completeLesson": expected}}
    # Idempotent: the same clientMutationId again gives the same answer, no new completion.
    assert await run(gateway, mutation, user, input=variables) == body


async def test_forbidden_and_unauthenticated_keep_their_codes(
    platform: tuple[Gateway, Dataset],
) -> None:
    gateway, data = platform
    body = await run(gateway, "{ me { name } }")
    assert body == {
        "data": {"me": None},
        "errors": [
            {
                "message": "This operation needs a signed-in user.",
                "path": ["me"],
                "extensions": {"code": "UNAUTHENTICATED", "service": "users"},
            }
        ],
    }
    # myProgress is @authenticated: the gateway removes it before any fetch (one error
    # for the field, "@" standing for every list item: docs/authorization.md).
    body = await run(gateway, "{ courses(first: 2) { nodes { title myProgress { status } } } }")
    titles = [c["title"] for c in sorted(data.courses, key=lambda c: c["id"])[:2]]
    assert body["data"] == {
        "courses": {"nodes": [{"title": t, "myProgress": None} for t in titles]}
    }
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["courses", "nodes", "@", "myProgress"], "UNAUTHORIZED_FIELD_OR_TYPE"),
    ]
    learner = learner_with_enrollments(data)
    other = next(u for u in data.users if u["role"] == "LEARNER" and u["id"] != learner["id"])
    body = await run(
        gateway,
        "query($id: ID!) { user(id: $id) { name enrollments { nodes { id } } } }",
        learner,
        id=other["id"],
    )
    assert body["data"] == {"user": {"name": other["name"], "enrollments": None}}
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["user", "enrollments"], "FORBIDDEN")
    ]
