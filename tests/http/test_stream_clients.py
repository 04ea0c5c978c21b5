"""Real third-party clients receive live progress through the gateway over HTTP: the npm
``graphql-sse`` client in both its modes, and Apollo Client's multipart subscriptions
(``@apollo/client``'s HttpLink, the protocol of Apollo iOS and Kotlin too), each event with
fields from all three subgraphs. Each client stops its subscription at the end, and the
gateway closes the upstream one.

Needs ``make test-deps`` (``npm ci`` in ``tests/http/js``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.http.helpers import LIVE, expected_event, without_time
from tests.subscriptions.fixtures import PlatformFactory
from tests.subscriptions.helpers import (
    Platform,
    as_user,
    fresh_learner,
    lessons_of,
    progress_unreachable,
)

HERE = Path(__file__).parent / "js"


class NodeClient:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    async def line(self, timeout: float = 30) -> dict[str, Any]:
        assert self.process.stdout is not None
        raw = await asyncio.wait_for(self.process.stdout.readline(), timeout)
        assert raw, f"the client exited: {await self.stderr()}"
        found: dict[str, Any] = json.loads(raw)
        return found

    async def stderr(self) -> str:
        assert self.process.stderr is not None
        return (await self.process.stderr.read()).decode()

    async def exit_code(self) -> int:
        return await asyncio.wait_for(self.process.wait(), 30)


@contextlib.asynccontextmanager
async def node_client(script: str, scenario: dict[str, Any]) -> AsyncIterator[NodeClient]:
    node = shutil.which("node")
    assert node is not None, "Node.js is required"
    assert (HERE / "node_modules" / "graphql-sse").is_dir(), "run `make test-deps`"
    with tempfile.NamedTemporaryFile("w", suffix=".json") as file:
        json.dump(scenario, file)
        file.flush()
        process = await asyncio.create_subprocess_exec(
            node,
            str(HERE / script),
            file.name,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            yield NodeClient(process)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()


async def two_events(platform: Platform, script: str, **scenario: Any) -> list[dict[str, Any]]:
    """Run ``script`` subscribed to the learner's live progress; complete two lessons
    through the gateway; the client's two results, checked against the data."""
    data = platform.subgraphs.data
    user = fresh_learner(platform.subgraphs)
    course = data.courses[0]
    first, second = lessons_of(platform.subgraphs, course["id"])[:2]
    scenario = {
        "url": platform.url,
        "headers": as_user(user),
        "query": LIVE,
        "variables": {"courseId": course["id"]},
        "events": 2,
        **scenario,
    }
    async with node_client(script, scenario) as client:
        await platform.wait_for_subscribers(user, 1)
        await platform.complete_lesson(user, first["id"], "m1")
        one = await client.line()
        await platform.complete_lesson(user, second["id"], "m2")
        two = await client.line()
        assert await client.line() == {"kind": "done"}
        assert await client.exit_code() == 0, await client.stderr()
    # The client stopped its subscription: the gateway closed the upstream one.
    await platform.wait_for_subscribers(user, 0)
    results = [one, two]
    events = [r["result"]["data"] if "result" in r else r["data"] for r in results]
    for event, lesson, completed in zip(events, (first, second), (1, 2), strict=True):
        progress = without_typename(event["progressUpdated"])
        assert without_time(progress) == expected_event(data, user, lesson["id"], completed)
    return results


def without_typename(value: Any) -> Any:
    """Apollo Client adds ``__typename`` to every selection (for its cache)."""
    if isinstance(value, dict):
        return {k: without_typename(v) for k, v in value.items() if k != "__typename"}
    return value


@pytest.mark.parametrize("mode", ["distinct", "single"])
async def test_graphql_sse_client(platform: Platform, mode: str) -> None:
    results = await two_events(platform, "sse-client.mjs", mode=mode)
    assert [r["kind"] for r in results] == ["next", "next"]
    assert all("errors" not in r["result"] for r in results)
    assert platform.gateway.http_streams.events["sse"] == 2


async def test_apollo_client_multipart_subscription(platform: Platform) -> None:
    results = await two_events(platform, "apollo-multipart.mjs")
    assert [r["kind"] for r in results] == ["next", "next"]
    assert platform.gateway.http_streams.events["multipart"] == 2


async def test_apollo_client_sees_a_transport_error(make_platform: PlatformFactory) -> None:
    async with progress_unreachable(make_platform) as platform:
        user = fresh_learner(platform.subgraphs)
        scenario = {"url": platform.url, "headers": as_user(user), "query": LIVE,
                    "variables": {}, "events": 1}  # fmt: skip
        async with node_client("apollo-multipart.mjs", scenario) as client:
            outcome = await client.line()
            assert await client.exit_code() == 1
    assert outcome["kind"] == "error"
    assert outcome["codes"] == ["SUBGRAPH_FETCH_FAILED"], outcome
