"""The progress subgraph's operations: enroll, complete, sync offline, subscribe."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from datetime import datetime

import strawberry
from strawberry.federation.schema_directives import Authenticated, Cost

from subgraphs._shared.pagination import list_size
from subgraphs._shared.schema import subgraph_schema
from subgraphs._shared.validation import check_id
from subgraphs.progress.events import decode_event_cursor
from subgraphs.progress.feed import follow
from subgraphs.progress.recording import (
    MAX_SYNC_EVENTS,
    CompletionRequest,
    Outcome,
    enroll,
    record_completions,
)
from subgraphs.progress.types import (
    Course,
    CourseProgress,
    Enrollment,
    Info,
    Lesson,
    ProgressEvent,
    User,
    enrollment_from_row,
)


@strawberry.input(description="A lesson the calling user completed (now, or while offline).")
class CompleteLessonInput:
    lesson_id: strawberry.ID
    client_mutation_id: str = strawberry.field(
        description="Unique per completion on the client (1-64 characters); replays are no-ops."
    )
    occurred_at: datetime | None = strawberry.field(
        default=None, description="When it happened (with offset); default: now."
    )

    def request(self) -> CompletionRequest:
        return CompletionRequest(
            lesson_id=str(self.lesson_id),
            client_mutation_id=self.client_mutation_id,
            occurred_at=self.occurred_at,
        )


@strawberry.type
class CompleteLessonPayload:
    client_mutation_id: str
    progress: CourseProgress


@strawberry.type(description="Why one event of a sync failed.")
class SyncError:
    code: str = strawberry.field(description="BAD_USER_INPUT or NOT_FOUND.")
    message: str


@strawberry.type(description="The result of one event of `syncProgress`, in input order.")
class SyncEventResult:
    client_mutation_id: str
    ok: bool
    progress: CourseProgress | None
    error: SyncError | None


def _progress(outcome: Outcome) -> CourseProgress:
    assert outcome.snapshot is not None
    snap = outcome.snapshot
    return CourseProgress(user_id=snap.user_id, course_id=snap.course_id, snapshot=snap)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Enroll the calling user in a course (idempotent).",
        directives=[Cost(weight=10), Authenticated()],
    )
    async def enroll(self, info: Info, course_id: strawberry.ID) -> Enrollment:
        user_id = info.context.identity.require_user()
        row = await enroll(info.context.database, user_id, str(course_id))
        return enrollment_from_row(row)

    @strawberry.mutation(
        description="Record that the calling user completed a lesson (idempotent).",
        directives=[Cost(weight=10), Authenticated()],
    )
    async def complete_lesson(
        self, info: Info, input: CompleteLessonInput
    ) -> CompleteLessonPayload:
        user_id = info.context.identity.require_user()
        context = info.context
        [outcome] = await record_completions(
            context.database, context.broker, user_id, [input.request()]
        )
        if outcome.error is not None:
            raise outcome.error
        return CompleteLessonPayload(
            client_mutation_id=input.client_mutation_id, progress=_progress(outcome)
        )

    @strawberry.mutation(
        description=f"Upload completions recorded offline (at most {MAX_SYNC_EVENTS}); "
        "one result per event, a bad event fails alone.",
        directives=[Cost(weight=20), list_size(50), Authenticated()],
    )
    async def sync_progress(
        self, info: Info, events: list[CompleteLessonInput]
    ) -> list[SyncEventResult]:
        user_id = info.context.identity.require_user()
        context = info.context
        outcomes = await record_completions(
            context.database, context.broker, user_id, [e.request() for e in events]
        )
        return [
            SyncEventResult(
                client_mutation_id=o.request.client_mutation_id,
                ok=o.error is None,
                progress=None if o.error else _progress(o),
                error=None
                if o.error is None
                else SyncError(
                    code=str((o.error.extensions or {})["code"]), message=o.error.message
                ),
            )
            for o in outcomes
        ]


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="The calling user's progress events, one per newly completed lesson, in "
        "commit order; only those of `courseId` when given. With `after` (an event's "
        "`cursor`), first the events after it, then live ones: none missed, none twice.",
        directives=[Authenticated()],
    )
    async def progress_updated(
        self, info: Info, course_id: strawberry.ID | None = None, after: str | None = None
    ) -> AsyncGenerator[ProgressEvent, None]:
        user_id = info.context.identity.require_user()
        wanted = None if course_id is None else check_id(str(course_id), "courseId")
        position = None if after is None else decode_event_cursor(after)
        context = info.context
        # aclosing: a client's `complete` leaves the broker channel now, not at GC time.
        async with aclosing(
            follow(context.database, context.broker, user_id, course_id=wanted, after=position)
        ) as events:
            async for event in events:
                snapshot = event.snapshot
                yield ProgressEvent(
                    cursor=event.cursor,
                    lesson=Lesson(id=strawberry.ID(event.lesson_id)),
                    occurred_at=event.occurred_at,
                    progress=CourseProgress(
                        user_id=snapshot.user_id, course_id=snapshot.course_id, snapshot=snapshot
                    ),
                )


schema = subgraph_schema(
    mutation=Mutation,
    subscription=Subscription,
    types=[User, Course, Lesson],
)
