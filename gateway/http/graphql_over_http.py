"""The GraphQL endpoint: GraphQL over HTTP (graphql.github.io/graphql-over-http).

One request, top to bottom:

1. method — GET (queries only: the pipeline refuses a mutation with 405) or POST;
   CSRF prevention (``gateway.http.csrf``): a GET without a preflight header or a
   non-simple content type is refused (a POST with a simple content type is a 415);
2. negotiate the response media type from ``Accept`` (a browser's GET gets GraphiQL);
3. decode — the query string, or a size-limited JSON body (an array is a batch);
4. execute through the pipeline (``Gateway.execute``), each batch item on its own;
5. answer with the status the media type calls for (``status_for``); an operation with
   ``@defer``/``@stream`` from a client that accepts ``multipart/mixed``, in parts
   (``gateway.http.incremental``).

Errors found in steps 1-3 make the request not well-formed: a 4xx in every media type.

Subscriptions over HTTP (``server.http_subscriptions``): a client that names
``text/event-stream`` or ``multipart/mixed;subscriptionSpec=1.0`` in ``Accept`` gets its
operation streamed (``gateway.http.streaming``); requests of GraphQL over SSE's single
connection mode (a ``PUT``, or a stream token) go to ``gateway.http.sse_single``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from gateway.caching.http import etag, matching_tag
from gateway.errors import GatewayError, RequestError
from gateway.http.batching import BatchRunner
from gateway.http.config import HttpSubscriptionsConfig
from gateway.http.csrf import check_csrf
from gateway.http.decoding import DecodeLimits, decode_post_body, decode_query_string
from gateway.http.disconnect import client_gone, unless_disconnected
from gateway.http.errors import (
    HTTPMethodNotAllowed,
    NotAcceptable,
    PayloadTooLarge,
    RequestTimeout,
    UnsupportedMediaType,
    error_body,
)
from gateway.http.incremental import accepts_incremental, multipart_response
from gateway.http.negotiation import (
    APPLICATION_JSON,
    GRAPHQL_RESPONSE_JSON,
    StreamTransport,
    choose_response_type,
    choose_stream_transport,
    prefers_html,
    request_body_is_json,
)
from gateway.http.sse_single import SingleConnection
from gateway.http.streaming import StreamEndpoint
from gateway.pipeline import Gateway
from gateway.request import GraphQLParams, Outcome, RequestContext
from gateway.types import JSON


def status_for(outcome: Outcome, media_type: str) -> int:
    """The HTTP status of one pipeline outcome in the negotiated media type.

    In ``application/json`` a GraphQL request error (parse, validation, variable coercion:
    status 400) is a 200 — legacy clients read ``errors``, not the status. Other statuses
    the pipeline chose (405 for a mutation over GET, 401, 429, ...) are kept in both.
    """
    if media_type == APPLICATION_JSON and not outcome.executed and outcome.status == 400:
        return 200
    return outcome.status


class GraphQLEndpoint:
    """The ASGI app at ``server.graphql_path``; ``graphiql`` answers browsers (or None)."""

    def __init__(
        self,
        gateway: Callable[[], Gateway],
        *,
        limits: DecodeLimits,
        max_body_bytes: int,
        body_timeout_seconds: float = 30.0,
        batch_runner: BatchRunner,
        graphiql: Callable[[Request], Response] | None = None,
        http_subscriptions: HttpSubscriptionsConfig | None = None,
    ) -> None:
        self.gateway = gateway
        self.limits = limits
        self.max_body_bytes = max_body_bytes
        self.body_timeout_seconds = body_timeout_seconds
        self.batch_runner = batch_runner
        self.graphiql = graphiql
        # -- subscriptions over HTTP (None: refused as SUBSCRIPTION_NOT_SUPPORTED_OVER_HTTP)
        self.stream_transports: frozenset[StreamTransport] = frozenset()
        self.streams: StreamEndpoint | None = None
        self.single_connection: SingleConnection | None = None
        self.allowed_methods = "GET, POST"
        if http_subscriptions is not None:
            subs = http_subscriptions
            offered: list[StreamTransport] = []
            if subs.sse:
                offered.append("sse")
            if subs.multipart:
                offered.append("multipart")
            self.stream_transports = frozenset(offered)
            self.streams = StreamEndpoint(
                gateway,
                sse_keepalive_seconds=subs.sse_keepalive_seconds,
                multipart_heartbeat_seconds=subs.multipart_heartbeat_seconds,
                status_for=status_for,
            )
            if subs.sse:
                self.single_connection = SingleConnection(gateway, subs, self._decode)
                self.allowed_methods = "GET, POST, PUT, DELETE"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        response = await self.handle(request)
        await response(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        accept = request.headers.get("accept")
        if self.single_connection is not None:
            answer = await self.single_connection.handle(request)
            if answer is not None:
                return answer
        if request.method not in ("GET", "POST"):
            error: GatewayError = HTTPMethodNotAllowed(
                f"{request.method} is not supported; use GET or POST",
                headers={"Allow": self.allowed_methods},
            )
            return self._respond(error_body(error), error.status, APPLICATION_JSON, error.headers)
        if request.method == "GET" and self.graphiql is not None and _wants_ide(request):
            return self.graphiql(request)
        media_type = choose_response_type(accept)
        stream = choose_stream_transport(accept)
        if stream not in self.stream_transports:
            stream = None
        # incremental delivery (@defer/@stream): multipart/mixed parts (``incremental.py``)
        incremental = accepts_incremental(accept)
        if media_type is None and incremental:
            media_type = APPLICATION_JSON  # for errors and operations answered whole
        try:
            if media_type is None and stream is None:
                raise NotAcceptable(
                    f"cannot answer in any type of Accept: {accept!r}; accept "
                    f"{GRAPHQL_RESPONSE_JSON} or {APPLICATION_JSON}"
                )
            decoded = await self._decode(request)
            if media_type is None and isinstance(decoded, list):
                raise NotAcceptable(f"a batch is answered in {APPLICATION_JSON}; accept it")
            if request.method == "GET":
                # A POST a browser may send without a preflight has a simple content type:
                # ``_decode`` refused those (415). Nothing has run yet.
                check_csrf(request.headers)
        except RequestError as exc:
            media = media_type or APPLICATION_JSON
            return self._respond(error_body(exc), exc.status, media, exc.headers)

        client = request.client
        context = RequestContext(
            method=request.method,
            headers=_headers(request),
            client_ip=client.host if client is not None else None,
        )
        if stream is not None and self.streams is not None and not isinstance(decoded, list):
            return await self.streams.respond(stream, decoded, context, accept)
        assert media_type is not None
        if isinstance(decoded, list):
            # Each item gets its own context (``copy``): steps must not see another's facts.
            run = self.batch_runner.run(self.gateway(), decoded, context.copy)
            bodies = await unless_disconnected(request.receive, run)
            if bodies is None:
                return client_gone()
            return self._respond(bodies, 200, media_type)
        context.incremental = incremental
        execute = self.batch_runner.execute_one(self.gateway(), decoded, context)
        outcome = await unless_disconnected(request.receive, execute)
        if outcome is None:
            return client_gone()
        if outcome.rest is not None:
            return multipart_response(outcome)
        status = status_for(outcome, media_type)
        if status == 200 and outcome.headers.get("Cache-Control", "no-store") != "no-store":
            # caching: a cacheable GET gets a strong ETag; a matching If-None-Match a 304
            return self._conditional(request, outcome, media_type)
        return self._respond(outcome.body, status, media_type, outcome.headers)

    async def _decode(self, request: Request) -> GraphQLParams | list[GraphQLParams | RequestError]:
        if request.method == "GET":
            return decode_query_string(request.scope["query_string"], self.limits)
        is_json, reason = request_body_is_json(request.headers.get("content-type"))
        if not is_json:
            raise UnsupportedMediaType(reason)
        body = await self._read_body(request)
        return decode_post_body(body, self.limits)

    async def _read_body(self, request: Request) -> bytes:
        """The body, refusing (without reading it all) one larger than the limit."""
        too_large = PayloadTooLarge(
            f"the request body is larger than {self.max_body_bytes} bytes",
            extensions={"maxBodyBytes": self.max_body_bytes},
        )
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            raise too_large
        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(self.body_timeout_seconds):
                async for chunk in request.stream():
                    size += len(chunk)
                    if size > self.max_body_bytes:
                        raise too_large
                    chunks.append(chunk)
        except TimeoutError:
            raise RequestTimeout(
                f"the request body did not arrive within {self.body_timeout_seconds:g} s",
                headers={"Connection": "close"},
            ) from None
        return b"".join(chunks)

    def _respond(
        self,
        body: JSON,
        status: int,
        media_type: str,
        headers: dict[str, str] | None = None,
    ) -> Response:
        all_headers = {"Vary": "Accept", **(headers or {})}
        return Response(
            orjson.dumps(body),
            status_code=status,
            headers=all_headers,
            media_type=f"{media_type}; charset=utf-8",
        )

    def _conditional(self, request: Request, outcome: Outcome, media_type: str) -> Response:
        """A cacheable response with its ``ETag``, or 304 when the client has it."""
        body = orjson.dumps(outcome.body)
        tag = etag(body)
        headers = {"Vary": "Accept", **outcome.headers, "ETag": tag}
        matched = matching_tag(request.headers.get("if-none-match"), tag)
        if matched is not None:
            return Response(status_code=304, headers={**headers, "ETag": matched})
        return Response(
            body, status_code=200, headers=headers, media_type=f"{media_type}; charset=utf-8"
        )


def _wants_ide(request: Request) -> bool:
    """A browser opening the endpoint: HTML preferred, and no operation to run."""
    names = {name for name, _ in request.query_params.multi_items()}
    return prefers_html(request.headers.get("accept")) and not names & {"query", "extensions"}


def _headers(request: Request) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in request.headers.items():
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers
