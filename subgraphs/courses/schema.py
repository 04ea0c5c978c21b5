"""The courses subgraph's GraphQL schema.

Owns ``Course`` and ``Lesson`` (entities) and ``Module``; contributes
``User.taughtCourses`` to the ``User`` entity owned by the users subgraph.
"""

from __future__ import annotations

from datetime import datetime

import strawberry
from sqlalchemy import exists, func, select
from strawberry.federation.schema_directives import Cost

from subgraphs._shared.cache_control import cache_hint
from subgraphs._shared.context import SubgraphContext
from subgraphs._shared.errors import NotFound
from subgraphs._shared.pagination import (
    DEFAULT_PAGE_SIZE,
    Connection,
    check_first,
    connection,
    connection_size,
    decode_cursor,
    list_size,
)
from subgraphs._shared.schema import subgraph_schema
from subgraphs._shared.validation import check_id, clean_text
from subgraphs.courses.loaders import Loaders
from subgraphs.courses.models import CourseRow, CourseTagRow, LessonRow

Info = strawberry.Info[SubgraphContext[Loaders], None]

#: The catalogue is public and changes rarely (edits purge the gateway's response cache).
CATALOGUE_MAX_AGE = 300


@strawberry.federation.type(keys=["id"], description="A user (owned by the users subgraph).")
class User:
    id: strawberry.ID

    @strawberry.field(
        description="Courses this user teaches, in id order.", directives=[list_size(10)]
    )
    async def taught_courses(self, info: Info) -> list[Course]:
        rows = await info.context.loaders.courses_by_instructor.load(str(self.id))
        return [course_from_row(row) for row in rows]


@strawberry.federation.type(
    keys=["id"], description="One lesson of a course.", directives=[cache_hint(CATALOGUE_MAX_AGE)]
)
class Lesson:
    id: strawberry.ID
    title: str
    position: int = strawberry.field(description="1-based position within the course.")
    duration_minutes: int
    course_id: strawberry.Private[str]

    @strawberry.field
    async def course(self, info: Info) -> Course:
        row = await info.context.loaders.course.load(self.course_id)
        if row is None:  # a lesson outlives its course only if the database is corrupt
            raise NotFound(f"No course with id {self.course_id!r}.")
        return course_from_row(row)

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Lesson | None:
        row = await info.context.loaders.lesson.load(str(id))
        return None if row is None else lesson_from_row(row)


@strawberry.type(
    description="A chapter of a course: an ordered group of lessons.",
    directives=[cache_hint(CATALOGUE_MAX_AGE)],
)
class Module:
    id: strawberry.ID
    title: str
    position: int
    course_id: strawberry.Private[str]

    @strawberry.field(directives=[list_size(10)])
    async def lessons(self, info: Info) -> list[Lesson]:
        rows = await info.context.loaders.lessons_by_course.load(self.course_id)
        return [lesson_from_row(row) for row in rows if row.module_id == self.id]


@strawberry.federation.type(
    keys=["id"],
    description="A course: modules of lessons.",
    directives=[cache_hint(CATALOGUE_MAX_AGE)],
)
class Course:
    id: strawberry.ID
    title: str
    description: str
    published_at: datetime | None
    instructor_id: strawberry.Private[str]

    @strawberry.field
    def instructor(self) -> User:
        return User(id=strawberry.ID(self.instructor_id))

    @strawberry.field(directives=[list_size(8)])
    async def modules(self, info: Info) -> list[Module]:
        rows = await info.context.loaders.modules_by_course.load(str(self.id))
        return [
            Module(
                id=strawberry.ID(r.id), title=r.title, position=r.position, course_id=r.course_id
            )
            for r in rows
        ]

    @strawberry.field(description="All lessons of the course in order.", directives=[list_size(40)])
    async def lessons(self, info: Info) -> list[Lesson]:
        rows = await info.context.loaders.lessons_by_course.load(str(self.id))
        return [lesson_from_row(row) for row in rows]

    @strawberry.field(description="How many lessons the course has.")
    async def lesson_count(self, info: Info) -> int:
        return len(await info.context.loaders.lessons_by_course.load(str(self.id)))

    @strawberry.field(directives=[list_size(5)])
    async def tags(self, info: Info) -> list[str]:
        return [row.tag for row in await info.context.loaders.tags_by_course.load(str(self.id))]

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Course | None:
        row = await info.context.loaders.course.load(str(id))
        return None if row is None else course_from_row(row)


def course_from_row(row: CourseRow) -> Course:
    return Course(
        id=strawberry.ID(row.id),
        title=row.title,
        description=row.description,
        published_at=row.published_at,
        instructor_id=row.instructor_id,
    )


def lesson_from_row(row: LessonRow) -> Lesson:
    return Lesson(
        id=strawberry.ID(row.id),
        title=row.title,
        position=row.position,
        duration_minutes=row.duration_minutes,
        course_id=row.course_id,
    )


@strawberry.type
class Query:
    @strawberry.field(description="One course by id; NOT_FOUND when there is none.")
    async def course(self, info: Info, id: strawberry.ID) -> Course | None:
        row = await info.context.loaders.course.load(check_id(str(id)))
        if row is None:
            raise NotFound(f"No course with id {id!r}.")
        return course_from_row(row)

    @strawberry.field(description="One lesson by id; NOT_FOUND when there is none.")
    async def lesson(self, info: Info, id: strawberry.ID) -> Lesson | None:
        row = await info.context.loaders.lesson.load(check_id(str(id)))
        if row is None:
            raise NotFound(f"No lesson with id {id!r}.")
        return lesson_from_row(row)

    @strawberry.field(
        description="Courses in id order; `search` matches the title (case-insensitive), "
        "`tag` one of the tags.",
        directives=[connection_size(), Cost(weight=5), cache_hint(CATALOGUE_MAX_AGE)],
    )
    async def courses(
        self,
        info: Info,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
        search: str | None = None,
        tag: str | None = None,
    ) -> Connection[Course]:
        check_first(first)
        after_id = decode_cursor("course", after)
        query = select(CourseRow).order_by(CourseRow.id).limit(first + 1)
        if after_id is not None:
            query = query.where(CourseRow.id > after_id)
        if search is not None:
            needle = clean_text(search, "search", max_length=100).lower()
            query = query.where(func.lower(CourseRow.title).contains(needle, autoescape=True))
        if tag is not None:
            wanted = clean_text(tag, "tag", max_length=40).lower()
            query = query.where(
                exists().where(CourseTagRow.course_id == CourseRow.id, CourseTagRow.tag == wanted)
            )
        async with info.context.database.read() as session:
            rows = list(await session.scalars(query))
        return connection(rows, first, "course", lambda r: r.id, course_from_row)


schema = subgraph_schema(
    query=Query,
    types=[User, Lesson],
)
