"""Fixtures: the three subgraphs running over seeded throwaway databases."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.subgraphs.fixtures import shared_databases, subgraphs


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as http:
        yield http


__all__ = ["shared_databases", "subgraphs"]  # fixtures, re-exported for pytest
