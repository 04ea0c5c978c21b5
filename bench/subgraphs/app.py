"""One raw ASGI app serving the four subgraphs at ``/accounts``, ``/inventory``,
``/products`` and ``/reviews`` (POST, GraphQL over HTTP with JSON).

Per request the cost is: read the body, one orjson parse, a dict lookup for the parsed and
validated document, graphql-core execution, one orjson dump. Since the data never changes,
whole responses are also memoized by exact request body (``response_cache``): a gateway
sending the same subgraph request again gets the same bytes without re-execution, which
keeps the subgraphs far cheaper than any gateway in front of them. Pass
``response_cache=0`` to execute every request.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

import orjson
from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSchema,
    execute,
    parse,
    validate,
)

from bench.subgraphs.resolvers import build_all

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_JSON_HEADERS = [(b"content-type", b"application/json")]
#: How many parsed documents to keep per subgraph; gateways send a handful of shapes.
DOCUMENT_CACHE_SIZE = 1024


class Subgraph:
    """One subgraph: a schema plus its document and response caches."""

    def __init__(self, schema: GraphQLSchema, response_cache: int) -> None:
        self.schema = schema
        self.documents: dict[str, DocumentNode | list[GraphQLError]] = {}
        self.responses: dict[bytes, bytes] = {}
        self.response_cache = response_cache

    def document(self, query: str) -> DocumentNode | list[GraphQLError]:
        cached = self.documents.get(query)
        if cached is None:
            try:
                document = parse(query)
            except GraphQLError as error:
                cached = [error]
            else:
                errors = validate(self.schema, document)
                cached = errors if errors else document
            if len(self.documents) >= DOCUMENT_CACHE_SIZE:
                self.documents.clear()
            self.documents[query] = cached
        return cached

    def respond(self, body: bytes) -> tuple[int, bytes]:
        cached = self.responses.get(body)
        if cached is not None:
            return 200, cached
        status, payload = self._execute(body)
        if status == 200 and self.response_cache:
            if len(self.responses) >= self.response_cache:
                self.responses.clear()
            self.responses[body] = payload
        return status, payload

    def _execute(self, body: bytes) -> tuple[int, bytes]:
        try:
            request = orjson.loads(body)
        except orjson.JSONDecodeError:
            return 400, _errors("request body is not JSON")
        query = request.get("query") if isinstance(request, dict) else None
        if not isinstance(query, str):
            return 400, _errors("request has no query string")
        document = self.document(query)
        if isinstance(document, list):
            return 200, orjson.dumps({"errors": [e.formatted for e in document]})
        variables = request.get("variables")
        result = execute(
            self.schema,
            document,
            variable_values=variables if isinstance(variables, dict) else None,
            operation_name=request.get("operationName"),
        )
        assert isinstance(result, ExecutionResult), "bench resolvers are synchronous"
        out: dict[str, Any] = {"data": result.data}
        if result.errors:
            out["errors"] = [e.formatted for e in result.errors]
        return 200, orjson.dumps(out)


def _errors(message: str) -> bytes:
    return orjson.dumps({"errors": [{"message": message}]})


class Recorder:
    """Records the subgraph requests of one gateway request, for the floor measurement.

    While on, every response is held back ``delay`` seconds, so the fetches a gateway
    sends in parallel all arrive before any answer and dependent fetches arrive at least
    ``delay`` later: the arrival times then show the plan's levels.
    """

    def __init__(self) -> None:
        self.on = False
        self.delay = 0.0
        self.started = 0.0
        self.fetches: list[dict[str, Any]] = []

    def start(self, delay: float) -> None:
        self.on, self.delay, self.started, self.fetches = True, delay, time.monotonic(), []

    def stop(self) -> list[dict[str, Any]]:
        self.on = False
        return self.fetches


def create_app(response_cache: int = 4096) -> ASGIApp:
    """The ASGI app. Besides the subgraphs it serves ``POST /_record?delay_ms=N`` (start
    recording) and ``GET /_record`` (stop, and return the recorded fetches)."""
    subgraphs = {
        f"/{name}": Subgraph(schema, response_cache) for name, schema in build_all().items()
    }
    recorder = Recorder()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        path = scope["path"].rstrip("/") or "/"
        method = scope["method"]
        if path == "/_record":
            if method == "POST":
                query = dict(parse_qsl(scope.get("query_string", b"").decode()))
                recorder.start(float(query.get("delay_ms", "50")) / 1000)
                await _send(send, 200, b"{}")
            else:
                await _send(send, 200, orjson.dumps({"fetches": recorder.stop()}))
            return
        subgraph = subgraphs.get(path)
        if subgraph is None:
            await _send(send, 404, _errors(f"no subgraph at {path}"))
            return
        if method != "POST":
            await _send(send, 405, _errors("POST a GraphQL request"))
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        status, payload = subgraph.respond(body)
        if recorder.on:
            at_ms = (time.monotonic() - recorder.started) * 1000
            recorder.fetches.append(
                {
                    "subgraph": path[1:],
                    "at_ms": at_ms,
                    "body": body.decode(),
                    "length": len(payload),
                }
            )
            await asyncio.sleep(recorder.delay)
        await _send(send, status, payload)

    app.subgraphs = subgraphs  # type: ignore[attr-defined]
    return app


async def _send(send: Send, status: int, payload: bytes) -> None:
    headers = [*_JSON_HEADERS, (b"content-length", str(len(payload)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
