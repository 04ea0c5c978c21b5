"""The websocket: authenticated once at ``connection_init``, closed when the token expires,
and the legacy subprotocol refused with a close code browsers can see."""

from __future__ import annotations

import asyncio
import json
import shutil
import time
from pathlib import Path

from websockets.typing import Subprotocol

from tests.auth.helpers import gateway_auth, identity_provider
from tests.servers import bound_socket
from tests.subscriptions.fixtures import PlatformFactory
from tests.subscriptions.helpers import PROGRESS, Platform, as_user, fresh_learner, websocket

HERE = Path(__file__).parent


async def test_a_bad_token_at_connection_init_is_4403(platform: Platform) -> None:
    expired = identity_provider().token("usr_0001", exp=int(time.time()) - 120)
    for payload in ({"authorization": f"Bearer {expired}"}, {"authToken": "garbage"}):
        async with websocket(platform.ws_url) as client:
            await client.send({"type": "connection_init", "payload": payload})
            assert await client.closed() == (4403, "Forbidden")
    await platform.wait_for_connections(0)


async def test_the_token_may_come_in_the_handshake_or_the_payload(platform: Platform) -> None:
    user = fresh_learner(platform.subgraphs)
    token = as_user(user)["authorization"].removeprefix("Bearer ")
    me = "{ me { id } }"
    for headers, payload in (
        (as_user(user), {}),
        ({}, {"headers": {"Authorization": f"Bearer {token}"}}),
        ({}, {"authToken": token}),
    ):
        async with websocket(platform.ws_url, headers=headers) as client:
            await client.init(payload)
            await client.subscribe("1", me)
            assert await client.receive() == {
                "id": "1",
                "type": "next",
                "payload": {"data": {"me": {"id": user}}},
            }


async def test_an_expiring_token_closes_its_subscription_with_4403(
    make_platform: PlatformFactory,
) -> None:
    async with make_platform(auth=gateway_auth(leeway_seconds=1)) as platform:
        await _expires(platform)


async def _expires(platform: Platform) -> None:
    user = fresh_learner(platform.subgraphs)
    token = identity_provider().token(user, exp=int(time.time()) + 2)
    started = time.monotonic()
    async with websocket(platform.ws_url) as client:
        await client.init({"authorization": f"Bearer {token}"})
        await client.subscribe("1", PROGRESS)
        await platform.wait_for_subscribers(user, 1)
        assert await client.closed(timeout=10) == (4403, "Forbidden")
    # exp (2 s) plus the leeway (1 s), not before.
    assert 1.5 <= time.monotonic() - started < 6
    # The upstream subscription ended with it.
    await platform.wait_for_subscribers(user, 0)


async def test_the_legacy_subprotocol_is_closed_with_4406(platform: Platform) -> None:
    async with websocket(platform.ws_url, subprotocols=[Subprotocol("graphql-ws")]) as client:
        # The handshake selects the client's subprotocol: a browser that offered one
        # fails a handshake that selects none (1006) and never sees the close code.
        assert client.connection.subprotocol == "graphql-ws"
        assert await client.closed() == (4406, "Subprotocol not acceptable")


async def test_a_browser_websocket_sees_4406_not_1006(platform: Platform) -> None:
    node = shutil.which("node")
    assert node is not None, "Node.js is required (the audit needs it too)"
    process = await asyncio.create_subprocess_exec(
        node,
        "--experimental-websocket",
        str(HERE / "js" / "close_code.mjs"),
        platform.ws_url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    stdout, _ = await asyncio.wait_for(process.communicate(), 20)
    assert json.loads(stdout) == {"code": 4406, "reason": "Subprotocol not acceptable"}


async def test_connections_over_their_rate_limit_are_closed_with_4429(
    make_platform: PlatformFactory,
) -> None:
    limits = {"connections": {"per_second": 0.01, "burst": 1}}
    async with make_platform(rate_limits=limits) as platform:
        user = fresh_learner(platform.subgraphs)
        async with websocket(platform.ws_url) as first:
            await first.init(as_user(user))
            async with websocket(platform.ws_url) as second:
                await second.send({"type": "connection_init", "payload": as_user(user)})
                assert await second.closed() == (4429, "Too many requests")


async def test_an_unreachable_identity_provider_is_503_and_4500(
    make_platform: PlatformFactory,
) -> None:
    sock = bound_socket()  # a port nobody listens on
    dead = f"http://127.0.0.1:{sock.getsockname()[1]}/jwks.json"
    sock.close()
    auth = gateway_auth() | {"jwks_file": None, "jwks_url": dead}
    async with make_platform(auth=auth) as platform:
        user = fresh_learner(platform.subgraphs)
        response = await platform.http.post(
            platform.url, json={"query": "{ me { id } }"}, headers=as_user(user)
        )
        assert response.status_code == 503
        assert response.json()["errors"][0]["extensions"]["code"] == "AUTHENTICATION_UNAVAILABLE"
        async with websocket(platform.ws_url) as client:
            await client.send({"type": "connection_init", "payload": as_user(user)})
            code, _reason = await client.closed()
            assert code == 4500
