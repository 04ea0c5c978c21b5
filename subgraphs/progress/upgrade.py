"""Bring a progress database made by an earlier version up to date.

``create_all`` creates missing tables but never alters existing ones, so a change to an
existing table needs a step here. Each step checks whether it is needed: ``upgrade`` is
idempotent, and runs at startup and before seeding (one transaction, under a lock, so
replicas starting together do it once).

- ``completions.seq`` (the learner's completions numbered in commit order, the position
  of their events): the commit order of existing rows is unknown, so they are numbered
  by ``completed_at`` then lesson id.
"""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs._shared.db import Database

NUMBER_COMPLETIONS = """
UPDATE completions SET seq = (
    SELECT count(*) FROM completions AS earlier
    WHERE earlier.user_id = completions.user_id
      AND (earlier.completed_at < completions.completed_at
           OR (earlier.completed_at = completions.completed_at
               AND earlier.lesson_id <= completions.lesson_id)))
"""


async def upgrade(database: Database) -> None:
    """Apply the steps this database still needs (none for one created by this version)."""
    async with database.transaction() as session:
        await database.lock(session, "progress:upgrade")
        if "seq" not in await _columns(session, "completions"):
            await _add_completion_positions(session)


async def _columns(session: AsyncSession, table: str) -> set[str]:
    def names(connection: Connection) -> set[str]:
        return {column["name"] for column in inspect(connection).get_columns(table)}

    connection = await session.connection()
    return await connection.run_sync(names)


async def _add_completion_positions(session: AsyncSession) -> None:
    await session.execute(text("ALTER TABLE completions ADD COLUMN seq BIGINT"))
    await session.execute(text(NUMBER_COMPLETIONS))
    # The unique constraint a new table has, as an index (SQLite cannot add constraints).
    await session.execute(
        text("CREATE UNIQUE INDEX uq_completion_seq ON completions (user_id, seq)")
    )
