"""The progress subgraph's GraphQL types.

Entity stubs it extends: ``User`` (adds ``enrollments`` and ``progress``), ``Course``
(adds ``myProgress``, which ``@requires`` the courses subgraph's ``lessonCount``) and
``Lesson`` (referenced by events). ``Enrollment`` and ``CourseProgress`` are its own.
"""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.federation.schema_directives import Authenticated, Cost

from subgraphs._shared.context import SubgraphContext
from subgraphs._shared.errors import BadUserInput
from subgraphs._shared.pagination import (
    DEFAULT_PAGE_SIZE,
    Connection,
    check_first,
    connection,
    connection_size,
    decode_cursor,
    list_size,
)
from subgraphs.progress.loaders import Loaders
from subgraphs.progress.models import EnrollmentRow
from subgraphs.progress.state import ProgressSnapshot, Status, snapshot_of

Info = strawberry.Info[SubgraphContext[Loaders], None]

ProgressStatus = strawberry.enum(Status, name="ProgressStatus")


@strawberry.federation.type(keys=["id"], description="A lesson (owned by the courses subgraph).")
class Lesson:
    id: strawberry.ID


@strawberry.type(description="A learner's progress in one course.")
class CourseProgress:
    user_id: strawberry.Private[str]
    course_id: strawberry.Private[str]
    #: Set when known up front: after a write, in an event, or from ``@requires``.
    snapshot: strawberry.Private[ProgressSnapshot | None] = None
    known_lesson_count: strawberry.Private[int | None] = None

    async def state(self, info: Info) -> ProgressSnapshot:
        if self.snapshot is None:
            loaders = info.context.loaders
            rows = await loaders.completions.load((self.user_id, self.course_id))
            count = self.known_lesson_count
            if count is None:
                count = await loaders.lesson_count.load(self.course_id) or 0
            done = [(row.lesson_id, row.completed_at) for row in rows]
            self.snapshot = snapshot_of(self.user_id, self.course_id, done, count)
        return self.snapshot

    @strawberry.field
    def course(self) -> Course:
        return Course(id=strawberry.ID(self.course_id))

    @strawberry.field
    def user(self) -> User:
        return User(id=strawberry.ID(self.user_id))

    @strawberry.field
    async def completed_lessons(self, info: Info) -> int:
        return (await self.state(info)).completed_lessons

    @strawberry.field(description="Ids of the completed lessons.", directives=[list_size(40)])
    async def completed_lesson_ids(self, info: Info) -> list[strawberry.ID]:
        return [strawberry.ID(i) for i in (await self.state(info)).completed_lesson_ids]

    @strawberry.field(description="0-100, one decimal.")
    async def percent_complete(self, info: Info) -> float:
        return (await self.state(info)).percent_complete

    @strawberry.field(description="When the latest completed lesson was completed.")
    async def last_activity_at(self, info: Info) -> datetime | None:
        return (await self.state(info)).last_activity_at

    @strawberry.field
    async def status(self, info: Info) -> ProgressStatus:  # type: ignore[valid-type]
        return (await self.state(info)).status


@strawberry.type(description="A learner's enrollment in a course.")
class Enrollment:
    id: strawberry.ID
    enrolled_at: datetime
    user_id: strawberry.Private[str]
    course_id: strawberry.Private[str]

    @strawberry.field
    def user(self) -> User:
        return User(id=strawberry.ID(self.user_id))

    @strawberry.field
    def course(self) -> Course:
        return Course(id=strawberry.ID(self.course_id))

    @strawberry.field
    def progress(self) -> CourseProgress:
        return CourseProgress(user_id=self.user_id, course_id=self.course_id)


def enrollment_from_row(row: EnrollmentRow) -> Enrollment:
    return Enrollment(
        id=strawberry.ID(row.id),
        enrolled_at=row.enrolled_at,
        user_id=row.user_id,
        course_id=row.course_id,
    )


@strawberry.federation.type(keys=["id"], description="A user (owned by the users subgraph).")
class User:
    id: strawberry.ID

    @strawberry.field(
        description="The user's enrollments, in course id order; "
        "the user themself or an admin (else null and FORBIDDEN).",
        directives=[connection_size(), Cost(weight=2), Authenticated()],
    )
    async def enrollments(
        self, info: Info, first: int = DEFAULT_PAGE_SIZE, after: str | None = None
    ) -> Connection[Enrollment] | None:
        info.context.identity.require_self_or_admin(str(self.id))
        check_first(first)
        after_course = decode_cursor("enrollment", after)
        rows = await info.context.loaders.enrollment_pages.load((str(self.id), first, after_course))
        return connection(rows, first, "enrollment", lambda r: r.course_id, enrollment_from_row)

    @strawberry.field(
        description="Progress in one course; null when not enrolled. "
        "The user themself or an admin.",
        directives=[Authenticated()],
    )
    async def progress(self, info: Info, course_id: strawberry.ID) -> CourseProgress | None:
        info.context.identity.require_self_or_admin(str(self.id))
        enrollment = await info.context.loaders.enrollment.load((str(self.id), str(course_id)))
        if enrollment is None:
            return None
        return CourseProgress(user_id=str(self.id), course_id=str(course_id))


@strawberry.federation.type(keys=["id"], description="A course (owned by the courses subgraph).")
class Course:
    id: strawberry.ID
    required_lesson_count: strawberry.Private[int | None] = None

    @strawberry.federation.field(external=True)
    async def lesson_count(self, info: Info) -> int:
        # Owned by courses; answered here only if asked directly, from the catalog replica.
        if self.required_lesson_count is not None:
            return self.required_lesson_count
        return await info.context.loaders.lesson_count.load(str(self.id)) or 0

    @strawberry.federation.field(
        requires=["lessonCount"],
        description="The calling user's progress; null when not enrolled.",
        directives=[Authenticated()],
    )
    async def my_progress(self, info: Info) -> CourseProgress | None:
        user_id = info.context.identity.require_user()
        enrollment = await info.context.loaders.enrollment.load((user_id, str(self.id)))
        if enrollment is None:
            return None
        return CourseProgress(
            user_id=user_id, course_id=str(self.id), known_lesson_count=self.required_lesson_count
        )

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, lessonCount: object = None) -> Course:
        if lessonCount is not None and (type(lessonCount) is not int or lessonCount < 0):
            raise BadUserInput("`lessonCount` in a Course representation must be an Int >= 0.")
        return cls(id=id, required_lesson_count=lessonCount)


@strawberry.type(description="One lesson completed by the calling user.")
class ProgressEvent:
    cursor: str = strawberry.field(
        description="This event's place in the caller's progress feed: opaque, increasing "
        "in commit order. Resubscribe with `progressUpdated(after: cursor)` to get every "
        "event after it, then live ones, with no gap and no duplicate."
    )
    lesson: Lesson
    occurred_at: datetime
    progress: CourseProgress

    @strawberry.field
    def course(self) -> Course:
        return Course(id=strawberry.ID(self.progress.course_id))
