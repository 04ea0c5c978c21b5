"""A learner's progress in one course, as plain data (also the payload of live events)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any


class Status(Enum):
    NOT_STARTED = "NOT_STARTED"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"


@dataclass(frozen=True)
class ProgressSnapshot:
    user_id: str
    course_id: str
    completed_lesson_ids: tuple[str, ...]
    last_activity_at: datetime | None
    lesson_count: int

    @property
    def completed_lessons(self) -> int:
        return len(self.completed_lesson_ids)

    @property
    def percent_complete(self) -> float:
        """0-100 with one decimal; 0 for a course without lessons."""
        if self.lesson_count <= 0:
            return 0.0
        return round(min(100.0, 100.0 * self.completed_lessons / self.lesson_count), 1)

    @property
    def status(self) -> Status:
        if self.completed_lessons == 0:
            return Status.NOT_STARTED
        if self.completed_lessons >= self.lesson_count:
            return Status.COMPLETED
        return Status.IN_PROGRESS

    def to_json(self) -> dict[str, Any]:
        return {
            "userId": self.user_id,
            "courseId": self.course_id,
            "completedLessonIds": list(self.completed_lesson_ids),
            "lastActivityAt": self.last_activity_at.isoformat() if self.last_activity_at else None,
            "lessonCount": self.lesson_count,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ProgressSnapshot:
        last = data.get("lastActivityAt")
        return cls(
            user_id=str(data["userId"]),
            course_id=str(data["courseId"]),
            completed_lesson_ids=tuple(str(i) for i in data["completedLessonIds"]),
            last_activity_at=datetime.fromisoformat(last) if last else None,
            lesson_count=int(data["lessonCount"]),
        )


def snapshot_of(
    user_id: str, course_id: str, done: list[tuple[str, datetime]], lesson_count: int
) -> ProgressSnapshot:
    """The snapshot of ``done`` (``(lesson_id, completed_at)`` in lesson id order)."""
    return ProgressSnapshot(
        user_id=user_id,
        course_id=course_id,
        completed_lesson_ids=tuple(lesson for lesson, _ in done),
        last_activity_at=max((at for _, at in done), default=None),
        lesson_count=lesson_count,
    )


def channel_for(user_id: str) -> str:
    """The broker channel carrying one user's progress events."""
    return f"progress:user:{user_id}"
