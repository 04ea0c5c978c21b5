"""The courses subgraph's DataLoaders (one set per operation).

Lessons are always loaded per course (``lessons_by_course``), also for
``Module.lessons`` and ``lessonCount``, so any selection touches the lessons table once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiodataloader import DataLoader
from sqlalchemy import Executable, select

from subgraphs._shared.db import Database
from subgraphs._shared.loaders import by_key, group_loader, mapping_loader
from subgraphs.courses.models import CourseRow, CourseTagRow, LessonRow, ModuleRow


@dataclass
class Loaders:
    course: DataLoader[str, CourseRow | None]
    lesson: DataLoader[str, LessonRow | None]
    tags_by_course: DataLoader[str, list[CourseTagRow]]
    modules_by_course: DataLoader[str, list[ModuleRow]]
    lessons_by_course: DataLoader[str, list[LessonRow]]
    courses_by_instructor: DataLoader[str, list[CourseRow]]


def make_loaders(database: Database) -> Loaders:
    async def all_of(query: Executable) -> list[Any]:
        async with database.read() as session:
            return list(await session.scalars(query))

    async def courses(ids: list[str]) -> dict[str, CourseRow]:
        return by_key(await all_of(select(CourseRow).where(CourseRow.id.in_(ids))), "id")

    async def lessons(ids: list[str]) -> dict[str, LessonRow]:
        return by_key(await all_of(select(LessonRow).where(LessonRow.id.in_(ids))), "id")

    async def tags(ids: list[str]) -> list[Any]:
        query = select(CourseTagRow).where(CourseTagRow.course_id.in_(ids))
        return await all_of(query.order_by(CourseTagRow.course_id, CourseTagRow.tag))

    async def modules(ids: list[str]) -> list[Any]:
        query = select(ModuleRow).where(ModuleRow.course_id.in_(ids))
        return await all_of(query.order_by(ModuleRow.course_id, ModuleRow.position))

    async def course_lessons(ids: list[str]) -> list[Any]:
        query = select(LessonRow).where(LessonRow.course_id.in_(ids))
        return await all_of(query.order_by(LessonRow.course_id, LessonRow.position))

    async def taught(ids: list[str]) -> list[Any]:
        query = select(CourseRow).where(CourseRow.instructor_id.in_(ids))
        return await all_of(query.order_by(CourseRow.id))

    return Loaders(
        course=mapping_loader(courses),
        lesson=mapping_loader(lessons),
        tags_by_course=group_loader(tags, lambda row: row.course_id),
        modules_by_course=group_loader(modules, lambda row: row.course_id),
        lessons_by_course=group_loader(course_lessons, lambda row: row.course_id),
        courses_by_instructor=group_loader(taught, lambda row: row.instructor_id),
    )
