"""The graphql-transport-ws server: one connection's state machine.

    open ──connection_init──> acknowledged ──subscribe(id)──> operation id running
      │                          │   ▲                          │
      │ no init in time: 4408    │   └── next* then complete ───┘ (or error; or the
      │ second init: 4429        │       client's complete stops it, nothing is sent)
      │ subscribe first: 4401    │ duplicate running id: 4409
      │ refused at init: 4403    │ the identity's token expires: 4403
      │                          │ a subscription falls too far behind: 4410
      │                          │ every keep_alive_seconds: ping (the client answers pong)
      │ (4429 rate limit, 4500 the gateway cannot authenticate now)
      └── invalid message: 4400 (any state)          ping -> pong (any state)

At ``connection_init`` the connection is authenticated once (``Opener``: the gateway's
``connection_opened`` steps): a refused token closes it with ``4403: Forbidden`` (a rate
limit with ``4429``), and when the verified token expires the connection is closed with
``4403: Forbidden``, ending every subscription on it.

Written against ``Socket`` (three methods) so it runs over any websocket implementation;
operations run through an ``OperationRunner``-like callable, each in its own task, so a
slow subscription never blocks the socket's other messages. When the connection ends
(client gone, close, gateway shutdown) every operation task is cancelled and awaited:
each closes its upstream subscription on the way out.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

import orjson

from gateway.errors import GatewayError
from gateway.http.decoding import DecodeLimits, loads, params_from_mapping
from gateway.request import GraphQLParams, RequestContext
from gateway.subscriptions.config import SubscriptionsConfig
from gateway.subscriptions.errors import SlowConsumer, TooManySubscriptions, graphql_errors
from gateway.subscriptions.headers import connection_headers
from gateway.subscriptions.messages import (
    ClientComplete,
    CloseCode,
    ConnectionInit,
    InvalidMessage,
    Ping,
    Pong,
    Subscribe,
    encode,
    parse_client_message,
)
from gateway.subscriptions.operations import OperationChannel
from gateway.types import Headers, JSONObject

log = logging.getLogger("gateway.subscriptions")


class Socket(Protocol):
    """A server-side websocket, already accepted with the ``graphql-transport-ws``
    subprotocol."""

    async def receive(self) -> str | bytes | None:
        """The next message; None once the client is gone."""

    async def send(self, text: str) -> None:
        """Send a text message; does nothing once the socket is closed."""

    async def close(self, code: int, reason: str) -> None:
        """Close the socket (once; later calls do nothing)."""


#: Runs one operation with its own copy of the connection's context.
Runner = Callable[[GraphQLParams, RequestContext, OperationChannel], Awaitable[None]]
#: Authenticates a connection from its headers: its context, or a ``GatewayError``.
Opener = Callable[[Headers], Awaitable[RequestContext]]

#: graphql-ws's close code for a refused connection (the token is bad, or has expired).
FORBIDDEN = 4403
#: A refused connection over its rate limit.
TOO_MANY_REQUESTS = 4429


async def anonymous_opener(headers: Headers) -> RequestContext:
    """An ``Opener`` that authenticates nothing (a connection outside a gateway)."""
    return RequestContext(method="POST", headers=headers, transport="websocket")


class _Close(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class Connection:
    def __init__(
        self,
        socket: Socket,
        runner: Runner,
        handshake_headers: Headers,
        config: SubscriptionsConfig,
        max_json_depth: int = 128,
        opener: Opener = anonymous_opener,
    ) -> None:
        self.socket = socket
        self.runner = runner
        self.opener = opener
        #: The authenticated connection's context, once ``connection_init`` is accepted.
        self.context: RequestContext | None = None
        self._expiry: asyncio.TimerHandle | None = None
        #: The task closing the connection from inside (expiry, a slow consumer).
        self._closing: asyncio.Task[None] | None = None
        self._keep_alive: asyncio.Task[None] | None = None
        self.config = config
        self._handshake_headers = handshake_headers
        self._limits = DecodeLimits(max_json_depth=max_json_depth)
        self._init_received = False
        self._acknowledged = False
        #: The connection's request headers, known once ``connection_init`` arrived.
        self.headers: Headers = {}
        #: Running operations by id (an id is free again once its operation ended).
        self.operations: dict[str, asyncio.Task[None]] = {}
        self._streams: set[str] = set()

    async def run(self) -> None:
        """Serve the connection until the client leaves or the socket is closed."""
        deadline = asyncio.get_running_loop().time() + self.config.connection_init_timeout_seconds
        try:
            while True:
                try:
                    async with asyncio.timeout_at(None if self._init_received else deadline):
                        raw = await self.socket.receive()
                except TimeoutError:
                    await self.socket.close(
                        CloseCode.CONNECTION_INIT_TIMEOUT, "Connection initialisation timeout"
                    )
                    return
                if raw is None:
                    return
                try:
                    await self._handle(raw)
                except InvalidMessage as exc:
                    await self.socket.close(CloseCode.BAD_REQUEST, str(exc))
                    return
                except _Close as close:
                    await self.socket.close(close.code, close.reason)
                    return
        finally:
            if self._expiry is not None:
                self._expiry.cancel()
            if self._keep_alive is not None:
                self._keep_alive.cancel()
                await asyncio.wait({self._keep_alive})
            await self.stop_operations()

    async def shutdown(self) -> None:
        """The gateway is stopping: complete every subscription, then close (1001)."""
        streams = [op_id for op_id in self.operations if op_id in self._streams]
        await self.stop_operations()
        for op_id in streams:
            await self.socket.send(encode({"id": op_id, "type": "complete"}))
        await self.socket.close(1001, "Going away")

    async def stop_operations(self) -> None:
        tasks = list(self.operations.values())
        self.operations.clear()
        self._streams.clear()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # -- one message -----------------------------------------------------------------

    async def _handle(self, raw: str | bytes) -> None:
        if not isinstance(raw, str):
            raise InvalidMessage("Binary messages are not supported; send JSON text")
        try:
            value = loads(raw, self._limits, "the message")
        except GatewayError as exc:
            raise InvalidMessage(exc.message) from None
        message = parse_client_message(value)
        match message:
            case ConnectionInit():
                if self._init_received:
                    raise _Close(
                        CloseCode.TOO_MANY_INIT_REQUESTS, "Too many initialisation requests"
                    )
                self._init_received = True
                self.headers = connection_headers(self._handshake_headers, message.payload)
                await self._open()
                await self.socket.send(encode({"type": "connection_ack"}))
                self._acknowledged = True
                if self.config.keep_alive_seconds is not None:
                    self._keep_alive = asyncio.create_task(self._ping_forever())
            case Ping():
                pong: JSONObject = {"type": "pong"}
                if message.payload is not None:
                    pong["payload"] = message.payload
                await self.socket.send(encode(pong))
            case Pong():
                pass  # an answer, or a one-way heartbeat: nothing to do
            case Subscribe():
                self._subscribe(message)
            case ClientComplete():
                task = self.operations.pop(message.id, None)
                self._streams.discard(message.id)
                if task is not None:
                    # The client has stopped listening: nothing more is sent for this id.
                    task.cancel()

    async def _open(self) -> None:
        try:
            self.context = await self.opener(self.headers)
        except GatewayError as error:
            if error.status == 429:
                raise _Close(TOO_MANY_REQUESTS, "Too many requests") from None
            if error.status in (401, 403):
                raise _Close(FORBIDDEN, "Forbidden") from None
            # The gateway cannot decide now (the identity provider is unreachable, say).
            raise _Close(CloseCode.INTERNAL_ERROR, error.message[:120]) from None
        identity = self.context.identity
        if identity is not None and identity.expires_at is not None:
            loop = asyncio.get_running_loop()
            delay = max(0.0, identity.expires_at - time.time())
            self._expiry = loop.call_at(loop.time() + delay, self._expired)

    def _expired(self) -> None:
        # The credential this connection was opened with is no longer valid: nothing more
        # may be sent under it.
        self._close_soon(FORBIDDEN, "Forbidden")

    def _close_soon(self, code: int, reason: str) -> None:
        """Stop every operation, then close: from a task of its own, as the caller may
        be one of the operations (or a timer)."""
        if self._closing is None:
            self._closing = asyncio.create_task(self._close(code, reason))

    async def _close(self, code: int, reason: str) -> None:
        await self.stop_operations()
        await self.socket.close(code, reason)

    async def _ping_forever(self) -> None:
        """Keep-alive: a ``ping`` every ``keep_alive_seconds`` (proxies and mobile
        networks drop idle connections; the client's ``pong`` keeps the path warm)."""
        interval = self.config.keep_alive_seconds
        assert interval is not None
        while True:
            await asyncio.sleep(interval)
            await self.socket.send(encode({"type": "ping"}))

    def _subscribe(self, message: Subscribe) -> None:
        if not self._acknowledged:
            raise _Close(CloseCode.UNAUTHORIZED, "Unauthorized")
        if message.id in self.operations:
            raise _Close(
                CloseCode.SUBSCRIBER_ALREADY_EXISTS, f"Subscriber for {message.id} already exists"
            )
        try:
            params = params_from_mapping(message.payload)
        except GatewayError as exc:
            raise InvalidMessage(f'"subscribe" payload: {exc.message}') from None
        task = asyncio.create_task(self._operation(message.id, params))
        self.operations[message.id] = task

    async def _operation(self, op_id: str, params: GraphQLParams) -> None:
        channel = _Channel(self, op_id)
        try:
            context = self.context or await anonymous_opener(self.headers)
            await self.runner(params, context.copy(), channel)
        except SlowConsumer:
            # The socket does not keep up with this subscription: an ``error`` would queue
            # behind what it already cannot send. Closing frees every buffer at once, and
            # graphql-ws clients reconnect on 4410 (resuming with their last cursor).
            log.info("operation %r dropped as a slow consumer: closing 4410", op_id)
            self._close_soon(CloseCode.SLOW_CONSUMER, "Slow consumer")
        except GatewayError as error:
            await self._send_if_current(
                op_id, {"id": op_id, "type": "error", "payload": graphql_errors(error)}
            )
        except Exception:  # a bug must end this operation, never the connection
            log.exception("operation %r failed", op_id)
            error_payload = [
                {
                    "message": "Internal server error",
                    "extensions": {"code": "INTERNAL_SERVER_ERROR"},
                }
            ]
            await self._send_if_current(
                op_id, {"id": op_id, "type": "error", "payload": error_payload}
            )
        else:
            await self._send_if_current(op_id, {"id": op_id, "type": "complete"})
        finally:
            if self.operations.get(op_id) is asyncio.current_task():
                del self.operations[op_id]
                self._streams.discard(op_id)

    async def _send_if_current(self, op_id: str, message: JSONObject) -> None:
        # After the client's ``complete`` (or a shutdown) the id is no longer ours.
        if self.operations.get(op_id) is asyncio.current_task():
            await self.socket.send(orjson.dumps(message).decode())

    def _begin_stream(self, op_id: str) -> None:
        if len(self._streams) >= self.config.max_subscriptions_per_connection:
            limit = self.config.max_subscriptions_per_connection
            raise TooManySubscriptions(
                f"This connection already runs {limit} subscriptions, the most allowed "
                "(subscriptions.max_subscriptions_per_connection); complete one first.",
                extensions={"maxSubscriptionsPerConnection": limit},
            )
        self._streams.add(op_id)


class _Channel:
    """One operation's view of its connection."""

    def __init__(self, connection: Connection, op_id: str) -> None:
        self._connection = connection
        self._id = op_id

    async def next(self, result: JSONObject) -> None:
        await self._connection._send_if_current(
            self._id, {"id": self._id, "type": "next", "payload": result}
        )

    def begin_stream(self) -> None:
        self._connection._begin_stream(self._id)


class ConnectionRegistry:
    """The open connections of one gateway, so that stopping it completes them."""

    def __init__(self) -> None:
        self._connections: set[Connection] = set()
        self.closing = False
        #: Subscription events sent to clients (metrics read it).
        self.events_sent = 0

    def __len__(self) -> int:
        return len(self._connections)

    def streams(self) -> int:
        """Subscriptions open now, over every connection."""
        return sum(len(c._streams) for c in self._connections)

    async def serve(self, connection: Connection) -> None:
        if self.closing:
            await connection.socket.close(1001, "Going away")
            return
        self._connections.add(connection)
        try:
            await connection.run()
        finally:
            self._connections.discard(connection)

    async def shutdown(self) -> None:
        self.closing = True
        await asyncio.gather(*(c.shutdown() for c in list(self._connections)))
