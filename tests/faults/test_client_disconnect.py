"""A client that gives up frees the work it started — except a mutation, which finishes.

Found in the soak beside a loaded machine: when a subgraph fell behind, clients timed
out and left, but their requests kept running to the subgraph's own 30 s timeout, so the
slower the subgraph the more work it got (an overload spiral; the gateway's memory grew
with the abandoned requests). Over real sockets, per HTTP client: the reviews subgraph
process reports when the gateway closes a request's connection before its answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.faults.helpers import (
    FULL,
    QUERY,
    SubgraphProcess,
    serve_products,
    served_gateway,
    subgraph_process,
    two_subgraphs,
)

KINDS = ("http1", "aiohttp", "httpx")
#: The subgraph's timeout: far longer than a test may wait for the gateway to give up.
TIMEOUT = 30.0
MUTATION = 'mutation { addReview(upc: "1", body: "kept") { body } }'


@pytest.fixture(params=KINDS)
async def setup(
    request: pytest.FixtureRequest,
) -> AsyncIterator[tuple[httpx.AsyncClient, SubgraphProcess, str]]:
    async with (
        serve_products() as products_url,
        subgraph_process("hang") as reviews,
        served_gateway(two_subgraphs(request.param, products_url, reviews.url, TIMEOUT)) as (
            client,
            _,
        ),
    ):
        yield client, reviews, client.base_url.join("/graphql").__str__()


async def _give_up(url: str, body: dict[str, Any], reviews: SubgraphProcess) -> None:
    """Send ``body`` on a connection of its own and close it once the subgraph has it."""
    async with httpx.AsyncClient(timeout=TIMEOUT) as impatient:
        request = asyncio.create_task(impatient.post(url, json=body))
        await reviews.wait_for_request(reviews.requests + 1)
        request.cancel()  # closes the connection, as a client timing out does
        with pytest.raises(asyncio.CancelledError):
            await request


async def test_a_query_whose_client_leaves_releases_its_subgraph_fetch(
    setup: tuple[httpx.AsyncClient, SubgraphProcess, str],
) -> None:
    client, reviews, url = setup
    await _give_up(url, {"query": QUERY}, reviews)
    # The gateway closes its fetch at once, not when the 30 s subgraph timeout expires.
    await reviews.wait_for_closed(1, timeout=5)
    await reviews.restart("ok")
    assert (await client.post("/graphql", json={"query": QUERY})).json() == FULL


async def test_a_shared_query_goes_on_for_the_callers_still_waiting(
    setup: tuple[httpx.AsyncClient, SubgraphProcess, str],
) -> None:
    client, reviews, url = setup
    await reviews.restart("slow:1.5")
    # Two identical queries share one execution (inbound deduplication, on by default);
    # the one that started it leaves, the other still gets the whole answer.
    patient = asyncio.create_task(client.post("/graphql", json={"query": QUERY}))
    await _give_up(url, {"query": QUERY}, reviews)
    assert (await patient).json() == FULL
    assert reviews.requests == 1 and reviews.closed == 0


async def test_a_mutation_whose_client_leaves_still_runs_to_its_end(
    setup: tuple[httpx.AsyncClient, SubgraphProcess, str],
) -> None:
    client, reviews, url = setup
    await reviews.restart("slow:1")
    await _give_up(url, {"query": MUTATION}, reviews)
    await asyncio.sleep(1.5)  # past the subgraph's answer
    # The gateway waited for the answer: the subgraph saw no connection closed early.
    assert reviews.requests == 1 and reviews.closed == 0
    await reviews.restart("ok")
    assert (await client.post("/graphql", json={"query": QUERY})).json() == FULL
