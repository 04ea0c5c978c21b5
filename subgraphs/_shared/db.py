"""One database per subgraph: SQLAlchemy 2 async, SQLite by default, PostgreSQL by URL.

``database_url(name)`` picks the URL: the explicit argument, else the environment
variable ``<NAME>_DATABASE_URL``, else the SQLite file ``$DATA_DIR/<name>.sqlite3``
(``DATA_DIR`` defaults to ``data/``). Tables are created on startup (``create_all`` is
idempotent); the schema is small and versioned with the code.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, MetaData, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.types import TypeDecorator


def database_url(name: str, explicit: str | None = None) -> str:
    """The SQLAlchemy async URL for subgraph ``name`` (see the module docstring)."""
    if explicit:
        return explicit
    from_env = os.environ.get(f"{name.upper()}_DATABASE_URL")
    if from_env:
        return from_env
    data_dir = Path(os.environ.get("DATA_DIR") or "data")
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite+aiosqlite:///{data_dir / f'{name}.sqlite3'}"


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


#: Execution option marking a write transaction (SQLite: ``BEGIN IMMEDIATE``).
WRITE = "subgraphs_write"


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # We emit BEGIN ourselves (see _begin_sqlite): the driver's implicit transactions
    # would start writes as deferred transactions.
    dbapi_connection.isolation_level = None
    # WAL lets readers run beside the one writer; busy_timeout makes concurrent writers
    # (two app instances on one file in tests) wait instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin_sqlite(connection: Any) -> None:
    # A write transaction takes the write lock up front. A deferred one that reads first
    # and writes later fails with SQLITE_BUSY (no waiting) when another writer got in
    # between; IMMEDIATE makes it wait its turn (busy_timeout) instead.
    immediate = connection.get_execution_options().get(WRITE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """An async engine and its session factory; one per subgraph process (or test app)."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        kwargs: dict[str, Any] = {"echo": echo}
        if url.startswith("postgresql"):
            kwargs.update(pool_size=10, max_overflow=20, pool_pre_ping=True)
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _configure_sqlite)
            event.listen(self.engine.sync_engine, "begin", _begin_sqlite)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def create_tables(self, metadata: MetaData) -> None:
        async with self.engine.begin() as conn:
            await conn.run_sync(metadata.create_all)

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A session for reads (no transaction left open afterwards)."""
        async with self.sessions() as session:
            yield session

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session in one transaction: committed on success, rolled back on any error."""
        async with self.sessions() as session, session.begin():
            await session.connection(execution_options={WRITE: True})
            yield session

    async def lock(self, session: AsyncSession, key: str) -> None:
        """Hold the lock named ``key`` until ``session``'s transaction ends, so the write
        transactions taking it run one at a time. PostgreSQL: a transaction-scoped
        advisory lock; SQLite: nothing to do, its write transactions (``BEGIN
        IMMEDIATE``) already run one at a time."""
        if self.dialect == "postgresql":
            await session.execute(
                text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key}
            )

    def insert(self, table: Any) -> Any:
        """A dialect ``INSERT`` supporting ``on_conflict_do_nothing/do_update``."""
        if self.dialect == "postgresql":
            return postgresql.insert(table)
        return sqlite.insert(table)

    async def dispose(self) -> None:
        await self.engine.dispose()
