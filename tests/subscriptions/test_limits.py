"""Limits every transport shares (per caller, per gateway; gateway/subscriptions/hub.py)
and the websocket's keep-alive pings."""

from __future__ import annotations

from typing import Any

from tests.subscriptions.fixtures import PlatformFactory
from tests.subscriptions.helpers import PROGRESS, as_user, fresh_learner, websocket


def codes(message: dict[str, Any]) -> list[str]:
    assert message["type"] == "error", message
    return [e["extensions"]["code"] for e in message["payload"]]


async def test_subscriptions_per_caller_count_over_connections(
    make_platform: PlatformFactory,
) -> None:
    async with make_platform(subscriptions={"max_subscriptions_per_caller": 2}) as platform:
        user, other = fresh_learner(platform.subgraphs, 0), fresh_learner(platform.subgraphs, 1)
        courses = [c["id"] for c in platform.subgraphs.data.courses[:3]]
        async with websocket(platform.ws_url) as a, websocket(platform.ws_url) as b:
            await a.init(as_user(user))
            await b.init(as_user(user))
            await a.subscribe("1", PROGRESS, {"course": courses[0]})
            await b.subscribe("2", PROGRESS, {"course": courses[1]})
            await platform.wait_for_subscribers(user, 2)
            await b.subscribe("3", PROGRESS, {"course": courses[2]})
            message = await b.receive()
            assert message["id"] == "3"
            assert codes(message) == ["TOO_MANY_SUBSCRIPTIONS_PER_CALLER"]
            assert message["payload"][0]["extensions"]["maxSubscriptionsPerCaller"] == 2
            # Another caller is not counted with this one.
            async with websocket(platform.ws_url) as c:
                await c.init(as_user(other))
                await c.subscribe("1", PROGRESS)
                await platform.wait_for_subscribers(other, 1)
            # Completing one frees a place for the caller.
            await a.send({"id": "1", "type": "complete"})
            await platform.wait_for_subscribers(user, 1)
            await b.subscribe("3", PROGRESS, {"course": courses[2]})
            await platform.wait_for_subscribers(user, 2)


async def test_subscriptions_per_gateway(make_platform: PlatformFactory) -> None:
    async with make_platform(subscriptions={"max_subscriptions": 1}) as platform:
        first, second = fresh_learner(platform.subgraphs, 0), fresh_learner(platform.subgraphs, 1)
        async with websocket(platform.ws_url) as a, websocket(platform.ws_url) as b:
            await a.init(as_user(first))
            await b.init(as_user(second))
            await a.subscribe("1", PROGRESS)
            await platform.wait_for_subscribers(first, 1)
            await b.subscribe("1", PROGRESS)
            message = await b.receive()
            assert codes(message) == ["SUBSCRIPTIONS_EXHAUSTED"]
            assert message["payload"][0]["extensions"]["maxSubscriptions"] == 1
            # Queries are not subscriptions: they still run.
            await b.subscribe("q", "{ __typename }")
            assert (await b.receive())["payload"] == {"data": {"__typename": "Query"}}


async def test_keep_alive_pings_an_acknowledged_connection(
    make_platform: PlatformFactory,
) -> None:
    async with (
        make_platform(subscriptions={"keep_alive_seconds": 0.05}) as platform,
        websocket(platform.ws_url) as client,
    ):
        await client.init()
        assert await client.receive(timeout=2) == {"type": "ping"}
        await client.send({"type": "pong"})
        assert await client.receive(timeout=2) == {"type": "ping"}
        # The connection is alive and serves operations between pings.
        await client.subscribe("q", "{ __typename }")
        answers: list[dict[str, object]] = []
        while len(answers) < 2:
            message = await client.receive()
            if message != {"type": "ping"}:
                answers.append(message)
        assert answers == [
            {"id": "q", "type": "next", "payload": {"data": {"__typename": "Query"}}},
            {"id": "q", "type": "complete"},
        ]
