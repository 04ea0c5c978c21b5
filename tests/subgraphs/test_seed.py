"""The seed data set: big enough, deterministic, idempotent to load."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from subgraphs._shared.db import Database
from subgraphs.progress.models import CatalogLessonRow, CompletionRow
from subgraphs.seed import generate, load, small
from subgraphs.users.models import UserRow
from tests.subgraphs.helpers import throwaway_databases


def test_full_data_set_is_realistic_and_deterministic():
    data = generate()
    assert len(data.users) >= 1000
    assert len(data.courses) == 200
    assert len(data.modules) >= 600 and len(data.lessons) >= 2400
    learners = {e["user_id"] for e in data.enrollments}
    assert len(learners) >= 500
    assert len(data.completions) >= 10_000
    assert {u["role"] for u in data.users} == {"ADMIN", "INSTRUCTOR", "LEARNER"}
    assert generate() == data
    assert generate(seed=43) != data


def test_enrollments_per_learner_can_be_chosen():
    """The soak starts every learner with a full Home page (``bench/soak/platform.py``)."""
    data = generate(users=100, courses=40, instructors=5, enrolled_share=1.0, enrollments=(20, 25))
    learners = [u["id"] for u in data.users if u["role"] == "LEARNER"]
    per_learner = Counter(e["user_id"] for e in data.enrollments)
    assert set(per_learner) == set(learners)
    assert min(per_learner.values()) >= 20 and max(per_learner.values()) <= 25
    # Capped at every course; the default stays 1-5 courses for 70% of the learners.
    assert generate(users=40, courses=3, instructors=2, enrollments=(5, 9)) != data
    few = generate(users=40, courses=3, instructors=2, enrolled_share=1.0, enrollments=(5, 9))
    assert set(Counter(e["user_id"] for e in few.enrollments).values()) == {3}
    default = Counter(e["user_id"] for e in generate().enrollments)
    assert set(default.values()) == {1, 2, 3, 4, 5}


async def test_loading_twice_changes_nothing_and_keeps_user_changes():
    data = small()
    async with throwaway_databases() as urls:
        await load(data, urls)
        users = Database(urls["users"])
        progress = Database(urls["progress"])
        try:
            async with users.transaction() as session:
                row = await session.get(UserRow, "usr_0005")
                assert row is not None
                row.name = "Renamed"
            await load(data, urls)
            async with users.read() as session:
                assert await session.scalar(select(func.count()).select_from(UserRow)) == len(
                    data.users
                )
                assert (await session.get(UserRow, "usr_0005")).name == "Renamed"  # type: ignore[union-attr]
            async with progress.read() as session:
                completions = await session.scalar(select(func.count()).select_from(CompletionRow))
                catalog = await session.scalar(select(func.count()).select_from(CatalogLessonRow))
            assert completions == len(data.completions)
            assert catalog == len(data.lessons)
        finally:
            await users.dispose()
            await progress.dispose()
