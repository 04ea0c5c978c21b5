"""Two gateway processes and two progress processes on one Redis: a completion through
either gateway (so on either progress replica) reaches the subscribers of both gateways.

Gateway A sends to progress replica 1, gateway B to replica 2; the replicas share the
progress database and publish events over Redis (a throwaway redis-server). users and
courses run in the test process; every gateway and progress replica is its own process.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis.asyncio as redis
import yaml

from subgraphs.policies import POLICIES
from subgraphs.progress.state import channel_for
from tests.auth.helpers import TEST_SECRET, as_bearer, auth_config, identity_provider
from tests.servers import bound_socket, throwaway_redis
from tests.subgraphs.helpers import running_subgraphs
from tests.subscriptions.helpers import (
    COMPLETE,
    PROGRESS,
    ROOT,
    SUPERGRAPH,
    SubgraphProcess,
    fresh_learner,
    lessons_of,
    websocket,
)


@contextlib.asynccontextmanager
async def gateway_process(config: dict[str, Any], directory: Path) -> AsyncIterator[str]:
    """``python -m gateway serve`` with ``config``; yields its base URL once healthy."""
    sock = bound_socket()
    port = sock.getsockname()[1]
    sock.close()
    path = directory / f"gateway-{port}.yaml"
    config = {**config, "server": {"host": "127.0.0.1", "port": port}}
    path.write_text(yaml.safe_dump(config))
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "gateway", "serve", "--config", str(path),
        cwd=ROOT, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        env={k: v for k, v in os.environ.items() if not k.startswith("GATEWAY_")},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(timeout=2) as client:
            for _ in range(600):
                assert process.returncode is None, "the gateway exited"
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get(f"{base}/health")).status_code == 200:
                        break
                await asyncio.sleep(0.1)
            else:
                raise AssertionError("the gateway did not start")
        yield base
    finally:
        if process.returncode is None:
            process.terminate()
            await process.wait()


@pytest.mark.timeout(180)
async def test_an_event_crosses_gateway_and_progress_replicas() -> None:
    with throwaway_redis() as redis_url, tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        jwks_file = identity_provider().write_jwks(directory / "jwks.json")
        async with running_subgraphs(redis_url=redis_url) as subgraphs:
            env = {
                "PROGRESS_DATABASE_URL": subgraphs.database_urls["progress"],
                "REDIS_URL": redis_url,
                "IDENTITY_SECRET": TEST_SECRET,
            }
            module = "tests.subscriptions.progress_replica"
            replicas = [SubgraphProcess(module, env=env), SubgraphProcess(module, env=env)]
            try:
                await asyncio.gather(*(replica.start() for replica in replicas))

                def config(progress_url: str) -> dict[str, Any]:
                    urls = {**subgraphs.urls, "progress": progress_url}
                    return {
                        "supergraph": {"path": str(SUPERGRAPH), "watch": False},
                        "subgraphs": {name: {"url": url} for name, url in urls.items()},
                        "auth": auth_config(jwks_file=jwks_file).model_dump(mode="json")
                        | {"signing_secret": TEST_SECRET},
                        "authorization": {"policies": POLICIES},
                    }

                async with (
                    gateway_process(config(replicas[0].url), directory) as gateway_a,
                    gateway_process(config(replicas[1].url), directory) as gateway_b,
                ):
                    await crossing(subgraphs, redis_url, gateway_a, gateway_b)
            finally:
                await asyncio.gather(*(replica.kill() for replica in replicas))


async def redis_subscribers(redis_url: str, channel: str, expected: int) -> None:
    """Until ``expected`` connections subscribe to ``channel`` (one per progress replica
    serving a subscription)."""
    client = redis.Redis.from_url(redis_url)
    try:
        for _ in range(1000):
            [(_, count)] = await client.pubsub_numsub(channel)
            if int(count) == expected:
                return
            await asyncio.sleep(0.01)
        raise AssertionError(f"{count} Redis subscribers on {channel}, not {expected}")
    finally:
        await client.aclose()


async def crossing(subgraphs: Any, redis_url: str, gateway_a: str, gateway_b: str) -> None:
    user = fresh_learner(subgraphs)
    course = subgraphs.data.courses[0]["id"]
    lessons = [lesson["id"] for lesson in lessons_of(subgraphs, course)[:2]]
    ws = {name: "ws" + base.removeprefix("http") + "/graphql" for name, base in
          (("a", gateway_a), ("b", gateway_b))}  # fmt: skip
    async with (
        websocket(ws["a"]) as on_a,
        websocket(ws["b"]) as on_b,
        httpx.AsyncClient(timeout=30) as http,
    ):
        await on_a.init(as_bearer(user))
        await on_b.init(as_bearer(user))
        await on_a.subscribe("a", PROGRESS)
        await on_b.subscribe("b", PROGRESS)
        await redis_subscribers(redis_url, channel_for(user), 2)
        for base, lesson in ((gateway_a, lessons[0]), (gateway_b, lessons[1])):
            response = await http.post(
                f"{base}/graphql",
                json={
                    "query": COMPLETE,
                    "variables": {"input": {"lessonId": lesson, "clientMutationId": lesson}},
                },
                headers=as_bearer(user),
            )
            assert "errors" not in response.json(), response.text
        for client in (on_a, on_b):
            received = [await client.receive_operation(timeout=15) for _ in lessons]
            events = [m["payload"]["data"]["progressUpdated"] for m in received]
            assert sorted(e["lesson"]["id"] for e in events) == sorted(lessons)
            assert all(e["course"]["id"] == course for e in events)
