"""A learner's completions as read from the database, and what they answer: the current
progress per course, and the events (with the progress as of each) after a position.

Two statements whatever the number of courses: the completions, and the lesson counts
of their courses.
"""

from __future__ import annotations

from bisect import insort
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from subgraphs._shared.db import Database
from subgraphs.progress.events import ProgressEventData
from subgraphs.progress.models import CatalogLessonRow, CompletionRow
from subgraphs.progress.state import ProgressSnapshot, snapshot_of


@dataclass(frozen=True)
class Completed:
    seq: int
    course_id: str
    lesson_id: str
    completed_at: datetime


@dataclass(frozen=True)
class LearnerHistory:
    user_id: str
    #: In ``seq`` order.
    completions: tuple[Completed, ...]
    lesson_count: dict[str, int]

    @property
    def last_seq(self) -> int:
        """The position of the latest completion read (0: none)."""
        return self.completions[-1].seq if self.completions else 0

    def snapshot(self, course_id: str, upto_seq: int | None = None) -> ProgressSnapshot:
        """Progress in ``course_id`` now, or as of the completion numbered ``upto_seq``."""
        done = sorted(
            (c.lesson_id, c.completed_at)
            for c in self.completions
            if c.course_id == course_id and (upto_seq is None or c.seq <= upto_seq)
        )
        return snapshot_of(self.user_id, course_id, done, self.lesson_count.get(course_id, 0))

    def events(
        self, after_seq: int, upto_seq: int | None = None, course_id: str | None = None
    ) -> list[ProgressEventData]:
        """The events after position ``after_seq`` (up to ``upto_seq``), in order; only
        ``course_id``'s when given."""
        done: defaultdict[str, list[tuple[str, datetime]]] = defaultdict(list)
        found: list[ProgressEventData] = []
        for c in self.completions:
            if upto_seq is not None and c.seq > upto_seq:
                break
            insort(done[c.course_id], (c.lesson_id, c.completed_at))
            if c.seq <= after_seq or (course_id is not None and c.course_id != course_id):
                continue
            count = self.lesson_count.get(c.course_id, 0)
            snapshot = snapshot_of(self.user_id, c.course_id, done[c.course_id], count)
            found.append(ProgressEventData(c.seq, c.lesson_id, c.completed_at, snapshot))
        return found


async def load_history(
    database: Database, user_id: str, course_ids: Iterable[str] | None = None
) -> LearnerHistory:
    """``user_id``'s completions in ``course_ids`` (default: every course)."""
    wanted = None if course_ids is None else sorted(set(course_ids))
    if wanted == []:
        return LearnerHistory(user_id, (), {})
    query = (
        select(
            CompletionRow.seq,
            CompletionRow.course_id,
            CompletionRow.lesson_id,
            CompletionRow.completed_at,
        )
        .where(CompletionRow.user_id == user_id)
        .order_by(CompletionRow.seq)
    )
    if wanted is not None:
        query = query.where(CompletionRow.course_id.in_(wanted))
    async with database.read() as session:
        completions = tuple(Completed(*row) for row in (await session.execute(query)).all())
        courses = wanted if wanted is not None else sorted({c.course_id for c in completions})
        counts = await session.execute(
            select(CatalogLessonRow.course_id, func.count())
            .where(CatalogLessonRow.course_id.in_(courses))
            .group_by(CatalogLessonRow.course_id)
        )
        lesson_count = {course: count for course, count in counts.all()}
    return LearnerHistory(user_id, completions, lesson_count)


async def last_seq(database: Database, user_id: str) -> int:
    """The position of ``user_id``'s latest completion (0: none)."""
    async with database.read() as session:
        found = await session.scalar(
            select(func.max(CompletionRow.seq)).where(CompletionRow.user_id == user_id)
        )
    return int(found or 0)
