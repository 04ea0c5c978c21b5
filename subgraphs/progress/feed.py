"""``follow``: a learner's progress events, replayed from a cursor and then live, each
delivered once and in order.

Why it cannot miss or repeat one:

1. It subscribes to the learner's broker channel *first*: from then on, every event
   committed is either announced on it or already in the database when read below.
2. Then it reads the database: the events after ``after`` (for a live-only
   subscription, the latest position read before subscribing), sent in order.
3. Then it drains the channel in position order: a message at or before the position
   reached is skipped (replayed already, or announced twice); the next position is
   delivered from the message itself, with no query; a message further ahead means
   earlier announcements are late or lost (pub/sub is at most once, and two commits
   may publish in either order), so the missing events are read from the database,
   which holds them all (``recording``: a committed position implies every smaller
   one is committed too).

A message without a cursor (a replica of an older version) is treated like one far
ahead: the database says what is new.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

from subgraphs._shared.broker import Broker
from subgraphs._shared.db import Database
from subgraphs._shared.errors import BadUserInput
from subgraphs.progress.events import ProgressEventData, message_seq
from subgraphs.progress.history import last_seq, load_history
from subgraphs.progress.state import channel_for


async def follow(
    database: Database,
    broker: Broker,
    user_id: str,
    *,
    course_id: str | None = None,
    after: int | None = None,
) -> AsyncGenerator[ProgressEventData, None]:
    """``user_id``'s events after position ``after`` (None: from now), then live ones;
    only ``course_id``'s when given. BAD_USER_INPUT when ``after`` is ahead of the
    learner's feed (a cursor of another learner, or of a database since reset)."""
    if after is None:
        # Live only: from the latest event now. Read before subscribing, so an event
        # committed in between is not lost: it is replayed below.
        after = await last_seq(database, user_id)
    async with broker.subscribe(channel_for(user_id)) as messages:
        position = await last_seq(database, user_id)
        if after > position:
            raise BadUserInput(
                "This cursor is not a position in your progress events.",
                argumentName="after",
            )
        if position > after:
            history = await load_history(database, user_id)
            position = history.last_seq
            for event in history.events(after, course_id=course_id):
                yield event
        async for message in messages:
            seq = message_seq(message)
            if seq is not None and seq <= position:
                continue
            announced = ProgressEventData.from_message(message) if seq == position + 1 else None
            if announced is not None:
                events, reached = [announced], announced.seq
            else:
                caught_up = await load_history(database, user_id)
                reached = caught_up.last_seq if seq is None else seq
                events = caught_up.events(position, upto_seq=reached)
            for event in events:
                if course_id is None or event.course_id == course_id:
                    yield event
            position = max(position, reached)
