"""The subscribers: one graphql-transport-ws websocket and one ``progressUpdated``
subscription each, through the gateway, every receipt timestamped.

Each subscriber belongs to one learner (its credentials are that learner's). A receipt is
``(subscriber, lesson id, time.monotonic())``, taken as soon as the message is read, so
it can be matched with the mutation that completed that lesson. Clients offer
permessage-deflate, as browsers and most mobile websocket stacks do; the gateway decides.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import WebSocketException
from websockets.typing import Subprotocol

ROOT = Path(__file__).resolve().parents[2]
#: The app's live progress subscription (sent as text, so any gateway can run it).
QUERY = (ROOT / "persisted_queries" / "ProgressUpdated.graphql").read_text()
PROTOCOL = Subprotocol("graphql-transport-ws")
#: Seconds for one subscriber to connect, be acknowledged and subscribe.
OPEN_TIMEOUT = 60.0
#: Subscribers opening at once (the rest wait their turn).
OPENING_AT_ONCE = 16

#: A learner's credentials as a ``connection_init`` payload.
Credentials = Callable[[str], dict[str, str]]


@dataclass
class Subscribers:
    """Subscribers to one gateway; ``open`` them, read ``receipts``, ``close`` them."""

    ws_url: str
    credentials: Credentials
    learners: list[str] = field(default_factory=list)  # per subscriber
    receipts: list[tuple[int, str, float]] = field(default_factory=list)
    received: list[int] = field(default_factory=list)  # events per subscriber, all phases
    live: list[bool] = field(default_factory=list)  # subscribed and not ended
    errors: Counter[str] = field(default_factory=Counter)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def open(self, learners: list[str]) -> int:
        """One subscriber per entry of ``learners``; returns how many subscribed."""
        gate = asyncio.Semaphore(OPENING_AT_ONCE)
        opened: list[asyncio.Future[bool]] = []
        for learner in learners:
            index = len(self.learners)
            self.learners.append(learner)
            self.received.append(0)
            self.live.append(False)
            subscribed: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
            opened.append(subscribed)
            self._tasks.append(asyncio.create_task(self._run(index, gate, subscribed)))
        return sum(await asyncio.gather(*opened))

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()

    async def _run(
        self, index: int, gate: asyncio.Semaphore, subscribed: asyncio.Future[bool]
    ) -> None:
        try:
            async with gate:
                ws = await asyncio.wait_for(self._subscribe(index), OPEN_TIMEOUT)
            self.live[index] = True
            subscribed.set_result(True)
            async with ws:
                await self._read(index, ws)
            self.live[index] = False
        except asyncio.CancelledError:
            raise
        except (OSError, TimeoutError, WebSocketException, ValueError) as error:
            self.live[index] = False
            self.errors[f"subscriber: {type(error).__name__}: {error}"[:160]] += 1
        finally:
            if not subscribed.done():
                subscribed.set_result(False)

    async def _subscribe(self, index: int) -> ClientConnection:
        ws = await connect(
            self.ws_url,
            subprotocols=[PROTOCOL],
            compression="deflate",
            open_timeout=None,  # under OPEN_TIMEOUT as a whole
            ping_interval=None,  # graphql-ws clients do not ping by default
            max_size=2**22,
        )
        try:
            payload = self.credentials(self.learners[index])
            init = {"type": "connection_init", "payload": payload}
            await ws.send(orjson.dumps(init).decode())
            ack = orjson.loads(await ws.recv())
            if ack.get("type") != "connection_ack":
                raise ValueError(f"no connection_ack: {ack}")
            subscribe = {"id": "1", "type": "subscribe", "payload": {"query": QUERY}}
            await ws.send(orjson.dumps(subscribe).decode())
        except BaseException:
            await ws.close()
            raise
        return ws

    async def _read(self, index: int, ws: ClientConnection) -> None:
        async for raw in ws:
            at = time.monotonic()
            message: dict[str, Any] = orjson.loads(raw)
            kind = message.get("type")
            if kind == "next":
                self.received[index] += 1
                self.receipts.append((index, _lesson(message), at))
            elif kind == "ping":
                await ws.send('{"type":"pong"}')
            elif kind in ("error", "complete"):
                self.errors[f"subscription {kind}: {message.get('payload')}"[:160]] += 1
                return


def _lesson(message: dict[str, Any]) -> str:
    """The lesson id of a ``next`` message ("" for an event without data)."""
    data = (message.get("payload") or {}).get("data") or {}
    event = data.get("progressUpdated") or {}
    return str((event.get("lesson") or {}).get("id", ""))
