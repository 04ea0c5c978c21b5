"""Progress event cursors and broker messages, as plain data."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from subgraphs._shared.errors import BadUserInput
from subgraphs.progress.events import (
    MAX_SEQ,
    ProgressEventData,
    decode_event_cursor,
    encode_event_cursor,
    message_seq,
)
from subgraphs.progress.state import ProgressSnapshot

EVENT = ProgressEventData(
    seq=7,
    lesson_id="les_1",
    occurred_at=datetime(2025, 5, 1, 10, tzinfo=UTC),
    snapshot=ProgressSnapshot("usr_1", "crs_1", ("les_0", "les_1"), None, 4),
)


@pytest.mark.parametrize("seq", [0, 1, 42, MAX_SEQ])
def test_a_cursor_round_trips_and_is_opaque(seq: int) -> None:
    cursor = encode_event_cursor(seq)
    assert decode_event_cursor(cursor) == seq
    assert str(seq) not in cursor


def test_cursors_past_the_largest_position_are_refused() -> None:
    with pytest.raises(BadUserInput) as raised:
        decode_event_cursor(encode_event_cursor(MAX_SEQ + 1))
    assert raised.value.extensions == {"code": "BAD_USER_INPUT", "argumentName": "after"}


def test_a_message_round_trips_to_the_same_event() -> None:
    message = EVENT.to_message()
    assert message["cursor"] == EVENT.cursor
    assert ProgressEventData.from_message(message) == EVENT


@pytest.mark.parametrize(
    "message",
    [
        {},
        {"cursor": 7},
        {"cursor": "garbage"},
        {"lessonId": "les_1"},
    ],
)
def test_a_message_without_a_valid_cursor_has_no_position(message: dict[str, object]) -> None:
    assert message_seq(message) is None
    assert ProgressEventData.from_message(message) is None


def test_a_message_with_a_cursor_but_a_bad_body_is_no_event_yet_has_a_position() -> None:
    message = {**EVENT.to_message(), "progress": {"courseId": "crs_1"}}
    assert message_seq(message) == 7
    assert ProgressEventData.from_message(message) is None
