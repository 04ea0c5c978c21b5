"""Writes announce the entities they changed on the broker (the gateways purge cached
responses from these: docs/caching.md)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx

from subgraphs._shared.announcements import ENTITY_CHANGES_CHANNEL
from tests.subgraphs.helpers import RunningSubgraphs, as_user, gql


@contextlib.asynccontextmanager
async def listening(app: Any) -> AsyncIterator[asyncio.Queue[dict[str, Any]]]:
    """Every announcement the app's broker carries, in a queue."""
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    async with app.state.broker.subscribe(ENTITY_CHANGES_CHANNEL) as messages:

        async def pump() -> None:
            async for message in messages:
                queue.put_nowait(message)

        task = asyncio.create_task(pump())
        try:
            yield queue
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def test_update_profile_announces_the_user(
    subgraphs: RunningSubgraphs, client: httpx.AsyncClient
) -> None:
    user = subgraphs.data.users[10]["id"]
    async with listening(subgraphs.apps["users"]) as announced:
        body = await gql(
            client,
            subgraphs.urls["users"],
            'mutation { updateProfile(input: {name: "Renamed"}) { id } }',
            headers=as_user(user),
        )
        assert body == {"data": {"updateProfile": {"id": user}}}
        message = await asyncio.wait_for(announced.get(), 5)
    assert message == {"entities": [{"typename": "User", "id": user}]}


async def test_enroll_announces_the_learner(
    subgraphs: RunningSubgraphs, client: httpx.AsyncClient
) -> None:
    user = subgraphs.data.users[10]["id"]
    course = subgraphs.data.courses[0]["id"]
    async with listening(subgraphs.apps["progress"]) as announced:
        body = await gql(
            client,
            subgraphs.urls["progress"],
            "mutation($c: ID!) { enroll(courseId: $c) { id } }",
            {"c": course},
            headers=as_user(user),
        )
        assert "errors" not in body
        message = await asyncio.wait_for(announced.get(), 5)
    assert message == {"entities": [{"typename": "User", "id": user}]}


async def test_a_refused_write_announces_nothing(
    subgraphs: RunningSubgraphs, client: httpx.AsyncClient
) -> None:
    async with listening(subgraphs.apps["users"]) as announced:
        body = await gql(
            client,
            subgraphs.urls["users"],
            'mutation { updateProfile(input: {name: ""}) { id } }',
            headers=as_user(subgraphs.data.users[10]["id"]),
        )
        assert body["errors"]
        await asyncio.sleep(0.05)
    assert announced.empty()
