"""A progress database made before completions had positions (``seq``) is upgraded at
startup: its completions numbered per learner by time, and new ones continue from there."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Column, DateTime, Index, MetaData, String, Table, insert, select

from subgraphs._shared.broker import InProcessBroker
from subgraphs._shared.db import Database
from subgraphs.progress.events import decode_event_cursor
from subgraphs.progress.models import CatalogLessonRow, CompletionRow, metadata
from subgraphs.progress.recording import CompletionRequest, record_completions
from subgraphs.progress.state import channel_for
from subgraphs.progress.upgrade import upgrade
from tests.subgraphs.helpers import throwaway_databases

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def previous_completions_table() -> Table:
    """``completions`` as the previous version created it."""
    return Table(
        "completions",
        MetaData(),
        Column("user_id", String(64), primary_key=True),
        Column("lesson_id", String(64), primary_key=True),
        Column("course_id", String(64)),
        Column("completed_at", DateTime(timezone=True)),
        Index("ix_completions_user_course", "user_id", "course_id"),
    )


async def test_old_completions_are_numbered_and_new_ones_follow() -> None:
    async with throwaway_databases(("progress",)) as urls:
        database = Database(urls["progress"])
        try:
            old = previous_completions_table()
            async with database.engine.begin() as conn:
                others = [t for t in metadata.sorted_tables if t.name != "completions"]
                await conn.run_sync(lambda sync: metadata.create_all(sync, tables=others))
                await conn.run_sync(old.metadata.create_all)
                await conn.execute(
                    insert(CatalogLessonRow),
                    [{"lesson_id": f"les_{i}", "course_id": "crs_1"} for i in range(5)],
                )
                naive = database.dialect == "sqlite"  # as UTCDateTime stores them
                rows = [
                    ("usr_a", "les_2", 1),
                    ("usr_a", "les_0", 3),
                    ("usr_b", "les_0", 2),
                    ("usr_a", "les_1", 2),
                ]
                await conn.execute(
                    insert(old),
                    [
                        {
                            "user_id": user,
                            "lesson_id": lesson,
                            "course_id": "crs_1",
                            "completed_at": (T0 + timedelta(days=day)).replace(
                                tzinfo=None if naive else UTC
                            ),
                        }
                        for user, lesson, day in rows
                    ],
                )

            await upgrade(database)
            await upgrade(database)  # idempotent: a restart changes nothing

            async with database.read() as session:
                numbered = (
                    await session.execute(
                        select(CompletionRow.user_id, CompletionRow.lesson_id, CompletionRow.seq)
                    )
                ).all()
            assert sorted(numbered) == [
                ("usr_a", "les_0", 3),
                ("usr_a", "les_1", 2),
                ("usr_a", "les_2", 1),
                ("usr_b", "les_0", 1),
            ]

            broker = InProcessBroker()
            async with broker.subscribe(channel_for("usr_a")) as messages:
                [outcome] = await record_completions(
                    database, broker, "usr_a", [CompletionRequest("les_4", "m1")]
                )
                message = await anext(messages)
            assert outcome.error is None and outcome.seq == 4
            assert decode_event_cursor(message["cursor"]) == 4
        finally:
            await database.dispose()
