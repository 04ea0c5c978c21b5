"""The write path: enroll, and record lesson completions (one, or an offline batch).

Offline sync semantics:

- a completion is idempotent: the same ``clientMutationId`` (for the same lesson), or the
  same lesson twice, stores one completion and returns the same progress;
- completions are a set per user, and each keeps the *earliest* ``occurredAt`` reported,
  so batches merge in any order to the same state; ``lastActivityAt`` is the latest
  completion time of the course;
- a batch is validated event by event: a bad event (unknown lesson, bad time, a reused
  ``clientMutationId``) fails alone with its own error; the good ones are written in one
  transaction. A database failure fails the whole batch: nothing is half written.

Each newly completed lesson gets the learner's next ``seq`` (1, 2, 3...): one learner's
write transactions are serialized (``Database.lock``), so ``seq`` follows commit order and
a committed ``seq`` means every smaller one is committed too. Its event is published
after the commit, carrying its cursor (``events``).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs._shared.broker import Broker
from subgraphs._shared.db import Database
from subgraphs._shared.errors import BadUserInput, NotFound, SubgraphError
from subgraphs._shared.validation import check_id, clean_text
from subgraphs.progress.events import ProgressEventData
from subgraphs.progress.history import load_history
from subgraphs.progress.models import CatalogLessonRow, CompletionRow, EnrollmentRow, ReceiptRow
from subgraphs.progress.state import ProgressSnapshot, channel_for

logger = logging.getLogger("subgraphs.progress")

MAX_SYNC_EVENTS = 500
#: How far in the future a device clock may be before ``occurredAt`` is refused.
CLOCK_SKEW = timedelta(minutes=5)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class CompletionRequest:
    lesson_id: str
    client_mutation_id: str
    occurred_at: datetime | None = None


@dataclass
class Outcome:
    """What happened to one completion request."""

    request: CompletionRequest
    error: SubgraphError | None = None
    course_id: str = ""
    occurred_at: datetime = EARLIEST
    newly_completed: bool = False
    #: The new completion's position in the learner's feed (when newly completed).
    seq: int = 0
    snapshot: ProgressSnapshot | None = field(default=None)


def _validate(request: CompletionRequest, now: datetime) -> Outcome:
    outcome = Outcome(request)
    try:
        clean_text(request.client_mutation_id, "clientMutationId", max_length=64)
        check_id(request.lesson_id, "lessonId")
        occurred = request.occurred_at or now
        if occurred.tzinfo is None:
            raise BadUserInput("`occurredAt` needs a time zone offset.", field="occurredAt")
        occurred = occurred.astimezone(UTC)
        if occurred > now + CLOCK_SKEW:
            raise BadUserInput("`occurredAt` is in the future.", field="occurredAt")
        if occurred < EARLIEST:
            raise BadUserInput("`occurredAt` is before 2000.", field="occurredAt")
        outcome.occurred_at = occurred
    except SubgraphError as error:
        outcome.error = error
    return outcome


async def record_completions(
    database: Database,
    broker: Broker,
    user_id: str,
    requests: list[CompletionRequest],
    now: datetime | None = None,
) -> list[Outcome]:
    """Validate, store and announce ``requests`` for ``user_id``; one outcome each."""
    if len(requests) > MAX_SYNC_EVENTS:
        raise BadUserInput(f"At most {MAX_SYNC_EVENTS} events per sync.", field="events")
    now = now or datetime.now(UTC)
    outcomes = [_validate(request, now) for request in requests]
    pending = [o for o in outcomes if o.error is None]

    async with database.transaction() as session:
        await database.lock(session, f"progress:learner:{user_id}")
        lesson_ids = {o.request.lesson_id for o in pending}
        rows = await session.execute(
            select(CatalogLessonRow.lesson_id, CatalogLessonRow.course_id).where(
                CatalogLessonRow.lesson_id.in_(lesson_ids)
            )
        )
        course_of = {lesson: course for lesson, course in rows.all()}
        for outcome in pending:
            course_id = course_of.get(outcome.request.lesson_id)
            if course_id is None:
                outcome.error = NotFound(
                    f"No lesson with id {outcome.request.lesson_id!r}.", field="lessonId"
                )
                continue
            outcome.course_id = course_id
            await _store(database, session, user_id, outcome)

    stored = [o for o in outcomes if o.error is None]
    history = await load_history(database, user_id, {o.course_id for o in stored})
    for outcome in stored:
        outcome.snapshot = history.snapshot(outcome.course_id)
    new = sorted(o.seq for o in stored if o.newly_completed)
    if new:
        # Each event with the progress as of itself, exactly as a replay would show it.
        events = history.events(after_seq=new[0] - 1, upto_seq=new[-1])
        await _announce(broker, user_id, [e for e in events if e.seq in new])
    return outcomes


async def _store(database: Database, session: AsyncSession, user_id: str, outcome: Outcome) -> None:
    request = outcome.request
    await session.execute(
        database.insert(ReceiptRow)
        .values(
            user_id=user_id,
            client_mutation_id=request.client_mutation_id,
            lesson_id=request.lesson_id,
        )
        .on_conflict_do_nothing()
    )
    receipt_lesson = await session.scalar(
        select(ReceiptRow.lesson_id).where(
            ReceiptRow.user_id == user_id,
            ReceiptRow.client_mutation_id == request.client_mutation_id,
        )
    )
    if receipt_lesson != request.lesson_id:
        outcome.error = BadUserInput(
            "This clientMutationId was already used for another lesson.",
            field="clientMutationId",
        )
        return
    await _ensure_enrollment(database, session, user_id, outcome.course_id, outcome.occurred_at)
    next_seq = (
        select(func.coalesce(func.max(CompletionRow.seq), 0) + 1)
        .where(CompletionRow.user_id == user_id)
        .scalar_subquery()
    )
    inserted = await session.scalar(
        database.insert(CompletionRow)
        .values(
            user_id=user_id,
            lesson_id=request.lesson_id,
            course_id=outcome.course_id,
            completed_at=outcome.occurred_at,
            seq=next_seq,
        )
        .on_conflict_do_nothing(index_elements=["user_id", "lesson_id"])
        .returning(CompletionRow.seq)
    )
    if inserted is None:
        # Already completed: keep the earliest time, so the merge is commutative and
        # batch order does not matter.
        await session.execute(
            update(CompletionRow)
            .where(
                CompletionRow.user_id == user_id,
                CompletionRow.lesson_id == request.lesson_id,
                CompletionRow.completed_at > outcome.occurred_at,
            )
            .values(completed_at=outcome.occurred_at)
        )
    # Decided by the insert itself, so two racing requests announce the lesson once.
    outcome.newly_completed = inserted is not None
    outcome.seq = inserted or 0


async def _ensure_enrollment(
    database: Database, session: AsyncSession, user_id: str, course_id: str, at: datetime
) -> None:
    await session.execute(
        database.insert(EnrollmentRow)
        .values(id=new_enrollment_id(), user_id=user_id, course_id=course_id, enrolled_at=at)
        .on_conflict_do_nothing(index_elements=["user_id", "course_id"])
    )


def new_enrollment_id() -> str:
    return f"enr_{uuid.uuid4().hex}"


async def enroll(database: Database, user_id: str, course_id: str) -> EnrollmentRow:
    """Enroll ``user_id`` in ``course_id`` (idempotent); NOT_FOUND for an unknown course."""
    check_id(course_id, "courseId")
    async with database.transaction() as session:
        known = await session.scalar(
            select(func.count()).where(CatalogLessonRow.course_id == course_id)
        )
        if not known:
            raise NotFound(f"No course with id {course_id!r}.", field="courseId")
        await _ensure_enrollment(database, session, user_id, course_id, datetime.now(UTC))
        row = await session.scalar(
            select(EnrollmentRow).where(
                EnrollmentRow.user_id == user_id, EnrollmentRow.course_id == course_id
            )
        )
    assert row is not None  # inserted or already there, inside this transaction
    return row


async def _announce(broker: Broker, user_id: str, events: list[ProgressEventData]) -> None:
    for event in events:
        try:
            await broker.publish(channel_for(user_id), event.to_message())
        except Exception:  # the completion is stored; a lost event must not undo it
            logger.exception("could not publish a progress event")
