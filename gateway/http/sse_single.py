"""GraphQL over SSE, single connection mode: one event stream carries every operation.

    PUT    /graphql                         reserve a stream: 201, the token (text/plain)
    GET    /graphql  + token, Accept: text/event-stream
                                            open the reserved stream (once)
    POST   /graphql  + token, {"query", "extensions": {"operationId": "<id>"}}
                                            run an operation on it: 202, results arrive
                                            on the stream as ``next``/``complete`` for id
    DELETE /graphql?operationId=<id> + token
                                            stop that operation: 200

The token travels in the ``X-GraphQL-Event-Stream-Token`` header (or the ``token`` query
parameter, for ``EventSource``). A reservation is the caller's: the ``PUT`` authenticates
as a websocket's ``connection_init`` does (``Gateway.open_connection``), and every later
request with its token must carry the same ``Authorization`` header, else the stream is
"not found" — a leaked token (it may sit in a URL) opens nothing without the credential.
Each operation still runs every step of the pipeline with its own request's headers.

Reservations are bounded per caller and overall (``server.http_subscriptions``); one
never connected within ``reservation_timeout_seconds`` is dropped. When the stream's
client goes away, its operations are cancelled (upstream subscriptions closed) and the
token is forgotten: graphql-sse clients reserve a new one when they reconnect.
Reservations live in the process that made them: behind a load balancer, this mode needs
session affinity (the distinct connections mode and multipart do not).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from gateway.errors import GatewayError, RequestError
from gateway.http.config import HttpSubscriptionsConfig
from gateway.http.csrf import check_csrf
from gateway.http.errors import InvalidRequestBody, NotAcceptable, error_body
from gateway.http.event_stream import EventStreamResponse, Outbox
from gateway.http.negotiation import APPLICATION_JSON, TEXT_EVENT_STREAM, parse_accept
from gateway.http.sse import KEEPALIVE, TOKEN_HEADER, TOKEN_QUERY, OperationFraming
from gateway.http.stream_errors import (
    MissingOperationId,
    OperationIdInUse,
    StreamAlreadyOpen,
    StreamNotFound,
    StreamReservationsExhausted,
    TooManyStreams,
)
from gateway.http.streaming import deliver, json_response, prepare_or_refuse, request_headers
from gateway.pipeline import Gateway, Prepared
from gateway.request import GraphQLParams, Outcome, RequestContext
from gateway.subscriptions.errors import TooManySubscriptions

#: Decodes an operation request (the GraphQL endpoint's own decoding and limits).
Decode = Callable[[Request], Awaitable[GraphQLParams | list[GraphQLParams | RequestError]]]


@dataclass(eq=False)
class Reservation:
    token: str
    #: Who holds it (user id, or the client IP when anonymous): the per-caller bound.
    caller: str
    #: SHA-256 of the reserving request's ``Authorization`` header ("" when none).
    credential: bytes
    outbox: Outbox = field(default_factory=Outbox)
    #: Operations by id: their task, or None while the operation is being prepared.
    operations: dict[str, asyncio.Task[None] | None] = field(default_factory=dict)
    connected: bool = False
    expiry: asyncio.TimerHandle | None = None
    #: Ends the stream when the gateway closes (held here so it is not collected).
    ending: asyncio.Future[None] | None = None


def credential_of(request: Request) -> bytes:
    return hashlib.sha256(request.headers.get("authorization", "").encode()).digest()


class Reservations:
    """The reservations of one gateway process, bounded per caller and overall."""

    def __init__(self, config: HttpSubscriptionsConfig) -> None:
        self.config = config
        self._by_token: dict[str, Reservation] = {}
        self._per_caller: Counter[str] = Counter()

    def __len__(self) -> int:
        return len(self._by_token)

    def reserve(self, caller: str, credential: bytes) -> Reservation:
        config = self.config
        if self._per_caller[caller] >= config.max_reservations_per_caller:
            raise TooManyStreams(
                f"This caller already holds {config.max_reservations_per_caller} event "
                "stream reservations, the most allowed; close one first.",
                extensions={"maxReservationsPerCaller": config.max_reservations_per_caller},
            )
        if len(self._by_token) >= config.max_reservations:
            raise StreamReservationsExhausted(
                "This gateway holds as many event streams as it may; retry later."
            )
        reservation = Reservation(secrets.token_urlsafe(32), caller, credential)
        self._by_token[reservation.token] = reservation
        self._per_caller[caller] += 1
        loop = asyncio.get_running_loop()
        reservation.expiry = loop.call_later(
            config.reservation_timeout_seconds, self._expire, reservation
        )
        return reservation

    def find(self, token: str, credential: bytes) -> Reservation:
        reservation = self._by_token.get(token)
        if reservation is None or not hmac.compare_digest(reservation.credential, credential):
            raise StreamNotFound("No event stream is reserved with this token.")
        return reservation

    async def close(self, reservation: Reservation) -> None:
        """Forget ``reservation``; cancel its operations and wait for them."""
        tasks = self._drop(reservation)
        await asyncio.gather(*tasks, return_exceptions=True)

    def _expire(self, reservation: Reservation) -> None:
        if not reservation.connected:
            self._drop(reservation)  # its operations (if any) end on their own once cancelled

    def _drop(self, reservation: Reservation) -> list[asyncio.Task[None]]:
        if self._by_token.pop(reservation.token, None) is reservation:
            self._per_caller[reservation.caller] -= 1
            if self._per_caller[reservation.caller] <= 0:
                del self._per_caller[reservation.caller]
        if reservation.expiry is not None:
            reservation.expiry.cancel()
        reservation.outbox.finish()
        tasks = [t for t in reservation.operations.values() if t is not None]
        reservation.operations.clear()
        for task in tasks:
            task.cancel()
        return tasks


class SingleConnection:
    """The single connection mode's requests at the GraphQL endpoint."""

    def __init__(
        self,
        gateway: Callable[[], Gateway],
        config: HttpSubscriptionsConfig,
        decode: Decode,
    ) -> None:
        self.gateway = gateway
        self.config = config
        self.decode = decode
        self.reservations = Reservations(config)

    async def handle(self, request: Request) -> Response | None:
        """The answer to a request of this mode; None for any other request."""
        token = request.headers.get(TOKEN_HEADER) or request.query_params.get(TOKEN_QUERY)
        method = request.method
        if method not in ("PUT", "DELETE") and (token is None or method not in ("GET", "POST")):
            return None
        try:
            if method == "PUT":
                return await self._reserve(request)
            if token is None:
                raise StreamNotFound("Name the event stream: X-GraphQL-Event-Stream-Token.")
            reservation = self.reservations.find(token, credential_of(request))
            if method == "DELETE":
                return await self._stop(request, reservation)
            if method == "GET" and _accepts(request, TEXT_EVENT_STREAM, exact=True):
                return self._connect(reservation)
            return await self._operation(request, reservation)
        except GatewayError as error:
            return json_response(error_body(error), error.status, APPLICATION_JSON, error.headers)

    async def _reserve(self, request: Request) -> Response:
        if not _accepts(request, "text/plain"):
            raise NotAcceptable("A reservation is answered in text/plain; accept it.")
        client = request.client
        context = RequestContext(
            method="POST",
            headers=request_headers(request),
            transport="sse",
            client_ip=client.host if client is not None else None,
        )
        context = await self.gateway().open_connection(context)  # authenticates the caller
        identity = context.identity
        if identity is not None and identity.user_id is not None:
            caller = f"user:{identity.user_id}"
        else:
            caller = f"ip:{context.client_ip}"
        reservation = self.reservations.reserve(caller, credential_of(request))
        return PlainTextResponse(reservation.token, status_code=201)

    def _connect(self, reservation: Reservation) -> Response:
        if reservation.connected:
            raise StreamAlreadyOpen("This reservation's event stream is already open.")
        reservation.connected = True
        if reservation.expiry is not None:
            reservation.expiry.cancel()
        streams = self.gateway().http_streams

        def stop() -> None:  # the gateway is closing: end the stream once its operations
            # (cancelled by their own stops) have sent their ``complete``
            tasks = [t for t in reservation.operations.values() if t is not None]
            reservation.ending = asyncio.ensure_future(_finish_after(tasks, reservation.outbox))

        async def closed() -> None:
            streams.discard_stop(stop)
            await self.reservations.close(reservation)

        streams.add_stop(stop)

        return EventStreamResponse(
            reservation.outbox,
            media_type=TEXT_EVENT_STREAM,
            headers={},
            keepalive=KEEPALIVE,
            keepalive_seconds=self.config.sse_keepalive_seconds,
            on_close=closed,
        )

    async def _stop(self, request: Request, reservation: Reservation) -> Response:
        operation_id = request.query_params.get("operationId")
        if not operation_id:
            raise MissingOperationId("Name the operation to stop: ?operationId=<id>.")
        task = reservation.operations.pop(operation_id, None)
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        # An unknown id is no error: the operation may have just completed on its own.
        return Response(status_code=200)

    async def _operation(self, request: Request, reservation: Reservation) -> Response:
        if not _accepts(request, APPLICATION_JSON):
            raise NotAcceptable("Results go to the event stream; accept application/json.")
        params = await self.decode(request)
        if not isinstance(params, GraphQLParams):
            raise InvalidRequestBody("Send one operation per request on an event stream.")
        if request.method == "GET":
            check_csrf(request.headers)
        operation_id = (params.extensions or {}).get("operationId")
        if not isinstance(operation_id, str) or not operation_id:
            raise MissingOperationId("Name the operation: extensions.operationId.")
        if operation_id in reservation.operations:
            raise OperationIdInUse(f"Operation {operation_id!r} already runs on this stream.")
        limit = self.gateway().config.subscriptions.max_subscriptions_per_connection
        if len(reservation.operations) >= limit:
            raise TooManySubscriptions(
                f"This event stream already runs {limit} operations, the most allowed "
                "(subscriptions.max_subscriptions_per_connection); stop one first.",
                extensions={"maxSubscriptionsPerConnection": limit},
            )
        reservation.operations[operation_id] = None  # taken while it is being prepared
        client = request.client
        context = RequestContext(
            method=request.method,
            headers=request_headers(request),
            transport="sse",
            client_ip=client.host if client is not None else None,
        )
        gateway = self.gateway()
        prepared = await prepare_or_refuse(gateway, params, context)
        if reservation.operations.get(operation_id, False) is not None:
            return Response(status_code=204)  # stopped (or the stream closed) meanwhile
        if isinstance(prepared, Outcome):
            del reservation.operations[operation_id]
            # As GraphQL over HTTP with application/graphql-response+json: the status says
            # why (graphql-sse clients expect 202 and treat anything else as a failure).
            return json_response(prepared.body, prepared.status, APPLICATION_JSON, prepared.headers)
        task = asyncio.create_task(self._run(gateway, prepared, context, reservation, operation_id))
        reservation.operations[operation_id] = task
        return Response(status_code=202)

    async def _run(
        self,
        gateway: Gateway,
        prepared: Prepared,
        context: RequestContext,
        reservation: Reservation,
        operation_id: str,
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        framing = OperationFraming(operation_id)
        streams = gateway.http_streams

        def stop() -> None:  # the gateway is closing
            task.cancel()

        try:
            with streams.running("sse", stop):
                try:
                    await deliver(gateway, prepared, context, "sse", framing, reservation.outbox)
                except asyncio.CancelledError:
                    if not streams.closing:
                        raise  # stopped by the client (DELETE, or its stream closed)
                    reservation.outbox.put_now(framing.end())
        finally:
            if reservation.operations.get(operation_id) is task:
                del reservation.operations[operation_id]


async def _finish_after(tasks: list[asyncio.Task[None]], outbox: Outbox) -> None:
    await asyncio.gather(*tasks, return_exceptions=True)
    outbox.finish()


def _accepts(request: Request, media_type: str, *, exact: bool = False) -> bool:
    """Whether ``Accept`` allows ``media_type`` (a missing header allows anything; with
    ``exact``, only the type named explicitly counts)."""
    accept = request.headers.get("accept")
    if not accept or not accept.strip():
        return not exact
    main = media_type.split("/")[0]
    allowed = {media_type} if exact else {media_type, f"{main}/*", "*/*"}
    return any(media in allowed and q > 0 for media, q in parse_accept(accept))
