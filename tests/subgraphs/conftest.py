"""Fixtures: the three subgraphs running over seeded throwaway databases."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.subgraphs.helpers import RunningSubgraphs, running_subgraphs


@pytest.fixture
async def subgraphs() -> AsyncIterator[RunningSubgraphs]:
    async with running_subgraphs() as running:
        yield running


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as http:
        yield http
