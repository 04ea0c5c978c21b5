"""Fixtures for the HTTP tests: the real hello subgraph on uvicorn, and the real gateway
(``create_app``, whose lifespan runs ``Gateway.create``) in front of it on another uvicorn.

Both run on their own threads (``ThreadedServer``), so one server serves a whole module's
tests; each test talks to them over real sockets from its own event loop.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.http.hello_subgraph import hello_app, supergraph_for
from tests.http.helpers import gateway_server
from tests.servers import ThreadedServer
from tests.subscriptions.fixtures import (
    http,
    make_platform,
    platform,
    shared_databases,
    subgraphs,
)


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


# The whole platform (three real subgraphs, the gateway on uvicorn): the stream tests
# (tests/http/test_sse*.py, test_multipart_subscriptions.py, test_stream_clients.py).
__all__ = ["http", "make_platform", "platform", "shared_databases", "subgraphs"]
