"""Fixtures for the HTTP tests: the real hello subgraph on uvicorn, and the real gateway
(``create_app``, whose lifespan runs ``Gateway.create``) in front of it on another uvicorn.

Both run on their own threads (``ThreadedServer``), so one server serves a whole module's
tests; each test talks to them over real sockets from its own event loop.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.config import GatewayConfig
from gateway.http.app import create_app
from tests.http.hello_subgraph import hello_app, supergraph_for
from tests.servers import ThreadedServer


def gateway_config(supergraph_path: Path | str, mode: str = "dev", **server: Any) -> GatewayConfig:
    """A config reading (not watching) ``supergraph_path``, with ``server`` options."""
    return GatewayConfig.model_validate(
        {
            "mode": mode,
            "supergraph": {"path": str(supergraph_path), "watch": False},
            "server": server,
        }
    )


@contextlib.contextmanager
def gateway_server(sdl: str, directory: Path, mode: str = "dev", **server: Any) -> Iterator[str]:
    """The gateway for ``sdl`` on 127.0.0.1:<free port>; yields its base URL."""
    path = directory / "supergraph.graphql"
    path.write_text(sdl)
    with ThreadedServer(create_app(gateway_config(path, mode, **server))) as running:
        yield running.url


@pytest.fixture(scope="module")
def hello_url() -> Iterator[str]:
    """The hello subgraph's GraphQL endpoint."""
    with ThreadedServer(hello_app()) as running:
        yield f"{running.url}/graphql"


@pytest.fixture(scope="module")
def gateway_url(hello_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The gateway's base URL, default configuration, in front of the hello subgraph."""
    with gateway_server(supergraph_for(hello_url), tmp_path_factory.mktemp("gw")) as url:
        yield url


@pytest.fixture
async def client(gateway_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=gateway_url, timeout=30) as http:
        yield http
