"""The courses database: courses, their tags, modules and lessons."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from subgraphs._shared.db import UTCDateTime


class Base(DeclarativeBase):
    pass


class CourseRow(Base):
    __tablename__ = "courses"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    #: A user id of the users subgraph (another database: no foreign key).
    instructor_id: Mapped[str] = mapped_column(String(64), index=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class CourseTagRow(Base):
    __tablename__ = "course_tags"
    __table_args__ = (Index("ix_course_tags_tag", "tag"),)

    course_id: Mapped[str] = mapped_column(ForeignKey("courses.id"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(40), primary_key=True)


class ModuleRow(Base):
    __tablename__ = "modules"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    course_id: Mapped[str] = mapped_column(ForeignKey("courses.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))


class LessonRow(Base):
    __tablename__ = "lessons"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    course_id: Mapped[str] = mapped_column(ForeignKey("courses.id"), index=True)
    module_id: Mapped[str] = mapped_column(ForeignKey("modules.id"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    duration_minutes: Mapped[int] = mapped_column(Integer)


metadata = Base.metadata
