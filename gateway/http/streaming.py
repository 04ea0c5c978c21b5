"""Operations over a streamed HTTP response: GraphQL over SSE, Apollo's multipart.

One request, top to bottom (after ``graphql_over_http`` decoded it and chose the stream
transport from ``Accept``):

1. ``Gateway.prepare(..., subscriptions=True)``: the websocket's steps (persisted
   documents, limits, cost, authentication from ``Authorization``, authorization, plan);
2. refused there: SSE answers in the stream (a ``next`` with the errors, then
   ``complete``, as the graphql-sse protocol requires) unless the status is one a client
   must act on (405, 429, 5xx); multipart answers JSON, as for any HTTP request;
3. a subscription streams (``run_subscription``: one result per event) until the
   subgraph completes it, the client goes away, the caller's token expires or the
   gateway closes; a query or mutation sends its one result (over multipart, a query is
   answered as plain JSON: only subscriptions use that protocol).

An error that ends a running stream is the protocol's error: a ``next`` with ``errors``
(SSE), ``{"payload": null, "errors": [...]}`` (multipart); then the stream ends.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

import orjson
from starlette.requests import Request
from starlette.responses import Response

from gateway.auth.errors import Unauthenticated
from gateway.errors import GatewayError
from gateway.http.errors import error_body
from gateway.http.event_stream import EventStreamResponse, Outbox
from gateway.http.multipart import SUBSCRIPTION_MEDIA_TYPE, ApolloSubscriptionFraming
from gateway.http.negotiation import APPLICATION_JSON, StreamTransport, choose_response_type
from gateway.http.sse import DistinctFraming
from gateway.pipeline import Gateway, Prepared
from gateway.request import GraphQLParams, Outcome, RequestContext
from gateway.subscriptions.errors import graphql_errors
from gateway.subscriptions.execution import run_subscription
from gateway.types import Headers, JSONObject

log = logging.getLogger("gateway.http")

#: Statuses an SSE client must see as HTTP statuses (a retry later, another method),
#: not as a GraphQL error inside the stream.
_HTTP_STATUSES = frozenset((405, 429))


class Framing(Protocol):
    """How one transport writes an operation's results into its stream."""

    keepalive: bytes

    def start(self) -> bytes: ...
    def result(self, body: JSONObject) -> bytes: ...
    def failure(self, errors: list[JSONObject]) -> bytes: ...
    def end(self) -> bytes: ...


def internal_error() -> GatewayError:
    return GatewayError("Internal server error")


async def deliver(
    gateway: Gateway,
    prepared: Prepared,
    context: RequestContext,
    transport: StreamTransport,
    framing: Framing,
    outbox: Outbox,
) -> None:
    """Run ``prepared`` into ``outbox``: its results, or the error that ended it, then
    the end of the operation (``framing.end``). Cancel the task to stop it."""
    streams = gateway.http_streams
    try:
        if prepared.kind == "subscription":

            async def emit(result: JSONObject) -> None:
                streams.delivered(transport)
                await outbox.put(framing.result(result))

            with streams.subscription(transport):
                await _until_expiry(context, run_subscription(gateway, prepared, emit))
        else:
            await outbox.put(framing.result((await respond_once(gateway, prepared, context)).body))
    except GatewayError as error:
        outbox.put_now(framing.failure(graphql_errors(error)))
    except Exception:  # a bug ends this operation, never the process or other streams
        log.exception("a streamed operation failed")
        outbox.put_now(framing.failure(graphql_errors(internal_error())))
    outbox.put_now(framing.end())


async def _until_expiry(context: RequestContext, stream: Coroutine[Any, Any, None]) -> None:
    """Await ``stream`` until the caller's credential expires (as a websocket is closed
    then): ``Unauthenticated`` after that, nothing more is sent under it."""
    identity = context.identity
    if identity is None or identity.expires_at is None:
        await stream
        return
    loop = asyncio.get_running_loop()
    deadline = loop.time() + max(0.0, identity.expires_at - time.time())
    expiry = asyncio.timeout_at(deadline)
    try:
        async with expiry:
            await stream
    except TimeoutError:
        if not expiry.expired():
            raise  # not ours
        raise Unauthenticated("The token has expired.") from None


async def prepare_or_refuse(
    gateway: Gateway, params: GraphQLParams, context: RequestContext
) -> Prepared | Outcome:
    """``Gateway.prepare`` for a stream; a refusal becomes its (finished) outcome."""
    try:
        return await gateway.prepare(params, context, subscriptions=True)
    except GatewayError as error:
        failure = error
    except Exception:
        log.exception("the pipeline failed on a request")
        failure = internal_error()
    outcome = Outcome(error_body(failure), executed=False, status=failure.status)
    outcome.headers = dict(failure.headers)
    return await gateway.finish(outcome, context)


