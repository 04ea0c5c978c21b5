"""A subgraph process that dies, hangs, is slow, cuts the answer or answers garbage.

Each time, over real sockets: the client gets the other subgraph's data, null where the
failed fetch's fields go and one ``SUBGRAPH_FETCH_FAILED`` error naming the service,
within the subgraph's configured timeout; then the subgraph is started again on the same
port and the next request gets the whole answer (the gateway's connection pool
recovered: no stale connection to the dead process is reused). On each HTTP client.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from gateway.pipeline import Gateway
from tests.faults.helpers import (
    FULL,
    QUERY,
    SubgraphProcess,
    partial,
    serve_products,
    served_gateway,
    subgraph_process,
    timed_post,
    two_subgraphs,
)

TIMEOUT = 1.0
#: What the gateway may add to the subgraph timeout on a shared, loaded machine.
MARGIN = 0.5

KINDS = ("http1", "aiohttp", "httpx")

#: Per fault mode, the reason in the error message, per HTTP client where they differ.
FAULTS: dict[str, dict[str, str]] = {
    "hang": dict.fromkeys(KINDS, "timed out after 1s"),
    "slow:3": dict.fromkeys(KINDS, "timed out after 1s"),
    "close-after-headers": {
        "http1": "the connection closed before the response was complete",
        "aiohttp": "ClientPayloadError",
        "httpx": "RemoteProtocolError",
    },
    "garbage": {
        "http1": "the response is not valid HTTP",
        "aiohttp": "ClientResponseError",
        "httpx": "RemoteProtocolError",
    },
    "garbage-body": dict.fromkeys(KINDS, "invalid JSON in the response (HTTP 200)"),
}


class Setup:
    def __init__(self, client: httpx.AsyncClient, gateway: Gateway, reviews: SubgraphProcess):
        self.client = client
        self.gateway = gateway
        self.reviews = reviews


async def _setup(kind: str) -> AsyncIterator[Setup]:
    # No deduplication: concurrent identical requests must each be a subgraph request.
    engine = {"dedupe_inbound_requests": False, "dedupe_subgraph_requests": False}
    async with (
        serve_products() as products_url,
        subgraph_process("ok") as reviews,
        served_gateway(two_subgraphs(kind, products_url, reviews.url, TIMEOUT, **engine)) as (
            client,
            gateway,
        ),
    ):
        yield Setup(client, gateway, reviews)


@pytest.fixture(params=KINDS)
async def setup(request: pytest.FixtureRequest) -> AsyncIterator[Setup]:
    async for running in _setup(request.param):
        yield running


def kind_of(setup: Setup) -> str:
    return setup.gateway.config.engine.subgraph_http_client


async def test_healthy_answer_then_each_fault_then_recovery(setup: Setup) -> None:
    kind = kind_of(setup)
    body, _ = await timed_post(setup.client, {"query": QUERY})
    assert body == FULL  # and a keep-alive connection to this process is now pooled
    for mode, reasons in FAULTS.items():
        await setup.reviews.restart(mode)
        body, elapsed = await timed_post(setup.client, {"query": QUERY})
        assert body == partial(reasons[kind]), mode
        assert elapsed < TIMEOUT + MARGIN, (mode, elapsed)
        await setup.reviews.restart("ok")
        body, _ = await timed_post(setup.client, {"query": QUERY})
        assert body == FULL, mode


async def test_subgraph_killed_mid_request(setup: Setup) -> None:
    kind = kind_of(setup)
    await setup.reviews.restart("hang")
    request = asyncio.create_task(timed_post(setup.client, {"query": QUERY}))
    await setup.reviews.wait_for_request()
    await setup.reviews.kill()
    body, elapsed = await request
    reason = {
        "http1": "the connection closed before the response was complete",
        "aiohttp": "ServerDisconnectedError",
        "httpx": "RemoteProtocolError",
    }[kind]
    assert body == partial(reason)
    assert elapsed < TIMEOUT  # noticed when the connection dropped, not at the timeout

    # Down: refused at once.
    body, elapsed = await timed_post(setup.client, {"query": QUERY})
    refused = {"http1": "ConnectionRefusedError", "aiohttp": "ClientConnectorError"}
    assert body == partial(refused.get(kind, "ConnectError"))
    assert elapsed < TIMEOUT

    await setup.reviews.start("ok")
    body, _ = await timed_post(setup.client, {"query": QUERY})
    assert body == FULL


async def test_many_requests_hanging_at_once_all_time_out_then_recover(setup: Setup) -> None:
    """Twenty concurrent clients on a hung subgraph: each gets its partial answer at the
    timeout (none waits for another's connection), and none is left behind."""
    await setup.reviews.restart("hang")
    query = {"query": QUERY}
    results = await asyncio.gather(*(timed_post(setup.client, query) for _ in range(20)))
    assert setup.reviews.requests == 20
    for body, elapsed in results:
        assert body == partial("timed out after 1s")
        assert elapsed < TIMEOUT + MARGIN * 2
    await setup.reviews.restart("ok")
    results = await asyncio.gather(*(timed_post(setup.client, query) for _ in range(20)))
    assert [body for body, _ in results] == [FULL] * 20
