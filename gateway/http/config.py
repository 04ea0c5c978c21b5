"""Configuration of the HTTP front door: listen address, request limits, batching,
compression, GraphiQL, health checks and shutdown. Every field states its default and what
leaving it unset means (docs/configuration.md lists them all)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BatchingConfig(_Section):
    #: Accept a JSON array of operations in one POST (``true`` is the one setting that
    #: turns batching on, bounded by ``max_size``). Off (default, as in Apollo Router): an
    #: array body is a 400 ``BATCHING_DISABLED`` — one POST cannot multiply the work of
    #: every other limit unless the deployment asks for it.
    enabled: bool = False
    #: Most operations in one batch when batching is on; a larger batch is refused whole
    #: with a 400.
    max_size: int = Field(default=32, ge=1)
    #: Run the operations of a batch concurrently. Off (default): one after another, in
    #: order, so a mutation is seen by the operations after it.
    parallel: bool = False


class CompressionConfig(_Section):
    #: Compress responses (brotli or gzip, by ``Accept-Encoding``). Off: never compress.
    enabled: bool = True
    #: Smallest response body, in bytes, worth compressing; smaller ones go as they are.
    min_size: int = Field(default=1024, ge=0)
    #: gzip level, 1 (fast) to 9 (small).
    gzip_level: int = Field(default=6, ge=1, le=9)
    #: brotli quality, 0 (fast) to 11 (small). 4 is about gzip-6's speed, a smaller result.
    brotli_quality: int = Field(default=4, ge=0, le=11)


class CorsConfig(_Section):
    #: Origins (``https://app.example``) whose pages may call the gateway from a browser;
    #: ``["*"]`` allows any origin (without credentials). Unset/empty: no CORS headers, so
    #: browsers let no other origin read responses or send preflighted requests.
    allow_origins: list[str] = Field(default_factory=list)
    #: Let allowed origins send cookies/``Authorization`` with credentials mode.
    allow_credentials: bool = False
    #: Request headers a browser may send cross-origin (beyond the CORS-safelisted ones).
    allow_headers: list[str] = Field(
        default_factory=lambda: [
            "authorization",
            "content-type",
            "apollo-require-preflight",
            "x-apollo-operation-name",
            "graphql-require-preflight",
            "x-graphql-event-stream-token",
        ]
    )
    #: Seconds a browser may cache a preflight answer.
    max_age_seconds: int = Field(default=600, ge=0)


class HttpSubscriptionsConfig(_Section):
    """Subscriptions over plain HTTP (docs/subscriptions.md). Both need
    ``subscriptions.enabled``; off, a subscription over HTTP is refused with
    ``SUBSCRIPTION_NOT_SUPPORTED_OVER_HTTP`` as when the client accepts neither format."""

    #: Serve GraphQL over Server-Sent Events (the graphql-sse protocol, both modes) to
    #: clients that accept ``text/event-stream``.
    sse: bool = True
    #: Serve Apollo's multipart HTTP subscriptions to clients that accept
    #: ``multipart/mixed;subscriptionSpec=1.0``.
    multipart: bool = True
    #: Seconds of silence after which an SSE stream gets a keep-alive comment (``:``),
    #: so proxies do not close an idle stream.
    sse_keepalive_seconds: float = Field(default=12.0, gt=0)
    #: Seconds of silence after which a multipart subscription gets a heartbeat part
    #: (``{}``), as Apollo's router does (clients ignore it).
    multipart_heartbeat_seconds: float = Field(default=5.0, gt=0)
    #: Most SSE single-connection reservations (``PUT``) at once, over every caller; one
    #: more is refused with 503 ``STREAM_RESERVATIONS_EXHAUSTED``.
    max_reservations: int = Field(default=10_000, ge=1)
    #: Most SSE single-connection reservations one caller (its user id; the client IP
    #: when anonymous) holds at once; one more is a 429 ``TOO_MANY_STREAMS``.
    max_reservations_per_caller: int = Field(default=8, ge=1)
    #: Seconds a reservation waits for its event stream (``GET``); never connected by
    #: then, it is dropped and its token is unknown.
    reservation_timeout_seconds: float = Field(default=30.0, gt=0)


class ServerConfig(_Section):
    #: Interface to listen on. ``0.0.0.0`` listens on every interface.
    host: str = "127.0.0.1"
    #: TCP port to listen on (0: any free port).
    port: int = Field(default=4000, ge=0, le=65535)
    #: Worker processes. 1: a single process (the supergraph watcher runs in each worker).
    workers: int = Field(default=1, ge=1)
    #: Path of the GraphQL endpoint (GET, POST, and GraphiQL for browsers).
    graphql_path: str = Field(default="/graphql", pattern=r"^/")
    #: Seconds to let in-flight requests finish after SIGTERM/SIGINT before closing them.
    graceful_shutdown_seconds: float = Field(default=30.0, gt=0)
    #: Largest total size of a request's headers, in bytes; larger is a 431 (a websocket
    #: upgrade is refused).
    max_header_bytes: int = Field(default=32 * 1024, ge=1024)
    #: Largest request body, in bytes; larger ones get a 413 without being read whole.
    max_body_bytes: int = Field(default=2 * 1024 * 1024, ge=1)
    #: Seconds a client may take to send its request body; slower is a 408 (a client that
    #: stops sending mid-body cannot hold a request open for ever).
    body_timeout_seconds: float = Field(default=30.0, gt=0)
    #: Deepest nesting of arrays/objects in a request's JSON (body, GET ``variables`` or
    #: ``extensions``); deeper is a 400. JSON's own parser stops at 1024 regardless.
    max_json_depth: int = Field(default=128, ge=2, le=1024)
    #: Serve GraphiQL to browsers at ``graphql_path``. Unset: on in ``dev`` mode, off in
    #: ``production``.
    graphiql: bool | None = None
    #: Seconds ``/ready`` waits for subgraphs to answer before calling one unreachable.
    ready_timeout_seconds: float = Field(default=2.0, gt=0)
    #: Log one line per request (uvicorn's access log).
    access_log: bool = False
    #: Accept the permessage-deflate extension on client websockets. Off (default): each
    #: compressed connection holds zlib state (~300 KB), and opening and closing them left
    #: ~70 KB a subscription in the allocator's heap, never returned; events are small.
    websocket_compression: bool = False
    #: Batched requests: a JSON array of operations in one POST.
    batching: BatchingConfig = Field(default_factory=BatchingConfig)
    #: Response compression.
    compression: CompressionConfig = Field(default_factory=CompressionConfig)
    #: Cross-origin requests from browsers (CORS).
    cors: CorsConfig = Field(default_factory=CorsConfig)
    #: Subscriptions over HTTP: Server-Sent Events and Apollo's multipart protocol.
    http_subscriptions: HttpSubscriptionsConfig = Field(default_factory=HttpSubscriptionsConfig)