async def respond_once(gateway: Gateway, prepared: Prepared, context: RequestContext) -> Outcome:
    """Execute a prepared query or mutation, as ``Gateway.execute`` would have."""
    try:
        outcome = Outcome(await gateway.respond(prepared, context))
    except GatewayError as error:
        outcome = Outcome(error_body(error), executed=False, status=error.status)
    return await gateway.finish(outcome, context)


def request_headers(request: Request) -> Headers:
    """The request's headers, names lower-cased, repeated ones joined with commas."""
    headers: Headers = {}
    for name, value in request.headers.items():
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


def json_response(
    body: JSONObject, status: int, media_type: str, headers: dict[str, str]
) -> Response:
    return Response(
        orjson.dumps(body),
        status_code=status,
        headers={"Vary": "Accept", **headers},
        media_type=f"{media_type}; charset=utf-8",
    )


class StreamEndpoint:
    """Answers one decoded request over SSE (distinct connections) or multipart."""

    def __init__(
        self,
        gateway: Callable[[], Gateway],
        *,
        sse_keepalive_seconds: float,
        multipart_heartbeat_seconds: float,
        status_for: Callable[[Outcome, str], int],
    ) -> None:
        self.gateway = gateway
        self.keepalive_seconds = {
            "sse": sse_keepalive_seconds,
            "multipart": multipart_heartbeat_seconds,
        }
        self.status_for = status_for

    async def respond(
        self,
        transport: StreamTransport,
        params: GraphQLParams,
        context: RequestContext,
        accept: str | None,
    ) -> Response:
        gateway = self.gateway()
        context.transport = transport
        if gateway.http_streams.closing:
            error = GatewayError("The gateway is shutting down; retry.", status=503)
            return json_response(error_body(error), 503, APPLICATION_JSON, {})
        prepared = await prepare_or_refuse(gateway, params, context)
        json_type = choose_response_type(accept) or APPLICATION_JSON
        if isinstance(prepared, Outcome):
            if transport == "sse" and not _http_status(prepared.status):
                framing = DistinctFraming()
                outbox = Outbox()
                outbox.put_now(framing.failure(prepared.body["errors"]))
                outbox.finish(framing.end())
                return self._stream("sse", framing, context, outbox)
            status = self.status_for(prepared, json_type)
            return json_response(prepared.body, status, json_type, prepared.headers)
        if transport == "multipart" and prepared.kind != "subscription":
            # Apollo's clients ask for multipart on subscriptions only: anything else is
            # an ordinary response.
            outcome = await respond_once(gateway, prepared, context)
            status = self.status_for(outcome, json_type)
            return json_response(outcome.body, status, json_type, outcome.headers)
        stream_framing: Framing = (
            DistinctFraming() if transport == "sse" else ApolloSubscriptionFraming()
        )
        outbox = Outbox()
        if start := stream_framing.start():
            outbox.put_now(start)
        producer = self._produce(gateway, prepared, context, transport, stream_framing, outbox)
        return self._stream(transport, stream_framing, context, outbox, producer)

    def _stream(
        self,
        transport: StreamTransport,
        framing: Framing,
        context: RequestContext,
        outbox: Outbox,
        producer: Coroutine[Any, Any, None] | None = None,
    ) -> Response:
        media_type = "text/event-stream" if transport == "sse" else SUBSCRIPTION_MEDIA_TYPE
        return EventStreamResponse(
            outbox,
            media_type=media_type,
            headers={"Vary": "Accept", **context.response_headers},
            keepalive=framing.keepalive,
            keepalive_seconds=self.keepalive_seconds[transport],
            producer=producer,
        )

    async def _produce(
        self,
        gateway: Gateway,
        prepared: Prepared,
        context: RequestContext,
        transport: StreamTransport,
        framing: Framing,
        outbox: Outbox,
    ) -> None:
        task = asyncio.current_task()
        assert task is not None

        def stop() -> None:  # the gateway is closing
            task.cancel()

        streams = gateway.http_streams
        with streams.running(transport, stop):
            try:
                await deliver(gateway, prepared, context, transport, framing, outbox)
            except asyncio.CancelledError:
                if not streams.closing:
                    raise  # the client went away: nothing more to send
                outbox.put_now(framing.end())
        outbox.finish()


def _http_status(status: int) -> bool:
    return status in _HTTP_STATUSES or status >= 500
