"""graphql-transport-ws, one test per rule of the protocol (enisdenjo/graphql-ws
PROTOCOL.md), against the gateway on a real socket."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from websockets.typing import Subprotocol

from tests.subscriptions.fixtures import PlatformFactory
from tests.subscriptions.helpers import PROGRESS, Platform, as_user, fresh_learner, websocket

QUERY = '{ course(id: "crs_0001") { id title } }'


@pytest.fixture
async def quick_init(make_platform: PlatformFactory) -> AsyncIterator[Platform]:
    """A gateway that waits only 0.2 s for ``connection_init``."""
    async with make_platform(subscriptions={"connection_init_timeout_seconds": 0.2}) as p:
        yield p


async def test_no_connection_init_in_time_closes_4408(quick_init: Platform) -> None:
    async with websocket(quick_init.ws_url) as client:
        assert await client.closed() == (4408, "Connection initialisation timeout")


async def test_connection_init_in_time_is_not_timed_out_later(quick_init: Platform) -> None:
    async with websocket(quick_init.ws_url) as client:
        await client.init()
        await asyncio.sleep(0.3)  # past the timeout: an initialised connection stays
        await client.send({"type": "ping"})
        assert await client.receive() == {"type": "pong"}


async def test_second_connection_init_closes_4429(platform: Platform) -> None:
    async with websocket(platform.ws_url) as client:
        await client.init()
        await client.send({"type": "connection_init"})
        assert await client.closed() == (4429, "Too many initialisation requests")


async def test_subscribe_before_ack_closes_4401(platform: Platform) -> None:
    async with websocket(platform.ws_url) as client:
        await client.subscribe("1", QUERY)
        assert await client.closed() == (4401, "Unauthorized")


async def test_duplicate_running_id_closes_4409(platform: Platform) -> None:
    user = fresh_learner(platform.subgraphs)
    async with websocket(platform.ws_url) as client:
        await client.init(as_user(user))
        await client.subscribe("same", PROGRESS)
        await client.subscribe("same", PROGRESS)
        assert await client.closed() == (4409, "Subscriber for same already exists")
    # The first subscription's upstream ended with the connection.
    await platform.wait_for_subscribers(user, 0)


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("not json", "the message is not valid JSON"),
        ("[1, 2]", "Message must be a JSON object"),
        ('{"payload": {}}', 'Message is missing the "type" property'),
        ('{"type": "next", "id": "1", "payload": {}}', 'Unexpected message of type "next"'),
        ('{"type": "subscribe", "payload": {"query": "{a}"}}', 'requires a non-empty string "id"'),
        ('{"type": "subscribe", "id": "1"}', 'expects the "payload" property'),
        ('{"type": "subscribe", "id": "1", "payload": {"query": 5}}', "'query' parameter"),
        (
            '{"type": "subscribe", "id": "1", "payload": {"variables": 1, "query": "{a}"}}',
            "variables",
        ),
        ('{"type": "complete"}', 'requires a non-empty string "id"'),
        ('{"type": "ping", "payload": 3}', '"payload" property to be an object'),
        ('{"type": "connection_init", "payload": {"headers": {"x-a": 1}}}', "must be a string"),
        ('{"type": "connection_init", "payload": {"headers": {"x-a": "a\\r\\nb: c"}}}', "control"),
    ],
)
async def test_invalid_message_closes_4400(platform: Platform, message: str, reason: str) -> None:
    async with websocket(platform.ws_url) as client:
        if '"subscribe"' in message or '"complete"' in message:
            await client.init()
        await client.connection.send(message)
        code, text = await client.closed()
        assert code == 4400
        assert reason in text


async def test_binary_message_closes_4400(platform: Platform) -> None:
    async with websocket(platform.ws_url) as client:
        await client.connection.send(b'{"type": "connection_init"}')
        assert (await client.closed())[0] == 4400


async def test_ping_is_answered_with_pong_in_any_state(platform: Platform) -> None:
    async with websocket(platform.ws_url) as client:
        await client.send({"type": "ping", "payload": {"t": 1}})
        assert await client.receive() == {"type": "pong", "payload": {"t": 1}}
        await client.init()
        await client.send({"type": "pong"})  # a one-way heartbeat: no answer
        await client.send({"type": "ping"})
        assert await client.receive() == {"type": "pong"}


async def test_other_subprotocol_is_refused_with_4406(platform: Platform) -> None:
    async with websocket(platform.ws_url, subprotocols=[Subprotocol("graphql-ws")]) as client:
        assert await client.closed() == (4406, "Subprotocol not acceptable")


async def test_disabled_subscriptions_refuse_the_upgrade(make_platform: PlatformFactory) -> None:
    from websockets.exceptions import InvalidStatus

    async with make_platform(subscriptions={"enabled": False}) as platform:
        with pytest.raises(InvalidStatus) as refused:
            async with websocket(platform.ws_url):
                pass
        assert refused.value.response.status_code == 403
        body = await platform.post("subscription { progressUpdated { occurredAt } }")
        assert body["errors"][0]["extensions"]["code"] == "SUBSCRIPTION_NOT_SUPPORTED_OVER_HTTP"
        assert "disabled" in body["errors"][0]["message"]


async def test_unknown_complete_id_is_ignored(platform: Platform) -> None:
    async with websocket(platform.ws_url) as client:
        await client.init()
        await client.send({"id": "never-started", "type": "complete"})
        await client.send({"type": "ping"})
        assert await client.receive() == {"type": "pong"}


async def test_gateway_shutdown_completes_running_subscriptions(platform: Platform) -> None:
    user = fresh_learner(platform.subgraphs)
    async with websocket(platform.ws_url) as client:
        await client.init(as_user(user))
        await client.subscribe("s", PROGRESS)
        await platform.wait_for_subscribers(user, 1)
        await platform.gateway.websockets.shutdown()
        assert await client.receive() == {"id": "s", "type": "complete"}
        assert await client.closed() == (1001, "Going away")
    await platform.wait_for_subscribers(user, 0)
