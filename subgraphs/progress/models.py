"""The progress database.

``catalog_lessons`` is this subgraph's read-only replica of the course catalog (which
lesson belongs to which course): progress must check a lesson id and find its course
without calling the courses subgraph on every write. The seed loads it from the same
generated catalog as the courses database; in production it would follow the courses
subgraph's publish events.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from subgraphs._shared.db import UTCDateTime


class Base(DeclarativeBase):
    pass


class CatalogLessonRow(Base):
    __tablename__ = "catalog_lessons"

    lesson_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    course_id: Mapped[str] = mapped_column(String(64), index=True)


class EnrollmentRow(Base):
    __tablename__ = "enrollments"
    __table_args__ = (UniqueConstraint("user_id", "course_id", name="uq_enrollment"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64))
    course_id: Mapped[str] = mapped_column(String(64))
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CompletionRow(Base):
    """One completed lesson per user: completions are a set, keyed (user, lesson).

    ``completed_at`` is the earliest ``occurredAt`` reported for it, so merging offline
    batches in any order converges on the same row.

    ``seq`` numbers a learner's completions 1, 2, 3... in commit order (writes of one
    learner are serialized, see ``recording``): the position of the completion's event
    in the learner's progress feed, which ``progressUpdated(after:)`` replays from.
    """

    __tablename__ = "completions"
    __table_args__ = (
        Index("ix_completions_user_course", "user_id", "course_id"),
        UniqueConstraint("user_id", "seq", name="uq_completion_seq"),
    )

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    lesson_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    course_id: Mapped[str] = mapped_column(String(64))
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    seq: Mapped[int] = mapped_column(BigInteger)


class ReceiptRow(Base):
    """Which lesson a client mutation id completed: a replay gets the same answer."""

    __tablename__ = "receipts"

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_mutation_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    lesson_id: Mapped[str] = mapped_column(String(64))


metadata = Base.metadata
