"""A subscriber that falls ``subscriber_queue_size`` events behind is dropped with
SUBSCRIPTION_SLOW_CONSUMER; the stream and its other subscribers go on. Over
graphql-transport-ws the connection is closed with 4410."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest
from websockets.asyncio.client import connect

from gateway.pipeline import Prepared
from gateway.request import GraphQLParams, RequestContext
from gateway.subscriptions.errors import SlowConsumer
from gateway.subscriptions.execution import run_subscription
from gateway.subscriptions.operations import OperationRunner
from gateway.subscriptions.protocol import Connection
from gateway.types import JSONObject
from tests.subscriptions.fixtures import PlatformFactory
from tests.subscriptions.helpers import (
    PROGRESS,
    PROTOCOL,
    Client,
    Platform,
    as_user,
    fresh_learner,
    lessons_of,
    subgraph_process,
    wait_until,
)
from tests.subscriptions.test_resume import TICKS, ticks_gateway_engine

QUEUE = {"subscriptions": {"subscriber_queue_size": 2}}


@pytest.fixture
async def small_queues(make_platform: PlatformFactory) -> AsyncIterator[Platform]:
    async with make_platform(**QUEUE) as platform:
        yield platform


def lessons(platform: Platform, count: int) -> list[str]:
    for course in platform.subgraphs.data.courses:
        found = lessons_of(platform.subgraphs, course["id"])
        if len(found) >= count:
            return [lesson["id"] for lesson in found[:count]]
    raise AssertionError(f"no course has {count} lessons")


async def prepared_for(platform: Platform, token: dict[str, str]) -> Prepared:
    gateway = platform.gateway
    context = RequestContext(headers=dict(token), transport="websocket")
    context = await gateway.open_connection(context)
    return await gateway.prepare(GraphQLParams(query=PROGRESS), context, subscriptions=True)


async def never_returns(_result: JSONObject) -> None:
    """A client whose socket takes nothing more: sending blocks for good."""
    await asyncio.Event().wait()


async def test_a_stuck_subscriber_is_dropped_and_the_others_go_on(
    small_queues: Platform,
) -> None:
    platform = small_queues
    gateway, hub = platform.gateway, platform.gateway.subscription_hub
    user = fresh_learner(platform.subgraphs)
    received: list[JSONObject] = []
    token = as_user(user)  # one token for both: the same identity, so the same stream

    async def collect(result: JSONObject) -> None:
        received.append(result)

    stuck = asyncio.create_task(
        run_subscription(gateway, await prepared_for(platform, token), never_returns)
    )
    healthy = asyncio.create_task(
        run_subscription(gateway, await prepared_for(platform, token), collect)
    )
    try:
        await wait_until(lambda: hub.subscribers == 2, "two subscribers")
        await platform.wait_for_subscribers(user, 1)
        # The 1st event blocks the stuck one in its send, the 2nd and 3rd fill its queue
        # of 2, the 4th finds it full.
        completed = lessons(platform, 4)
        for number, lesson in enumerate(completed):
            await platform.complete_lesson(user, lesson, str(number))
        with pytest.raises(SlowConsumer) as dropped:
            await asyncio.wait_for(stuck, 10)
        assert dropped.value.to_graphql()["extensions"]["code"] == "SUBSCRIPTION_SLOW_CONSUMER"
        await wait_until(lambda: len(received) == 4, "four events for the healthy subscriber")
        ids = [r["data"]["progressUpdated"]["lesson"]["id"] for r in received]
        assert ids == completed
        assert hub.dropped == 1 and hub.subscribers == 1
        assert platform.subscribers(user) == 1  # the shared upstream still runs
    finally:
        healthy.cancel()
        stuck.cancel()
        await asyncio.wait({healthy, stuck})
    await platform.wait_for_subscribers(user, 0)
    assert len(hub) == 0 and hub.subscribers == 0


class StalledSocket:
    """A real ``Socket`` whose client stops reading once it has its ack: each ``next``
    never leaves (as when the client's TCP window stays closed)."""

    def __init__(self) -> None:
        self.incoming: asyncio.Queue[str | None] = asyncio.Queue()
        self.sent: list[dict[str, Any]] = []
        self.closed: tuple[int, str] | None = None
        self.closed_event = asyncio.Event()

    async def receive(self) -> str | None:
        return await self.incoming.get()

    async def send(self, text: str) -> None:
        if self.closed is not None:
            return
        message = orjson.loads(text)
        if message.get("type") == "next":
            await asyncio.Event().wait()
        self.sent.append(message)

    async def close(self, code: int, reason: str) -> None:
        if self.closed is None:
            self.closed = (code, reason)
            self.closed_event.set()
            self.incoming.put_nowait(None)

    def client_sends(self, message: dict[str, Any]) -> None:
        self.incoming.put_nowait(orjson.dumps(message).decode())


async def test_the_websocket_of_a_slow_consumer_is_closed_4410(
    small_queues: Platform,
) -> None:
    platform = small_queues
    user = fresh_learner(platform.subgraphs)
    gateway = platform.gateway
    socket = StalledSocket()
    runner = OperationRunner(gateway)
    connection = Connection(
        socket, runner, {}, gateway.config.subscriptions, opener=lambda h: runner.open(h)
    )
    served = asyncio.create_task(connection.run())
    socket.client_sends({"type": "connection_init", "payload": as_user(user)})
    socket.client_sends({"id": "s", "type": "subscribe", "payload": {"query": PROGRESS}})
    await platform.wait_for_subscribers(user, 1)
    for number, lesson in enumerate(lessons(platform, 4)):
        await platform.complete_lesson(user, lesson, str(number))
    await asyncio.wait_for(socket.closed_event.wait(), 10)
    assert socket.closed == (4410, "Slow consumer")
    assert socket.sent == [{"type": "connection_ack"}]
    await asyncio.wait_for(served, 10)
    await platform.wait_for_subscribers(user, 0)
    assert gateway.subscription_hub.dropped == 1
    assert len(gateway.subscription_hub) == 0


@pytest.mark.timeout(120)
async def test_a_real_client_that_stops_reading_is_closed_4410() -> None:
    # A real websocket client that reads nothing after its ack: the ticks (64 KiB each,
    # sent without a pause) fill its buffers, then the kernel's, then the gateway's send
    # blocks, its queue of 2 fills, and the gateway gives up on it.
    async with (
        subgraph_process(TICKS, "fast") as ticks,
        ticks_gateway_engine(ticks, subscriber_queue_size=2, keep_alive_seconds=None) as (
            url,
            gateway,
        ),
        connect(url, subprotocols=[PROTOCOL], max_queue=1, close_timeout=2) as connection,
    ):
        client = Client(connection)
        await client.init()
        await client.subscribe("t", "subscription { ticks { n padding } }")
        hub = gateway.subscription_hub
        await wait_until(lambda: hub.dropped == 1, "the client to be dropped", timeout=60)
        assert await client.closed(timeout=30) == (4410, "Slow consumer")
        await wait_until(lambda: len(hub) == 0, "the stream to stop")
