"""``python -m bench.subscription_churn``: the gateway's memory over subscription churn.

Starts the real progress subgraph and a real gateway (each its own process, SQLite in a
temporary directory), then opens and closes subscriptions: each cycle connects a
graphql-transport-ws websocket to the gateway, initialises it, subscribes to
``progressUpdated`` (the gateway opens an upstream websocket to the progress subgraph),
waits until the subgraph has the upstream subscriber, completes and closes. ``--workers``
clients churn side by side. The gateway's resident memory (``VmRSS`` of its process) is
printed after the first ``--baseline`` cycles and every ``--every`` cycles after, and the
run fails (exit 1) if the last reading is more than ``--tolerance`` (10%) above the
baseline reading.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

ROOT = Path(__file__).resolve().parent.parent
QUERY = "subscription { progressUpdated { occurredAt } }"
#: What the client offers: permessage-deflate, as browsers and mobile clients do
#: (``CHURN_COMPRESSION=`` offers none).
COMPRESSION: str | None = os.environ.get("CHURN_COMPRESSION", "deflate") or None
IDENTITY = {"x-user-id": "usr_0100", "x-user-roles": "LEARNER"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def rss(pid: int) -> int:
    """Resident memory of process ``pid``, in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def start(argv: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


async def wait_http(url: str, body: dict[str, str], deadline: float) -> None:
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            try:
                if (await client.post(url, json=body)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not start")


async def cycle(url: str) -> None:
    """One subscription opened (upstream included) and closed."""
    protocols = [Subprotocol("graphql-transport-ws")]
    async with connect(url, subprotocols=protocols, compression=COMPRESSION) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": IDENTITY}))
        await ws.recv()  # connection_ack
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": QUERY}}))
        # A ping answered after the subscribe: the gateway has taken the subscribe in (an
        # error for the subscription would come first).
        await ws.send(json.dumps({"type": "ping"}))
        answer = json.loads(await ws.recv())
        if answer.get("type") != "pong":
            raise RuntimeError(f"the subscription failed: {answer}")
        await asyncio.sleep(0.01)  # the upstream connection opens meanwhile
        await ws.send(json.dumps({"id": "1", "type": "complete"}))


async def churn(
    url: str, pid: int, total: int, workers: int, baseline: int, every: int
) -> list[tuple[int, int]]:
    done = 0
    readings: list[tuple[int, int]] = []
    lock = asyncio.Lock()

    async def worker() -> None:
        nonlocal done
        while True:
            async with lock:
                if done >= total:
                    return
                done += 1
                number = done
            await cycle(url)
            if number == baseline or (number > baseline and number % every == 0):
                await asyncio.sleep(0.5)  # let the last closes settle
                readings.append((number, rss(pid)))
                print(f"{number:>7} cycles: {rss(pid) / 2**20:7.1f} MiB", flush=True)

    await asyncio.gather(*(worker() for _ in range(workers)))
    return readings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cycles", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--baseline", type=int, default=1_000)
    parser.add_argument("--every", type=int, default=2_000)
    parser.add_argument("--tolerance", type=float, default=0.10)
    args = parser.parse_args()
    progress_port, gateway_port = _free_port(), _free_port()
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "DATA_DIR": data, "LOG_LEVEL": "warning"}
        progress = start(
            [sys.executable, "-m", "subgraphs.progress"],
            {**env, "PROGRESS_PORT": str(progress_port)},
        )
        gateway = start(
            [sys.executable, "-m", "gateway", "serve"],
            {
                **env,
                "GATEWAY_SERVER__PORT": str(gateway_port),
                "GATEWAY_SUPERGRAPH__WATCH": "false",
                "GATEWAY_ENGINE__FORWARD_HEADERS": "[x-user-id, x-user-roles]",
                "GATEWAY_SUBGRAPHS__PROGRESS__URL": f"http://127.0.0.1:{progress_port}/graphql",
            },
        )
        try:
            deadline = time.monotonic() + 60
            asyncio.run(
                wait_http(
                    f"http://127.0.0.1:{progress_port}/graphql",
                    {"query": "{ __typename }"},
                    deadline,
                )
            )
            url = f"http://127.0.0.1:{gateway_port}/graphql"
            asyncio.run(wait_http(url, {"query": "{ __typename }"}, deadline))
            started = time.monotonic()
            readings = asyncio.run(
                churn(
                    "ws" + url.removeprefix("http"),
                    gateway.pid,
                    args.cycles,
                    args.workers,
                    args.baseline,
                    args.every,
                )
            )
            elapsed = time.monotonic() - started
        finally:
            for child in (gateway, progress):
                child.terminate()
                child.wait(timeout=30)
    readings.sort()
    base, last = readings[0][1], readings[-1][1]
    growth = (last - base) / base
    print(
        f"{args.cycles} cycles in {elapsed:.0f} s: {base / 2**20:.1f} MiB after "
        f"{readings[0][0]}, {last / 2**20:.1f} MiB after {readings[-1][0]} ({growth:+.1%})"
    )
    return 0 if growth <= args.tolerance else 1


if __name__ == "__main__":
    raise SystemExit(main())
