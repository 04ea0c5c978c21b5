"""Build a subgraph's ASGI app: Strawberry at ``/graphql`` (HTTP and websocket) + ``/health``.

Every subgraph is ``create_subgraph_app(...)`` around its own schema, metadata and
loaders; this module holds the parts that do not depend on the domain.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import strawberry
import uvicorn
from sqlalchemy import MetaData
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from subgraphs._shared.broker import Broker
from subgraphs._shared.context import SubgraphContext
from subgraphs._shared.db import Database
from subgraphs._shared.identity import IdentityVerifier
from subgraphs._shared.tracing import TraceContinuation, tracer_provider_from_environment

HOST = "127.0.0.1"


class SubgraphGraphQL(GraphQL):
    """Strawberry's ASGI view with our context."""

    def __init__(
        self,
        schema: strawberry.federation.Schema,
        database: Database,
        broker: Broker,
        make_loaders: Callable[[Database], Any],
    ) -> None:
        super().__init__(schema, graphql_ide="graphiql")
        self.database = database
        self.broker = broker
        self.make_loaders = make_loaders

    async def get_context(self, request: Request | WebSocket, response: Any) -> Any:
        # The app's verifier (``app.state.identity_verifier``): replaceable, e.g. by tests.
        verifier = request.app.state.identity_verifier
        return SubgraphContext(
            request, response, self.database, self.broker, self.make_loaders, verifier
        )


def create_subgraph_app(
    *,
    name: str,
    schema: strawberry.federation.Schema,
    metadata: MetaData,
    database: Database,
    broker: Broker,
    make_loaders: Callable[[Database], Any],
    upgrade: Callable[[Database], Awaitable[None]] | None = None,
) -> Starlette:
    """The subgraph's Starlette app; tables are created at startup, pools closed at exit.

    ``upgrade`` (None: nothing to do) runs after the tables are created: it brings a
    database made by an earlier version up to date (``create_all`` never alters a table).

    ``app.state.identity_verifier`` checks the gateway's signature on identity headers
    (its secret from ``IDENTITY_SECRET``). ``app.state.database`` and ``app.state.broker``
    expose the storage and the broker to tests and tooling (e.g. counting SQL statements
    on ``database.engine``). ``app.state.tracer_provider`` traces its requests (from
    the OTLP environment variables; None: off).
    """
    graphql = SubgraphGraphQL(schema, database, broker, make_loaders)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await database.create_tables(metadata)
        if upgrade is not None:
            await upgrade(database)
        try:
            yield
        finally:
            await broker.close()
            await database.dispose()
            if _app.state.tracer_provider is not None:
                _app.state.tracer_provider.shutdown()  # export what is buffered

    async def health(_request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "subgraph": name})

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/health", health),
        ],
        lifespan=lifespan,
        # The gateway's traceparent continued (app.state.tracer_provider; None: off).
        middleware=[Middleware(TraceContinuation)],
    )
    app.state.tracer_provider = tracer_provider_from_environment(name)
    app.state.name = name
    app.state.database = database
    app.state.broker = broker
    app.state.schema = schema
    app.state.identity_verifier = IdentityVerifier.from_environment()
    return app


def serve(app: Starlette, port_env: str, default_port: int) -> None:
    """Run ``app`` on 127.0.0.1 and the port named by ``port_env`` (``python -m`` entry)."""
    port = int(os.environ.get(port_env) or default_port)
    _freeze_start_up_heap()
    uvicorn.run(app, host=HOST, port=port, log_level=os.environ.get("LOG_LEVEL", "info"))


def _freeze_start_up_heap() -> None:
    """Take what exists now (the schema, the app, the modules) out of every future GC pass.

    Unfrozen, the courses subgraph's full passes walked all of it: 66-575 ms every ~5 s
    under the soak (``python -m bench.soak``), its event loop held meanwhile; frozen, 40 ms
    at most. CPython's thresholds stay (the gateway raises them: ``gateway/gc_tuning.py``):
    SQLAlchemy leaves garbage in cycles on every request, and a young pass every 50,000
    allocations had that much to free, 80-160 ms every 3 s. The second pass resets the
    count CPython compares with a quarter of the long-lived heap before a full pass.
    """
    gc.collect()
    gc.freeze()
    gc.collect()
