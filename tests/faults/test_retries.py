"""Retries of failed subgraph queries against a real subgraph process: queries only,
never mutations; within the fetch's timeout; limited by the retry budget; stopped by an
open circuit. The process counts the requests that reached it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

import httpx

from tests.faults.helpers import (
    FULL,
    QUERY,
    SubgraphProcess,
    partial,
    serve_products,
    served_gateway,
    subgraph_process,
    timed_post,
)

CUT = "the connection closed before the response was complete"
MUTATION = 'mutation { addReview(upc: "1", body: "five stars") { body } }'
#: Short backoffs: the tests are about which attempts are made, not how long they wait.
RETRY = {"backoff_base_seconds": 0.01, "backoff_max_seconds": 0.02}


@asynccontextmanager
async def gateway_with(
    mode: str, timeout: float = 5.0, **engine: Any
) -> AsyncIterator[tuple[httpx.AsyncClient, SubgraphProcess]]:
    async with (
        serve_products() as products_url,
        subgraph_process(mode) as reviews,
        served_gateway(
            {
                "engine": engine,
                "subgraphs": {
                    "products": {"url": products_url},
                    "reviews": {"url": reviews.url, "timeout_seconds": timeout},
                },
            }
        ) as (client, _),
    ):
        yield client, reviews


async def settled(reviews: SubgraphProcess, expected: int) -> int:
    """The process's request count once its output has caught up (or after 2s)."""
    with suppress(TimeoutError):
        await reviews.wait_for_request(expected, timeout=2)
    await asyncio.sleep(0.05)  # and nothing more arrives
    return reviews.requests


async def test_a_failed_query_is_retried_and_succeeds() -> None:
    retry = {"max_retries": 2, **RETRY}
    async with gateway_with("fail-first:1", subgraph_retry=retry) as (client, reviews):
        body, _ = await timed_post(client, {"query": QUERY})
        assert body == FULL
        assert await settled(reviews, 2) == 2


async def test_a_mutation_is_never_retried() -> None:
    retry = {"max_retries": 3, **RETRY}
    async with gateway_with("fail-first:1", subgraph_retry=retry) as (client, reviews):
        body, _ = await timed_post(client, {"query": MUTATION})
        assert body == {
            "data": {"addReview": None},
            "errors": [
                {
                    "message": f"HTTP fetch failed from 'reviews': {CUT}",
                    "extensions": {"code": "SUBGRAPH_FETCH_FAILED", "service": "reviews"},
                }
            ],
        }
        assert await settled(reviews, 1) == 1
        # The next one is the subgraph's second request: answered.
        body, _ = await timed_post(client, {"query": MUTATION})
        assert body == {"data": {"addReview": {"body": "five stars"}}}


async def test_without_retries_configured_a_failure_is_final() -> None:
    async with gateway_with("fail-first:1") as (client, reviews):
        body, _ = await timed_post(client, {"query": QUERY})
        assert body == partial(CUT)
        assert await settled(reviews, 1) == 1


async def test_the_timeout_bounds_the_fetch_retries_included() -> None:
    retry = {"max_retries": 3, **RETRY}
    async with gateway_with("hang", timeout=0.5, subgraph_retry=retry) as (client, reviews):
        body, elapsed = await timed_post(client, {"query": QUERY})
        assert body == partial("timed out after 0.5s")
        assert elapsed < 1.0
        assert await settled(reviews, 1) == 1  # no time was left for a retry


async def test_the_budget_stops_retries_when_everything_fails() -> None:
    """gRPC-style throttling, 10 tokens: query 1 makes 4 attempts (tokens 10 -> 6), query
    2 one (6 -> 5, no longer over half), the next eight one each: 13, not 40."""
    retry = {"max_retries": 3, "budget_max_tokens": 10, **RETRY}
    async with gateway_with("refuse-all", subgraph_retry=retry) as (client, reviews):
        for _ in range(10):
            body, _ = await timed_post(client, {"query": QUERY})
            assert body == partial(CUT)
        assert await settled(reviews, 13) == 13


async def test_an_open_circuit_stops_retrying() -> None:
    retry = {"max_retries": 3, **RETRY}
    breaker = {"failure_threshold": 2, "cool_down_seconds": 30}
    async with gateway_with("refuse-all", subgraph_retry=retry, circuit_breaker=breaker) as (
        client,
        reviews,
    ):
        body, _ = await timed_post(client, {"query": QUERY})
        assert body == partial(CUT)
        assert await settled(reviews, 2) == 2
