"""The websocket endpoint: graphql-transport-ws at ``server.graphql_path``.

The same URL as GraphQL over HTTP; a websocket upgrade is routed here. The client must
offer the ``graphql-transport-ws`` subprotocol: any other (e.g. the legacy
``graphql-ws`` of subscriptions-transport-ws) is accepted only to be closed with
``4406: Subprotocol not acceptable``, so the client learns why. The upgrade is accepted
with the client's own first subprotocol: a client that offered subprotocols fails a
handshake that selects none (the connection drops with 1006 before the close reaches
it). The protocol itself is
``gateway.subscriptions.protocol``; this module only adapts Starlette's websocket to it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from gateway.pipeline import Gateway
from gateway.subscriptions.messages import SUBPROTOCOL, CloseCode
from gateway.subscriptions.operations import OperationRunner
from gateway.subscriptions.protocol import Connection
from gateway.types import Headers


class _StarletteSocket:
    """``gateway.subscriptions.protocol.Socket`` over a Starlette ``WebSocket``."""

    def __init__(self, websocket: WebSocket) -> None:
        self._websocket = websocket
        # Operations send from their own tasks: one frame at a time.
        self._lock = asyncio.Lock()
        self._closed = False

    async def receive(self) -> str | bytes | None:
        if self._closed:
            return None
        message = await self._websocket.receive()
        if message["type"] == "websocket.disconnect":
            self._closed = True
            return None
        text = message.get("text")
        if text is not None:
            return str(text)
        return bytes(message.get("bytes") or b"")

    async def send(self, text: str) -> None:
        async with self._lock:
            if self._closed:
                return
            try:
                await self._websocket.send_text(text)
            except (OSError, RuntimeError, WebSocketDisconnect):
                self._closed = True  # the client is gone; receive() will say so

    async def close(self, code: int, reason: str) -> None:
        async with self._lock:
            if self._closed:
                return
            self._closed = True
            with contextlib.suppress(OSError, RuntimeError, WebSocketDisconnect):
                await self._websocket.close(code, reason)


class GraphQLWebSocketEndpoint:
    """The ASGI app for websocket scopes at ``server.graphql_path``."""

    def __init__(self, gateway: Callable[[], Gateway], *, max_json_depth: int = 128) -> None:
        self.gateway = gateway
        self.max_json_depth = max_json_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        websocket = WebSocket(scope, receive, send)
        offered = scope.get("subprotocols") or []
        if SUBPROTOCOL not in offered:
            await websocket.accept(subprotocol=offered[0] if offered else None)
            await websocket.close(
                CloseCode.SUBPROTOCOL_NOT_ACCEPTABLE, "Subprotocol not acceptable"
            )
            return
        await websocket.accept(subprotocol=SUBPROTOCOL)
        gateway = self.gateway()
        runner = OperationRunner(gateway)
        client = websocket.client
        client_ip = client.host if client is not None else None
        connection = Connection(
            _StarletteSocket(websocket),
            runner,
            _headers(websocket),
            gateway.config.subscriptions,
            max_json_depth=self.max_json_depth,
            opener=lambda headers: runner.open(headers, client_ip),
        )
        await gateway.websockets.serve(connection)


def _headers(websocket: WebSocket) -> Headers:
    headers: Headers = {}
    for name, value in websocket.headers.items():
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers
