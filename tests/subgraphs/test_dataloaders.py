"""Every entity reference and relation is batched: N entities cost one statement per table.

Statements are counted with SQLAlchemy's ``before_cursor_execute`` event on each app's
engine; the same selection over 1 and over 50 entities must issue the same statements.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import event

from subgraphs.seed import generate
from tests.subgraphs.helpers import RunningSubgraphs, as_user, gql, running_subgraphs

TABLE = re.compile(r"\b(?:FROM|JOIN)\s+\"?([a-z_]+)\"?", re.IGNORECASE)


@pytest.fixture
async def big(shared_databases: dict[str, str] | None) -> AsyncIterator[RunningSubgraphs]:
    data = generate(users=120, courses=60, instructors=50, enrolled_share=1.0, seed=3)
    async with running_subgraphs(data=data, database_urls=shared_databases) as running:
        yield running


@contextmanager
def statements_on(app: Any) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    engine = app.state.database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def tables_per_statement(statements: list[str]) -> Counter[str]:
    """How many statements touched each table."""
    counts: Counter[str] = Counter()
    for statement in statements:
        counts.update(set(TABLE.findall(statement)) - {"anon_1"})
    return counts


async def count(
    running: RunningSubgraphs,
    client: httpx.AsyncClient,
    name: str,
    query: str,
    reps: list[dict[str, Any]],
    headers: dict[str, str] | None = None,
) -> tuple[Counter[str], dict[str, Any]]:
    with statements_on(running.apps[name]) as seen:
        body = await gql(client, running.urls[name], query, {"r": reps}, headers)
    assert "errors" not in body, body
    assert None not in body["data"]["_entities"]
    return tables_per_statement(seen), body


async def test_users_entities(big: RunningSubgraphs, client: httpx.AsyncClient):
    query = "query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id name } } }"
    reps = [{"__typename": "User", "id": u["id"]} for u in big.data.users[:50]]
    one, _ = await count(big, client, "users", query, reps[:1])
    fifty, body = await count(big, client, "users", query, reps)
    assert one == fifty == {"users": 1}
    assert len(body["data"]["_entities"]) == 50


async def test_courses_entities_and_relations(big: RunningSubgraphs, client: httpx.AsyncClient):
    query = """query($r: [_Any!]!) { _entities(representations: $r) {
        ... on Course { id title tags lessonCount instructor { id }
            modules { id lessons { id title } } lessons { id } } } }"""
    reps = [{"__typename": "Course", "id": c["id"]} for c in big.data.courses[:50]]
    one, _ = await count(big, client, "courses", query, reps[:1])
    fifty, body = await count(big, client, "courses", query, reps)
    assert one == fifty == {"courses": 1, "course_tags": 1, "modules": 1, "lessons": 1}
    assert sum(e["lessonCount"] for e in body["data"]["_entities"]) == sum(
        1 for x in big.data.lessons if x["course_id"] in {r["id"] for r in reps}
    )


async def test_courses_taught_and_lesson_entities(big: RunningSubgraphs, client: httpx.AsyncClient):
    query = """query($r: [_Any!]!) { _entities(representations: $r) {
        ... on User { taughtCourses { id title tags } }
        ... on Lesson { id course { id title } } } }"""
    instructors = sorted({c["instructor_id"] for c in big.data.courses})[:25]
    assert len(instructors) == 25
    users = [{"__typename": "User", "id": i} for i in instructors]
    lessons = [{"__typename": "Lesson", "id": x["id"]} for x in big.data.lessons[::7][:25]]
    one, _ = await count(big, client, "courses", query, [users[0], lessons[0]])
    fifty, _ = await count(big, client, "courses", query, users + lessons)
    assert one == fifty == {"courses": 2, "course_tags": 1, "lessons": 1}


async def test_progress_entities(big: RunningSubgraphs, client: httpx.AsyncClient):
    learners = sorted({e["user_id"] for e in big.data.enrollments})[:50]
    assert len(learners) == 50
    query = """query($r: [_Any!]!) { _entities(representations: $r) {
        ... on User { id enrollments(first: 3) { nodes { course { id }
            progress { completedLessons percentComplete status lastActivityAt } } } } } }"""
    reps = [{"__typename": "User", "id": u} for u in learners]
    admin = as_user("usr_0001", "ADMIN")
    one, _ = await count(big, client, "progress", query, reps[:1], admin)
    fifty, body = await count(big, client, "progress", query, reps, admin)
    assert one == fifty == {"enrollments": 1, "completions": 1, "catalog_lessons": 1}
    assert all(e["enrollments"]["nodes"] for e in body["data"]["_entities"])


async def test_progress_my_progress_batches(big: RunningSubgraphs, client: httpx.AsyncClient):
    user, enrolled = big.data.enrollments[0]["user_id"], big.data.enrollments[0]["course_id"]
    query = """query($r: [_Any!]!) { _entities(representations: $r) {
        ... on Course { id myProgress { completedLessons percentComplete } } } }"""
    course_ids = [enrolled, *[c["id"] for c in big.data.courses if c["id"] != enrolled][:49]]
    reps = [{"__typename": "Course", "id": c, "lessonCount": 20} for c in course_ids]
    one, _ = await count(big, client, "progress", query, reps[:1], as_user(user))
    fifty, _ = await count(big, client, "progress", query, reps, as_user(user))
    # The lesson count comes with the representation (@requires): no catalog query.
    assert one == fifty == {"enrollments": 1, "completions": 1}
