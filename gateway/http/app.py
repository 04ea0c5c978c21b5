"""The gateway's ASGI application: routes, middleware, and the engine's lifetime.

    RequestIdMiddleware                  x-request-id: accepted or made, returned
    └── HeaderLimitMiddleware            431 for oversized request headers
        └── CORSMiddleware               server.cors (only when origins are configured)
            └── CompressionMiddleware    brotli/gzip by Accept-Encoding, above a size
                └── Starlette router
                    ├── {graphql_path}          GraphQL over HTTP (+ GraphiQL for browsers),
                    │                           over SSE and Apollo's multipart (streams)
                    ├── {graphql_path} (ws)     graphql-transport-ws
                    ├── /graphiql-assets/...    GraphiQL's vendored files
                    ├── /health                 liveness
                    ├── /ready                  readiness
                    └── /metrics                Prometheus (observability.metrics)

The engine is created in the lifespan (each worker process has its own) unless one is
passed in, in which case the caller owns it and closes it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute

from gateway.config import ENV_CONFIG_FILE, GatewayConfig, load_config
from gateway.gc_tuning import tune_garbage_collector
from gateway.http.batching import BatchRunner
from gateway.http.compression import CompressionMiddleware
from gateway.http.decoding import DecodeLimits
from gateway.http.graphiql import ASSETS_PATH, GraphiQLPage, assets_app
from gateway.http.graphql_over_http import GraphQLEndpoint
from gateway.http.header_limits import HeaderLimitMiddleware
from gateway.http.health import Readiness, health
from gateway.http.metrics import MetricsEndpoint, bind_gateway
from gateway.http.supergraph_watch import SupergraphWatcher
from gateway.http.websocket import GraphQLWebSocketEndpoint
from gateway.observability.request_id import RequestIdMiddleware
from gateway.pipeline import Gateway
from gateway.task_cycles import release_cancelled_tasks

logger = logging.getLogger("gateway.http")


class _Engine:
    """Holds the engine once the lifespan (or the caller) has made it."""

    def __init__(self, gateway: Gateway | None) -> None:
        self.gateway = gateway

    def get(self) -> Gateway:
        if self.gateway is None:  # only if a request beats the lifespan: uvicorn prevents it
            raise RuntimeError("the gateway is not started")
        return self.gateway

    def get_or_none(self) -> Gateway | None:
        return self.gateway


def create_app(config: GatewayConfig, gateway: Gateway | None = None) -> Starlette:
    """The ASGI app for ``config``; with ``gateway``, serve that engine (not closed here)."""
    server = config.server
    engine = _Engine(gateway)
    endpoint = GraphQLEndpoint(
        engine.get,
        limits=DecodeLimits(
            max_json_depth=server.max_json_depth,
            batching_enabled=server.batching.enabled,
            max_batch_size=server.batching.max_size,
        ),
        max_body_bytes=server.max_body_bytes,
        body_timeout_seconds=server.body_timeout_seconds,
        batch_runner=BatchRunner(parallel=server.batching.parallel),
        graphiql=GraphiQLPage(server.graphql_path) if config.graphiql_enabled else None,
        http_subscriptions=server.http_subscriptions if config.subscriptions.enabled else None,
    )
    routes: list[BaseRoute] = [
        Route(server.graphql_path, endpoint),
        Route("/health", health),
        Route("/ready", Readiness(engine.get_or_none, server.ready_timeout_seconds).respond),
    ]
    metrics = config.observability.metrics
    if metrics.enabled:
        routes.append(Route(metrics.path, MetricsEndpoint(engine.get_or_none).respond))
    if gateway is not None:
        bind_gateway(gateway)
    if config.subscriptions.enabled:
        websocket = GraphQLWebSocketEndpoint(engine.get, max_json_depth=server.max_json_depth)
        routes.append(WebSocketRoute(server.graphql_path, websocket))
    if config.graphiql_enabled:
        routes.append(Mount(ASSETS_PATH, app=assets_app()))
    middleware = [
        Middleware(RequestIdMiddleware),
        Middleware(HeaderLimitMiddleware, max_header_bytes=server.max_header_bytes),
    ]
    cors = server.cors
    if cors.allow_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=cors.allow_origins,
                # PUT and DELETE: GraphQL over SSE's single connection mode.
                allow_methods=["GET", "POST", "PUT", "DELETE"],
                allow_headers=cors.allow_headers,
                allow_credentials=cors.allow_credentials,
                max_age=cors.max_age_seconds,
            )
        )
    if server.compression.enabled:
        middleware.append(
            Middleware(
                CompressionMiddleware,
                min_size=server.compression.min_size,
                gzip_level=server.compression.gzip_level,
                brotli_quality=server.compression.brotli_quality,
            )
        )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Closed subscriptions must not wait for a full GC pass: gateway/task_cycles.py.
        release_cancelled_tasks(asyncio.get_running_loop())
        owned = engine.gateway is None
        if owned:
            engine.gateway = await Gateway.create(config)
            bind_gateway(engine.gateway)
            tune_garbage_collector()  # gateway/gc_tuning.py says why
        watcher = None
        source = config.supergraph
        if owned and source.path and source.watch and not source.compose_from:
            watcher = SupergraphWatcher(source.path, engine.get())
            watcher.start()
        try:
            yield
        finally:
            if watcher is not None:
                await watcher.stop()
            if owned:
                await engine.get().close()

    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)


def app_from_environment() -> Starlette:
    """Factory for uvicorn workers: the config file named by ``GATEWAY_CONFIG`` (if set)
    plus ``GATEWAY_*`` overrides."""
    return create_app(load_config(os.environ.get(ENV_CONFIG_FILE) or None))
