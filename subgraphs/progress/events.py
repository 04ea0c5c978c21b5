"""A learner's progress events: what one is, its cursor, and its broker message.

Every newly completed lesson is one event. Its position is the completion's ``seq``
(``CompletionRow.seq``): the learner's completions numbered 1, 2, 3... in commit order.
The cursor a client sees is that number, encoded opaquely (base64url of
``progress.v1:<seq>``, versioned so the encoding can change); ``decode_event_cursor``
refuses anything else with ``BAD_USER_INPUT``.

An event is the same whether it is delivered live (from the broker message published
after the commit) or replayed from the database: its progress snapshot is the course's
progress *as of that event* (the completions with ``seq`` up to its own).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from subgraphs._shared.errors import BadUserInput
from subgraphs._shared.pagination import decode_cursor, encode_cursor
from subgraphs.progress.state import ProgressSnapshot

CURSOR_KIND = "progress.v1"
#: Larger than any real position, small enough for a BIGINT comparison on every backend.
MAX_SEQ = 2**62


def encode_event_cursor(seq: int) -> str:
    return encode_cursor(CURSOR_KIND, str(seq))


def decode_event_cursor(cursor: str) -> int:
    """The position inside ``cursor``; BAD_USER_INPUT (``argumentName: after``) if it
    is not one of ours."""
    key = decode_cursor(CURSOR_KIND, cursor)
    if key is None or not key.isascii() or not key.isdigit() or len(key) > 19:
        raise BadUserInput("Malformed cursor.", argumentName="after")
    seq = int(key)
    if seq > MAX_SEQ:
        raise BadUserInput("Malformed cursor.", argumentName="after")
    return seq


@dataclass(frozen=True)
class ProgressEventData:
    """One event of a learner's feed, as plain data."""

    seq: int
    lesson_id: str
    occurred_at: datetime
    snapshot: ProgressSnapshot

    @property
    def cursor(self) -> str:
        return encode_event_cursor(self.seq)

    @property
    def course_id(self) -> str:
        return self.snapshot.course_id

    def to_message(self) -> dict[str, Any]:
        """The broker message (JSON) announcing this event."""
        return {
            "cursor": self.cursor,
            "lessonId": self.lesson_id,
            "occurredAt": self.occurred_at.isoformat(),
            "progress": self.snapshot.to_json(),
        }

    @classmethod
    def from_message(cls, message: dict[str, Any]) -> ProgressEventData | None:
        """The event a broker message announces; None for a message that does not say
        where it belongs (no valid cursor, e.g. from a replica of an older version)."""
        seq = message_seq(message)
        if seq is None:
            return None
        try:
            return cls(
                seq=seq,
                lesson_id=str(message["lessonId"]),
                occurred_at=datetime.fromisoformat(message["occurredAt"]),
                snapshot=ProgressSnapshot.from_json(message["progress"]),
            )
        except (KeyError, TypeError, ValueError):
            return None


def message_seq(message: dict[str, Any]) -> int | None:
    """The position a broker message carries, or None."""
    cursor = message.get("cursor")
    if not isinstance(cursor, str):
        return None
    try:
        return decode_event_cursor(cursor)
    except BadUserInput:
        return None
