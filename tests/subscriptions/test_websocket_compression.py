"""No permessage-deflate on either side of a subscription: each compressed websocket holds
zlib state, and opening and closing subscriptions left ~70 KB each in the allocator's heap
(``bench/subscription_churn.py`` measures the plateau)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, serve
from websockets.typing import Subprotocol

from gateway.subscriptions.upstream import UpstreamSubscription
from tests.servers import bound_socket

ROOT = Path(__file__).resolve().parents[2]
PROTOCOL = Subprotocol("graphql-transport-ws")


async def test_the_upstream_connection_offers_no_compression() -> None:
    offered: list[str | None] = []

    async def subgraph(connection: ServerConnection) -> None:
        assert connection.request is not None
        offered.append(connection.request.headers.get("sec-websocket-extensions"))
        await connection.recv()  # connection_init
        await connection.send(json.dumps({"type": "connection_ack"}))
        await connection.recv()  # subscribe
        await connection.send(json.dumps({"id": "1", "type": "complete"}))
        await connection.wait_closed()

    sock = bound_socket()
    async with serve(subgraph, sock=sock, subprotocols=[PROTOCOL]):
        url = f"ws://127.0.0.1:{sock.getsockname()[1]}/graphql"
        upstream = await UpstreamSubscription.open(url, "subscription { x }", {}, {}, 5)
        assert await upstream.next() is None
        await upstream.close()
    # websockets offers permessage-deflate unless told not to.
    assert offered == [None]


@pytest.mark.timeout(90)
async def test_the_gateway_declines_a_clients_compression(tmp_path: Path) -> None:
    sock = bound_socket()
    port = sock.getsockname()[1]
    sock.close()
    env = {
        **os.environ,
        "GATEWAY_SERVER__PORT": str(port),
        "GATEWAY_SUPERGRAPH__WATCH": "false",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gateway", "serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                async with connect(
                    f"ws://127.0.0.1:{port}/graphql", subprotocols=[PROTOCOL]
                ) as client:
                    # The client offered permessage-deflate (websockets does by default).
                    assert client.request is not None
                    assert (
                        "permessage-deflate" in client.request.headers["sec-websocket-extensions"]
                    )
                    assert client.response is not None
                    assert client.response.headers.get("sec-websocket-extensions") is None
                    break
            except OSError:
                assert time.monotonic() < deadline, "the gateway did not start"
                await asyncio.sleep(0.1)
    finally:
        process.terminate()
        await asyncio.to_thread(process.wait, 30)
