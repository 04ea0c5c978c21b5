"""The progress subgraph killed (SIGKILL) and restarted mid-stream: the client's live
progress goes on with every event once, in order — also an event committed while the
process was down (by another replica), which the gateway gets by resubscribing with
``after`` = the last cursor it delivered (docs/subscriptions.md, "Resuming").

users, courses and a second progress replica run in the test process; the progress
replica the gateway talks to is its own process, on one SQLite database with the other.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from gateway.config import GatewayConfig
from gateway.http.app import create_app
from gateway.pipeline import Gateway
from subgraphs.policies import POLICIES
from tests.auth.helpers import TEST_SECRET, auth_config, identity_provider
from tests.servers import running_app
from tests.subgraphs.helpers import RunningSubgraphs, gql
from tests.subgraphs.helpers import as_user as signed_identity
from tests.subscriptions.helpers import (
    COMPLETE,
    PROGRESS,
    SUPERGRAPH,
    Client,
    SubgraphProcess,
    as_user,
    fresh_learner,
    lessons_of,
    websocket,
)

REPLICA = "tests.subscriptions.progress_replica"


@contextlib.asynccontextmanager
async def gateway_for(subgraphs: RunningSubgraphs, progress_url: str) -> AsyncIterator[str]:
    """The gateway with ``progress`` at ``progress_url``; yields its GraphQL URL."""
    with tempfile.TemporaryDirectory() as keys:
        jwks_file = identity_provider().write_jwks(Path(keys) / "jwks.json")
        urls = {**subgraphs.urls, "progress": progress_url}
        config = GatewayConfig.model_validate(
            {
                "subgraphs": {name: {"url": url} for name, url in urls.items()},
                "supergraph": {"watch": False},
                "auth": auth_config(jwks_file=jwks_file).model_dump(mode="json")
                | {"signing_secret": TEST_SECRET},
                "authorization": {"policies": POLICIES},
                "subscriptions": {
                    "resume_attempts": 60,
                    "resume_backoff_seconds": 0.05,
                    "resume_backoff_max_seconds": 0.5,
                    "keep_alive_seconds": None,
                },
            }
        )
        gateway = await Gateway.create(config, SUPERGRAPH.read_text())
        try:
            async with running_app(create_app(config, gateway)) as base:
                yield f"{base}/graphql"
        finally:
            await gateway.close()


async def complete(http: httpx.AsyncClient, url: str, headers: dict[str, str], lesson: str) -> None:
    body = await gql(
        http, url, COMPLETE, {"input": {"lessonId": lesson, "clientMutationId": lesson}}, headers
    )
    assert body == {"data": {"completeLesson": {"clientMutationId": lesson}}}, body


async def lesson_of(client: Client, timeout: float = 15) -> str:
    message = await client.receive(timeout)
    assert message["type"] == "next", message
    lesson: str = message["payload"]["data"]["progressUpdated"]["lesson"]["id"]
    return lesson


@pytest.mark.timeout(120)
async def test_progress_killed_and_restarted_mid_stream(subgraphs: RunningSubgraphs) -> None:
    user = fresh_learner(subgraphs, 3)
    course = max(subgraphs.data.courses, key=lambda c: len(lessons_of(subgraphs, c["id"])))
    lessons = [lesson["id"] for lesson in lessons_of(subgraphs, course["id"])]
    env = {
        "PROGRESS_DATABASE_URL": subgraphs.database_urls["progress"],
        "IDENTITY_SECRET": TEST_SECRET,
    }
    replica = await SubgraphProcess(REPLICA, env=env).start()
    token = as_user(user)
    try:
        async with (
            gateway_for(subgraphs, replica.url) as url,
            httpx.AsyncClient(timeout=30) as http,
            websocket("ws" + url.removeprefix("http"), headers=None) as client,
        ):
            await client.init(token)
            await client.subscribe("p", PROGRESS)
            # The upstream subscription starts at the learner's latest event: complete
            # lessons until one arrives, and the stream is established from there.
            first, done = None, 0
            for done, lesson in enumerate(lessons[:-2]):  # noqa: B007 (used after)
                await complete(http, url, token, lesson)
                with contextlib.suppress(TimeoutError):
                    first = await lesson_of(client, timeout=1)
                    break
            assert first is not None, "no event arrived"
            # Every completion after the first event's is delivered: catch up to the last.
            while first != lessons[done]:
                first = await lesson_of(client)
            position = done
            down, live = lessons[position + 1], lessons[position + 2]
            await replica.kill()
            # While it is down another replica commits a completion (no broker between
            # them: only the replay after the cursor can bring this event).
            await complete(http, subgraphs.urls["progress"], signed_identity(user), down)
            await replica.start()
            await complete(http, url, token, live)
            assert [await lesson_of(client), await lesson_of(client)] == [down, live]
            # Nothing more (no duplicate): the next message is the answer to a ping.
            await client.send({"type": "ping", "payload": {"n": 1}})
            assert await client.receive() == {"type": "pong", "payload": {"n": 1}}
    finally:
        await replica.kill()
