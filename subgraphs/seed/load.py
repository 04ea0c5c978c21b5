"""Bulk-load a ``Dataset`` into the three subgraph databases.

Inserts skip rows that already exist (``ON CONFLICT DO NOTHING``), so loading twice
changes nothing and keeps whatever users did in between; ``reset=True`` empties the
tables first. Each database is loaded in one transaction.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from sqlalchemy import MetaData, delete

from subgraphs._shared.db import Database, database_url
from subgraphs.courses import models as courses
from subgraphs.progress import models as progress
from subgraphs.progress.upgrade import upgrade as upgrade_progress
from subgraphs.seed.dataset import Dataset, small
from subgraphs.users import models as users

SUBGRAPHS = ("users", "courses", "progress")
#: What brings a database made by an earlier version up to date, per subgraph.
UPGRADES: dict[str, Callable[[Database], Awaitable[None]]] = {"progress": upgrade_progress}


def _plan(data: Dataset) -> dict[str, tuple[MetaData, list[tuple[Any, list[dict[str, Any]]]]]]:
    """For each database: its metadata and (table, rows) in foreign-key order."""
    catalog = [{"lesson_id": r["id"], "course_id": r["course_id"]} for r in data.lessons]
    return {
        "users": (users.metadata, [(users.UserRow, data.users)]),
        "courses": (
            courses.metadata,
            [
                (courses.CourseRow, data.courses),
                (courses.CourseTagRow, data.course_tags),
                (courses.ModuleRow, data.modules),
                (courses.LessonRow, data.lessons),
            ],
        ),
        "progress": (
            progress.metadata,
            [
                (progress.ReceiptRow, []),  # listed so that reset empties it
                (progress.CatalogLessonRow, catalog),
                (progress.EnrollmentRow, data.enrollments),
                (progress.CompletionRow, data.completions),
            ],
        ),
    }


async def load(
    data: Dataset, urls: Mapping[str, str | None] | None = None, *, reset: bool = False
) -> dict[str, int]:
    """Load ``data``; ``urls`` maps subgraph name to database URL (default: env/SQLite).

    Returns the number of rows offered per subgraph.
    """
    urls = urls or {}
    counts: dict[str, int] = {}
    for name, (metadata, tables) in _plan(data).items():
        database = Database(database_url(name, urls.get(name)))
        try:
            await database.create_tables(metadata)
            if name in UPGRADES:
                await UPGRADES[name](database)
            async with database.transaction() as session:
                if reset:
                    for model, _ in reversed(tables):
                        await session.execute(delete(model))
                for model, rows in tables:
                    if rows:
                        await session.execute(database.insert(model).on_conflict_do_nothing(), rows)
            counts[name] = sum(len(rows) for _, rows in tables)
        finally:
            await database.dispose()
    return counts


async def seed_small(urls: Mapping[str, str | None]) -> Dataset:
    """Load the tests' small deterministic data set (``dataset.small()``); returns it."""
    data = small()
    await load(data, urls)
    return data
