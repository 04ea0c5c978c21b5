"""``/health`` (liveness) and ``/ready`` (supergraph loaded, subgraphs reachable)."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.http.hello_subgraph import hello_app, supergraph_for
from tests.http.helpers import gateway_server
from tests.servers import ThreadedServer, bound_socket


def _closed_port_url() -> str:
    sock = bound_socket()
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    return f"http://127.0.0.1:{port}/graphql"


async def test_ready_when_subgraphs_answer(client: httpx.AsyncClient) -> None:
    response = await client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "supergraph": True, "subgraphs": {"hello": True}}
    assert response.headers["cache-control"] == "no-store"


async def test_not_ready_while_a_subgraph_is_unreachable(tmp_path: Path) -> None:
    with gateway_server(supergraph_for(_closed_port_url()), tmp_path) as url:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            ready = await client.get("/ready")
            health = await client.get("/health")
    assert ready.status_code == 503
    assert ready.json() == {
        "status": "unavailable",
        "supergraph": True,
        "subgraphs": {"hello": False},
    }
    assert health.status_code == 200  # alive, just not ready
    assert health.json() == {"status": "ok"}


async def test_ready_follows_the_subgraph(tmp_path: Path) -> None:
    hello = ThreadedServer(hello_app()).start()
    try:
        with gateway_server(supergraph_for(f"{hello.url}/graphql"), tmp_path) as url:
            async with httpx.AsyncClient(base_url=url, timeout=30) as client:
                assert (await client.get("/ready")).status_code == 200
                hello.stop()
                after = await client.get("/ready")
                assert after.status_code == 503
                assert after.json()["subgraphs"] == {"hello": False}
    finally:
        if hello.thread.is_alive():
            hello.stop()
