"""The fixtures for tests that need the three subgraphs running: imported by the
conftest of each directory that uses them (``tests/subgraphs``, ``tests/subscriptions``)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest

from tests.subgraphs.helpers import (
    RunningSubgraphs,
    create_pg_databases,
    drop_pg_databases,
    running_subgraphs,
    use_postgres,
)


@pytest.fixture(scope="session")
def shared_databases() -> Iterator[dict[str, str] | None]:
    """On PostgreSQL, one set of throwaway databases for the session (creating three
    databases per test costs a second); each test empties and reseeds them. On SQLite,
    None: every test gets fresh files."""
    if not use_postgres():
        yield None
        return
    urls = asyncio.run(create_pg_databases())
    try:
        yield urls
    finally:
        asyncio.run(drop_pg_databases(urls))


@pytest.fixture
async def subgraphs(shared_databases: dict[str, str] | None) -> AsyncIterator[RunningSubgraphs]:
    async with running_subgraphs(database_urls=shared_databases) as running:
        yield running
