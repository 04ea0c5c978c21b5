"""The progress subgraph's DataLoaders (one set per operation).

Keys are tuples where a row belongs to a (user, course) pair; ``enrollment_pages`` keys
carry the page arguments too, and batches with the same arguments share one windowed
statement (``row_number() OVER (PARTITION BY user_id ...)``), so 50 users' first pages
are one query.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from aiodataloader import DataLoader
from sqlalchemy import Executable, func, select, tuple_
from sqlalchemy.orm import aliased

from subgraphs._shared.db import Database
from subgraphs._shared.loaders import MAX_BATCH, group_loader, mapping_loader
from subgraphs.progress.models import CatalogLessonRow, CompletionRow, EnrollmentRow

UserCourse = tuple[str, str]
#: (user_id, first, after_course_id)
PageKey = tuple[str, int, str | None]


@dataclass
class Loaders:
    enrollment: DataLoader[UserCourse, EnrollmentRow | None]
    completions: DataLoader[UserCourse, list[CompletionRow]]
    lesson_count: DataLoader[str, int | None]
    enrollment_pages: DataLoader[PageKey, list[EnrollmentRow]]


def make_loaders(database: Database) -> Loaders:
    async def all_of(query: Executable) -> list[Any]:
        async with database.read() as session:
            return list((await session.execute(query)).all())

    async def enrollments(keys: list[UserCourse]) -> dict[UserCourse, EnrollmentRow]:
        pair = tuple_(EnrollmentRow.user_id, EnrollmentRow.course_id)
        rows = await all_of(select(EnrollmentRow).where(pair.in_(keys)))
        return {(row.user_id, row.course_id): row for (row,) in rows}

    async def completions(keys: list[UserCourse]) -> list[CompletionRow]:
        pair = tuple_(CompletionRow.user_id, CompletionRow.course_id)
        query = select(CompletionRow).where(pair.in_(keys)).order_by(CompletionRow.lesson_id)
        return [row for (row,) in await all_of(query)]

    async def lesson_counts(course_ids: list[str]) -> dict[str, int]:
        query = (
            select(CatalogLessonRow.course_id, func.count())
            .where(CatalogLessonRow.course_id.in_(course_ids))
            .group_by(CatalogLessonRow.course_id)
        )
        return {course_id: count for course_id, count in await all_of(query)}

    async def pages(keys: list[PageKey]) -> list[list[EnrollmentRow]]:
        by_args: defaultdict[tuple[int, str | None], list[str]] = defaultdict(list)
        for user_id, first, after in keys:
            by_args[(first, after)].append(user_id)
        found: dict[PageKey, list[EnrollmentRow]] = {key: [] for key in keys}
        for (first, after), user_ids in by_args.items():
            rank = func.row_number().over(
                partition_by=EnrollmentRow.user_id, order_by=EnrollmentRow.course_id
            )
            inner = select(EnrollmentRow, rank.label("rank")).where(
                EnrollmentRow.user_id.in_(user_ids)
            )
            if after is not None:
                inner = inner.where(EnrollmentRow.course_id > after)
            ranked = inner.subquery()
            row_alias = aliased(EnrollmentRow, ranked)
            query = (
                select(row_alias)
                .where(ranked.c.rank <= first + 1)
                .order_by(ranked.c.user_id, ranked.c.course_id)
            )
            for (row,) in await all_of(query):
                found[(row.user_id, first, after)].append(row)
        return [found[key] for key in keys]

    return Loaders(
        enrollment=mapping_loader(enrollments),
        completions=group_loader(completions, lambda row: (row.user_id, row.course_id)),
        lesson_count=mapping_loader(lesson_counts),
        enrollment_pages=DataLoader(pages, max_batch_size=MAX_BATCH),
    )
