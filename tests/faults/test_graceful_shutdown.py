"""SIGTERM to a real gateway process (``python -m gateway serve``) with 50 requests in flight.

Every one of the 50 gets its whole answer; requests that arrive after the signal are
refused without being processed (the listener is closed: the connection is refused, or
the gateway answers 503), never half-done; the process then exits by SIGTERM.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx

from tests.http.hello_subgraph import Concurrency, hello_app, supergraph_for
from tests.servers import ThreadedServer

ROOT = Path(__file__).parent.parent.parent
IN_FLIGHT = 50


@contextlib.asynccontextmanager
async def gateway_process(tmp_path: Path, subgraph_url: str) -> AsyncIterator[tuple[str, Any]]:
    supergraph = tmp_path / "supergraph.graphql"
    supergraph.write_text(supergraph_for(subgraph_url))
    config = tmp_path / "gateway.yaml"
    config.write_text(
        f"supergraph:\n  path: {supergraph}\n  watch: false\n"
        "server:\n  port: 0\n  graceful_shutdown_seconds: 20\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("GATEWAY_")}
    log = tmp_path / "gateway.log"
    with log.open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "gateway", "serve", "--config", str(config),
            cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=stderr,
        )  # fmt: skip
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        assert line.startswith("gateway: http://127.0.0.1:"), line + log.read_text()
        yield line.removeprefix("gateway: ").strip().removesuffix("/graphql"), process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_sigterm_with_50_requests_in_flight_loses_none(tmp_path: Path) -> None:
    counter = Concurrency()
    with ThreadedServer(hello_app(counter)) as hello:
        async with (
            gateway_process(tmp_path, f"{hello.url}/graphql") as (url, process),
            httpx.AsyncClient(
                base_url=url, timeout=30, limits=httpx.Limits(max_connections=IN_FLIGHT + 10)
            ) as client,
        ):
            assert (await client.post("/graphql", json={"query": "{ hello }"})).json() == {
                "data": {"hello": "world"}
            }
            # Distinct operations, so none shares another's execution; slow enough that
            # all 50 are still at the subgraph when the last arrives on a loaded machine.
            seconds = [round(3.0 + i / 1000, 3) for i in range(IN_FLIGHT)]
            requests = [
                asyncio.create_task(
                    client.post("/graphql", json={"query": f"{{ slow(seconds: {s}) }}"})
                )
                for s in seconds
            ]
            deadline = time.monotonic() + 20
            while counter.now < IN_FLIGHT:  # all 50 are at the subgraph
                assert time.monotonic() < deadline, counter.now
                await asyncio.sleep(0.01)
            process.send_signal(signal.SIGTERM)
            await asyncio.sleep(0.2)  # the listener closes

            # New requests after the signal: refused, not processed.
            async with httpx.AsyncClient(base_url=url, timeout=5) as late_client:
                for _ in range(5):
                    try:
                        late = await late_client.post("/graphql", json={"query": "{ hello }"})
                    except httpx.ConnectError:
                        continue
                    assert late.status_code == 503, late.text

            responses = await asyncio.wait_for(asyncio.gather(*requests), 30)
            for s, response in zip(seconds, responses, strict=True):
                assert response.status_code == 200
                assert response.json() == {"data": {"slow": f"slept {s}"}}
            assert await asyncio.wait_for(process.wait(), 30) == -signal.SIGTERM
    assert counter.total == IN_FLIGHT + 1  # the late requests never reached the subgraph
