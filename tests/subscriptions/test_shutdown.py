"""Stopping the gateway ends every subscription cleanly, upstream included."""

from __future__ import annotations

from tests.subgraphs.helpers import RunningSubgraphs
from tests.subscriptions.fixtures import PlatformFactory
from tests.subscriptions.helpers import PROGRESS, as_user, fresh_learner, websocket


async def test_engine_close_completes_subscriptions_then_closes_1001(
    make_platform: PlatformFactory,
) -> None:
    async with make_platform() as platform:
        user = fresh_learner(platform.subgraphs)
        async with websocket(platform.ws_url) as client:
            await client.init(as_user(user))
            await client.subscribe("s", PROGRESS)
            await client.subscribe("q", "{ __typename }")
            assert (await client.receive())["id"] == "q"
            assert await client.receive() == {"id": "q", "type": "complete"}
            await platform.wait_for_subscribers(user, 1)
            await platform.gateway.close()
            # Only the running subscription is completed; then the socket goes away.
            assert await client.receive() == {"id": "s", "type": "complete"}
            assert await client.closed() == (1001, "Going away")
        await platform.wait_for_subscribers(user, 0)
        # A closed gateway takes no new connection.
        async with websocket(platform.ws_url) as late:
            assert await late.closed() == (1001, "Going away")


async def test_server_shutdown_closes_sockets_1012_and_upstreams(
    make_platform: PlatformFactory, subgraphs: RunningSubgraphs
) -> None:
    user = fresh_learner(subgraphs)
    server = make_platform()
    platform = await server.__aenter__()
    running = True
    try:
        async with websocket(platform.ws_url) as client:
            await client.init(as_user(user))
            await client.subscribe("s", PROGRESS)
            await platform.wait_for_subscribers(user, 1)
            # uvicorn's graceful shutdown (SIGTERM): 1012 "service restart" to the
            # client, which graphql-ws clients retry; the upstream subscription ends.
            running = False
            await server.__aexit__(None, None, None)
            assert (await client.closed())[0] == 1012
    finally:
        if running:
            await server.__aexit__(None, None, None)
    await platform.wait_for_subscribers(user, 0)
    assert len(platform.gateway.websockets) == 0
