"""The fixtures for tests that need the whole platform (the three real subgraphs and the
real gateway app on uvicorn in front): imported by the conftest of each directory that
uses them (``tests/subscriptions``, ``tests/http``, ``tests/auth``).

``platform`` yields a ``Platform``; ``make_platform(**config)`` builds one with other
gateway settings (persisted queries, limits, subscriptions) for the tests that need them.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from tests.subgraphs.fixtures import shared_databases, subgraphs
from tests.subgraphs.helpers import RunningSubgraphs
from tests.subscriptions.helpers import Platform, gateway_platform

PlatformFactory = Callable[..., contextlib.AbstractAsyncContextManager[Platform]]


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


__all__ = [
    "PlatformFactory",
    "http",
    "make_platform",
    "platform",
    "shared_databases",
    "subgraphs",
]
