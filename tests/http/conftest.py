"""Fixtures for the HTTP tests: the real hello subgraph on uvicorn, and the real gateway
(``create_app``, whose lifespan runs ``Gateway.create``) in front of it on another uvicorn.

Both run on their own threads (``ThreadedServer``), so one server serves a whole module's
tests; each test talks to them over real sockets from its own event loop.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.http.hello_subgraph import hello_app, supergraph_for
from tests.http.helpers import gateway_server
from tests.servers import ThreadedServer
from tests.subgraphs.fixtures import shared_databases, subgraphs
from tests.subgraphs.helpers import RunningSubgraphs
from tests.subscriptions.helpers import Platform, gateway_platform

PlatformFactory = Callable[..., contextlib.AbstractAsyncContextManager[Platform]]


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
    # An API client, not a browser form: it passes CSRF prevention (tests/http/test_csrf.py).
    headers = {"apollo-require-preflight": "true"}
    async with httpx.AsyncClient(base_url=gateway_url, timeout=30, headers=headers) as http:
        yield http


# -- The whole platform (three real subgraphs, the gateway on uvicorn): stream tests ----
# (tests/http/test_sse*.py, test_multipart_subscriptions.py, test_stream_clients.py)


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


@pytest.fixture
def make_platform(subgraphs: RunningSubgraphs, http: httpx.AsyncClient) -> PlatformFactory:
    def make(**config: Any) -> contextlib.AbstractAsyncContextManager[Platform]:
        return gateway_platform(subgraphs, http, **config)

    return make


@pytest.fixture
async def platform(make_platform: PlatformFactory) -> AsyncIterator[Platform]:
    async with make_platform() as running:
        yield running


__all__ = ["shared_databases", "subgraphs"]  # fixtures, re-exported for pytest
