"""One upstream graphql-transport-ws subscription to a subgraph (``websockets`` client).

The gateway opens one upstream connection per distinct subscription (``hub.py``): the
identity is in the forwarded headers, and the subgraph authenticates a connection once,
at ``connection_init``, so only subscriptions with the same headers share one. The
forwarded headers go both in the handshake and as top-level keys
of the ``connection_init`` payload (what graphql-transport-ws servers read, as our
subgraphs do; the handshake serves servers that read headers only).

    upstream = await UpstreamSubscription.open(url, query, variables, headers, timeout)
    try:
        while (payload := await upstream.next()) is not None: ...
    finally:
        await upstream.close()          # "complete" upstream, then close the socket
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.typing import Subprotocol

from gateway.subscriptions.messages import SUBPROTOCOL
from gateway.types import JSONObject

#: The only operation on an upstream connection.
_ID = "1"
#: Largest upstream message (one event), in bytes.
MAX_MESSAGE_BYTES = 16 * 1024 * 1024


class UpstreamFailed(Exception):
    """The upstream connection failed or broke the protocol; the text says how."""


class UpstreamErrors(Exception):
    """The subgraph ended the subscription with an ``error`` message."""

    def __init__(self, errors: list[JSONObject]) -> None:
        super().__init__("the subgraph answered with errors")
        self.errors = errors


class UpstreamSubscription:
    def __init__(self, connection: ClientConnection) -> None:
        self._connection = connection
        self._done = False

    @classmethod
    async def open(
        cls,
        url: str,
        query: str,
        variables: dict[str, Any],
        headers: dict[str, str],
        timeout: float,
    ) -> UpstreamSubscription:
        """Connect, initialise, subscribe; ``UpstreamFailed`` if any step fails."""
        connection: ClientConnection | None = None
        try:
            async with asyncio.timeout(timeout):
                connection = await connect(
                    url,
                    subprotocols=[Subprotocol(SUBPROTOCOL)],
                    additional_headers=headers,
                    open_timeout=None,  # the whole opening is under ``timeout``
                    close_timeout=2,
                    max_size=MAX_MESSAGE_BYTES,
                    # No permessage-deflate: its zlib state (hundreds of KB a connection,
                    # one connection a subscription) is what subscription churn left in
                    # the allocator's heap; events between neighbours need no compression.
                    compression=None,
                )
                if connection.subprotocol != SUBPROTOCOL:
                    raise UpstreamFailed(f"the subgraph does not speak {SUBPROTOCOL}")
                upstream = cls(connection)
                await upstream._send({"type": "connection_init", "payload": headers})
                await upstream._await_ack()
                payload: JSONObject = {"query": query}
                if variables:
                    payload["variables"] = variables
                await upstream._send({"id": _ID, "type": "subscribe", "payload": payload})
                return upstream
        except BaseException as exc:
            # Cancellation included (the client completed while we were connecting):
            # a half-open upstream socket must not outlive this call.
            if connection is not None:
                await connection.close()
            raise _failure(exc, timeout) from None

    async def next(self) -> JSONObject | None:
        """The next event's execution result; None once the subgraph completes."""
        if self._done:
            return None
        while True:
            message = await self._receive()
            kind = message.get("type")
            if kind in ("next", "error", "complete") and message.get("id") != _ID:
                raise UpstreamFailed(f"a {kind!r} message for an unknown id")
            if kind == "next" and isinstance(message.get("payload"), dict):
                payload: JSONObject = message["payload"]
                return payload
            if kind == "error" and isinstance(message.get("payload"), list):
                self._done = True
                raise UpstreamErrors([_error(e) for e in message["payload"]])
            if kind == "complete":
                self._done = True
                return None
            raise UpstreamFailed(f"an unexpected message of type {kind!r}")

    async def close(self) -> None:
        """Stop the upstream subscription (``complete``) and close the socket."""
        try:
            if not self._done:
                self._done = True
                await self._send({"id": _ID, "type": "complete"})
        except ConnectionClosed:
            pass
        finally:
            await self._connection.close()

    async def _await_ack(self) -> None:
        message = await self._receive()
        if message.get("type") != "connection_ack":
            raise UpstreamFailed(f"expected connection_ack, got {message.get('type')!r}")

    async def _receive(self) -> JSONObject:
        """The next protocol message other than ping/pong (pings are answered)."""
        while True:
            try:
                raw = await self._connection.recv()
            except ConnectionClosed as exc:
                self._done = True
                raise UpstreamFailed(_closed(exc)) from None
            try:
                message = orjson.loads(raw)
            except orjson.JSONDecodeError:
                raise UpstreamFailed("a message that is not JSON") from None
            if not isinstance(message, dict):
                raise UpstreamFailed("a message that is not a JSON object")
            if message.get("type") == "ping":
                await self._send({"type": "pong"})
            elif message.get("type") != "pong":
                return message

    async def _send(self, message: JSONObject) -> None:
        await self._connection.send(orjson.dumps(message).decode())


def _failure(exc: BaseException, timeout: float) -> BaseException:
    """What ``open`` raises for ``exc``: an ``UpstreamFailed``, or ``exc`` itself when it
    is not about the upstream (cancellation, a bug)."""
    if isinstance(exc, UpstreamFailed):
        return exc
    if isinstance(exc, TimeoutError):
        return UpstreamFailed(f"no subscription within {timeout:g} s")
    if isinstance(exc, ConnectionClosed):
        return UpstreamFailed(_closed(exc))
    if isinstance(exc, OSError | InvalidURI | InvalidHandshake):
        return UpstreamFailed(f"cannot connect: {exc}")
    return exc


def _closed(exc: ConnectionClosed) -> str:
    close = exc.rcvd or exc.sent
    if close is None:
        return "the connection was lost"
    return f"the subgraph closed the connection ({close.code} {close.reason})"


def _error(value: Any) -> JSONObject:
    return value if isinstance(value, dict) else {"message": str(value)}
