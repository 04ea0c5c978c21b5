"""The per-subgraph circuit breaker against a real subgraph process that hangs.

After ``failure_threshold`` consecutive failures the subgraph's fetches fail fast (the
process sees no more requests) while the rest of the answer still comes; after the
cool-down one request probes: a failed probe re-opens the circuit, a good one closes it.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from gateway.execution.breaker import CircuitBreaker
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
)

TIMEOUT = 0.5
COOL_DOWN = 1.0
#: Failing fast means not waiting for the subgraph: a request that waits takes at least
#: TIMEOUT, so that is the line (a tighter one measured speed, and flaked on a busy CI
#: machine at 0.255 s; that nothing reached the subgraph is asserted by its request count).
FAST = TIMEOUT

OPEN = re.compile(
    r"HTTP fetch failed from 'reviews': circuit open after repeated failures; "
    r"next attempt in (\d\.\d)s"
)


def failed_fast(body: dict[str, Any]) -> bool:
    """The partial answer with the circuit-open error (its countdown varies)."""
    [error] = body["errors"]
    match = OPEN.fullmatch(error["message"])
    return match is not None and body == partial(error["message"].split(": ", 1)[1])


class Setup:
    def __init__(self, client: httpx.AsyncClient, gateway: Gateway, reviews: SubgraphProcess):
        self.client = client
        self.gateway = gateway
        self.reviews = reviews

    def breaker(self) -> CircuitBreaker:
        breaker = self.gateway.transport.guards["reviews"].breaker
        assert breaker is not None
        return breaker

    async def after_cool_down(self) -> None:
        await asyncio.sleep(self.breaker().retry_after() + 0.01)


@pytest.fixture
async def setup() -> AsyncIterator[Setup]:
    async with (
        serve_products() as products_url,
        subgraph_process("hang") as reviews,
        served_gateway(
            {
                "engine": {
                    "circuit_breaker": {"failure_threshold": 2, "cool_down_seconds": COOL_DOWN},
                    # Concurrent identical requests must each reach the breaker.
                    "dedupe_inbound_requests": False,
                    "dedupe_subgraph_requests": False,
                },
                "subgraphs": {
                    "products": {"url": products_url},
                    "reviews": {"url": reviews.url, "timeout_seconds": TIMEOUT},
                },
            }
        ) as (client, gateway),
    ):
        yield Setup(client, gateway, reviews)


async def _open_the_circuit(setup: Setup) -> None:
    for _ in range(2):
        body, elapsed = await timed_post(setup.client, {"query": QUERY})
        assert body == partial("timed out after 0.5s")
        assert elapsed >= TIMEOUT
    assert setup.breaker().is_open


async def test_repeated_failures_open_the_circuit_then_requests_fail_fast(setup: Setup) -> None:
    await _open_the_circuit(setup)
    assert setup.reviews.requests == 2
    started = time.monotonic()
    results = await asyncio.gather(*(timed_post(setup.client, {"query": QUERY}) for _ in range(10)))
    assert time.monotonic() - started < FAST
    for body, elapsed in results:
        assert failed_fast(body), body
        assert elapsed < FAST
    # A query that does not need the broken subgraph is not touched by its circuit.
    products_only, elapsed = await timed_post(setup.client, {"query": "{ products { name } }"})
    assert products_only == {"data": {"products": [{"name": "Table"}, {"name": "Chair"}]}}
    await asyncio.sleep(0.05)
    assert setup.reviews.requests == 2  # nothing more reached the subgraph


async def test_after_the_cool_down_one_probe_goes_and_a_failed_probe_reopens(
    setup: Setup,
) -> None:
    await _open_the_circuit(setup)
    await setup.after_cool_down()
    # Five at once while half-open: one probes (and hangs until the timeout), the other
    # four fail fast rather than piling onto a subgraph that may still be down.
    results = await asyncio.gather(*(timed_post(setup.client, {"query": QUERY}) for _ in range(5)))
    timed_out = [body for body, _ in results if body == partial("timed out after 0.5s")]
    fast = [elapsed for body, elapsed in results if failed_fast(body)]
    assert len(timed_out) == 1
    assert len(fast) == 4
    assert max(fast) < FAST
    assert setup.reviews.requests == 3
    assert setup.breaker().is_open  # the probe failed


async def test_a_good_probe_closes_the_circuit(setup: Setup) -> None:
    await _open_the_circuit(setup)
    await setup.reviews.restart("ok")
    # Back, but the circuit is still open: fail fast until the cool-down ends.
    body, _ = await timed_post(setup.client, {"query": QUERY})
    assert failed_fast(body)
    assert setup.reviews.requests == 0
    await setup.after_cool_down()
    body, _ = await timed_post(setup.client, {"query": QUERY})
    assert body == FULL
    assert not setup.breaker().is_open
    assert setup.breaker().failures == 0
    results = await asyncio.gather(*(timed_post(setup.client, {"query": QUERY}) for _ in range(5)))
    assert [body for body, _ in results] == [FULL] * 5


async def test_per_subgraph_setting_replaces_the_engine_default() -> None:
    async with (
        serve_products() as products_url,
        subgraph_process("refuse-all") as reviews,
        served_gateway(
            {
                "engine": {"circuit_breaker": {"failure_threshold": 1}},
                "subgraphs": {
                    "products": {"url": products_url},
                    "reviews": {"url": reviews.url, "circuit_breaker": {"failure_threshold": 3}},
                },
            }
        ) as (client, gateway),
    ):
        reason = "the connection closed before the response was complete"
        for _ in range(3):
            body, _ = await timed_post(client, {"query": QUERY})
            assert body == partial(reason)
        body, _ = await timed_post(client, {"query": QUERY})
        assert failed_fast(body)
        assert reviews.requests == 3
        products = gateway.transport.guards["products"].breaker
        assert products is not None and products.failure_threshold == 1


async def test_a_flapping_subgraph_costs_a_few_timeouts_per_outage(setup: Setup) -> None:
    """The subgraph goes down (hangs) and comes back three times while five clients keep
    asking. Only the requests in flight when an outage starts, and the odd probe, wait for
    the timeout; every other request during an outage fails fast, and once the subgraph
    is back the circuit closes and answers are whole again."""
    await setup.reviews.restart("ok")
    slow: list[float] = []
    fast: list[float] = []
    whole = 0

    async def flap() -> None:
        for _ in range(3):
            await setup.reviews.restart("hang")
            await asyncio.sleep(1.5)
            await setup.reviews.restart("ok")
            await asyncio.sleep(1.5)

    async def client(flapping: asyncio.Task[None]) -> None:
        nonlocal whole
        while not flapping.done():
            body, elapsed = await timed_post(setup.client, {"query": QUERY})
            if body == FULL:
                whole += 1
            elif failed_fast(body):
                fast.append(elapsed)
            elif elapsed > TIMEOUT / 2:
                # Timed out, or cut when the hanging process was killed: it waited.
                slow.append(elapsed)

    flapping = asyncio.create_task(flap())
    await asyncio.gather(flapping, *(client(flapping) for _ in range(5)))
    # Per outage: the five requests in flight, plus at most one probe per cool-down (and
    # the probe in flight when the outage ends).
    assert len(slow) <= 3 * (5 + 2), slow
    assert len(fast) > len(slow), (len(fast), slow)
    # Starting the subgraph process again loads the machine too (and other workers share
    # it): the median is bound tightly, the slowest only by the timeout it did not wait.
    assert sorted(fast)[len(fast) // 2] < FAST, sorted(fast)
    assert max(fast) < TIMEOUT, sorted(fast)
    assert whole > 0
    await setup.after_cool_down()
    body, _ = await timed_post(setup.client, {"query": QUERY})
    assert body == FULL
    assert not setup.breaker().is_open
