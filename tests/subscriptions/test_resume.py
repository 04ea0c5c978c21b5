"""A resumable upstream subscription survives its subgraph being killed and restarted:
the gateway subscribes again after the last cursor it delivered, and the client sees
every event once, in order (gateway/subscriptions/resume.py, cursor.py).

The subgraph is ``ticks_subgraph`` in a real process (SIGKILL, then started again on the
same port): ``ticks(after: String): Tick!`` with ``Tick.cursor``, resumable by the
default names.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

from gateway.config import GatewayConfig
from gateway.http.app import create_app
from gateway.pipeline import Gateway
from tests.planning.header import supergraph
from tests.servers import running_app
from tests.subscriptions.helpers import Client, SubgraphProcess, subgraph_process, websocket

TICKS = "tests.subscriptions.ticks_subgraph"
SUPERGRAPH = supergraph(
    ["ticks"],
    """
type Query @join__type(graph: TICKS) {
  hello: String! @join__field(graph: TICKS)
}

type Subscription @join__type(graph: TICKS) {
  ticks(after: String): Tick! @join__field(graph: TICKS)
}

type Tick @join__type(graph: TICKS) {
  n: Int!
  cursor: String!
  padding: String!
}
""",
).replace("  query: Query", "  query: Query\n  subscription: Subscription")

FAST_RESUME = {"resume_backoff_seconds": 0.05, "resume_backoff_max_seconds": 0.5}
#: Enough attempts to outlast a restart of the process (a second or two).
RESTART = {**FAST_RESUME, "resume_attempts": 60}


@contextlib.asynccontextmanager
async def ticks_gateway(ticks: SubgraphProcess, **subscriptions: Any) -> AsyncIterator[str]:
    """The gateway in front of ``ticks``; yields its websocket URL."""
    async with ticks_gateway_engine(ticks, **subscriptions) as (url, _gateway):
        yield url


@contextlib.asynccontextmanager
async def ticks_gateway_engine(
    ticks: SubgraphProcess, **subscriptions: Any
) -> AsyncIterator[tuple[str, Gateway]]:
    """The gateway in front of ``ticks``: its websocket URL and the engine."""
    config = GatewayConfig.model_validate(
        {
            "subgraphs": {"ticks": {"url": ticks.url}},
            "supergraph": {"path": None, "watch": False},
            "subscriptions": subscriptions,
        }
    )
    gateway = await Gateway.create(config, SUPERGRAPH)
    try:
        async with running_app(create_app(config, gateway)) as base:
            yield f"ws{base.removeprefix('http')}/graphql", gateway
    finally:
        await gateway.close()


async def ticks_until(client: Client, n: int) -> list[Any]:
    """The payloads of ``next`` messages until tick ``n`` has arrived."""
    payloads: list[Any] = []
    while True:
        message = await client.receive_operation(timeout=20)
        assert message["type"] == "next", message
        payloads.append(message["payload"])
        if message["payload"]["data"]["ticks"]["n"] >= n:
            return payloads


def numbers(payloads: list[Any]) -> list[int]:
    return [p["data"]["ticks"]["n"] for p in payloads]


@pytest.mark.parametrize("mode", ["exact", "overlap"])
@pytest.mark.timeout(90)
async def test_subgraph_killed_and_restarted_mid_stream_loses_and_repeats_nothing(
    mode: str,
) -> None:
    async with (
        subgraph_process(TICKS, mode) as ticks,
        ticks_gateway(ticks, **RESTART) as url,
        websocket(url) as client,
    ):
        await client.init()
        await client.subscribe("t", "subscription { ticks { n } }")
        before = await ticks_until(client, 5)
        await ticks.kill()
        await ticks.start()
        after = await ticks_until(client, before[-1]["data"]["ticks"]["n"] + 10)
        assert await_resumed(ticks.lines)
    seen = numbers(before + after)
    assert seen == list(range(1, len(seen) + 1))
    # The cursor the gateway selected for itself never reaches the client.
    assert all(
        p == {"data": {"ticks": {"n": n}}} for p, n in zip(before + after, seen, strict=True)
    )


def await_resumed(lines: list[str]) -> bool:
    """The restarted process was subscribed to with a cursor (not from the start)."""
    return any(line.startswith("subscribed ") and line != "subscribed None" for line in lines)


async def test_the_clients_own_cursor_selection_and_after() -> None:
    async with (
        subgraph_process(TICKS, "exact") as ticks,
        ticks_gateway(ticks, **RESTART) as url,
        websocket(url) as client,
    ):
        await client.init()
        await client.subscribe("t", 'subscription { ticks(after: "10") { n c: cursor } }')
        payloads = await ticks_until(client, 13)
        await ticks.kill()
        await ticks.start()
        payloads += await ticks_until(client, payloads[-1]["data"]["ticks"]["n"] + 3)
    seen = numbers(payloads)
    assert seen == list(range(11, 11 + len(seen)))
    assert [p["data"]["ticks"]["c"] for p in payloads] == [str(n) for n in seen]


async def test_retries_spent_end_the_subscription_with_an_error() -> None:
    async with (
        subgraph_process(TICKS, "exact") as ticks,
        ticks_gateway(ticks, resume_attempts=2, **FAST_RESUME) as url,
        websocket(url) as client,
    ):
        await client.init()
        await client.subscribe("t", "subscription { ticks { n } }")
        await ticks_until(client, 2)
        await ticks.kill()  # and never started again
        while (message := await client.receive_operation(timeout=20))["type"] == "next":
            pass
    assert message["type"] == "error"
    [error] = message["payload"]
    assert error["extensions"] == {"code": "SUBGRAPH_FETCH_FAILED", "service": "ticks"}
    assert "2 attempts to subscribe again failed" in error["message"]


async def test_resume_off_fails_at_the_first_break() -> None:
    async with (
        subgraph_process(TICKS, "exact") as ticks,
        ticks_gateway(ticks, resume_attempts=0) as url,
        websocket(url) as client,
    ):
        await client.init()
        await client.subscribe("t", "subscription { ticks { n } }")
        await ticks_until(client, 2)
        await ticks.kill()
        while (message := await client.receive_operation(timeout=20))["type"] == "next":
            pass
    assert message["type"] == "error"
    assert message["payload"][0]["extensions"]["code"] == "SUBGRAPH_FETCH_FAILED"
    assert "attempts" not in message["payload"][0]["message"]
