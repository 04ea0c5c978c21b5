"""Fixtures: the three real subgraphs, and the real gateway app on uvicorn in front.

``platform`` yields a ``Platform``; ``make_platform(**config)`` builds one with other
gateway settings (persisted queries, limits, subscriptions) for the tests that need them.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.subgraphs.helpers import (
    RunningSubgraphs,
    create_pg_databases,
    drop_pg_databases,
    running_subgraphs,
    use_postgres,
)
from tests.subscriptions.helpers import Platform, gateway_platform

PlatformFactory = Callable[..., contextlib.AbstractAsyncContextManager[Platform]]


@pytest.fixture(scope="session")
def shared_databases() -> Iterator[dict[str, str] | None]:
    """On PostgreSQL one set of throwaway databases for the session (reseeded per test);
    on SQLite None: fresh files per test."""
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


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


@pytest.fixture
def make_platform(subgraphs: RunningSubgraphs, http: httpx.AsyncClient) -> PlatformFactory:
    def make(**config: Any) -> contextlib.AbstractAsyncContextManager[Platform]:
        return gateway_platform(subgraphs, http, **config)

    return make


@pytest.fixture
async def platform(make_platform: PlatformFactory) -> AsyncIterator[Platform]:
    async with make_platform() as running:
        yield running
