"""Real processes and servers for the fault tests.

- ``SubgraphProcess``: ``tests.faults.fake_subgraph`` in its own process on a fixed
  port, so it can be killed and started again where the gateway's pool expects it.
- ``products_subgraph``: the healthy ``products`` subgraph (graphql-core over uvicorn).
- ``served_gateway``: a ``Gateway`` behind ``create_app`` on uvicorn; clients talk HTTP.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx

from gateway.config import GatewayConfig
from gateway.http.app import create_app
from gateway.pipeline import Gateway
from tests.planning.header import supergraph
from tests.planning.helpers import KitSubgraph, asgi_json_app
from tests.servers import bound_socket, running_app

ROOT = Path(__file__).parent.parent.parent

SUPERGRAPH = supergraph(
    ["products", "reviews"],
    """
type Mutation
  @join__type(graph: REVIEWS)
{
  addReview(upc: String!, body: String!): Review @join__field(graph: REVIEWS)
}

type Product
  @join__type(graph: PRODUCTS, key: "upc")
  @join__type(graph: REVIEWS, key: "upc")
{
  upc: String!
  name: String! @join__field(graph: PRODUCTS)
  reviews: [Review!] @join__field(graph: REVIEWS)
}

type Query
  @join__type(graph: PRODUCTS)
  @join__type(graph: REVIEWS)
{
  products: [Product]! @join__field(graph: PRODUCTS)
}

type Review
  @join__type(graph: REVIEWS)
{
  body: String!
}
""",
    version="0.4",
)

#: Names from products, reviews from the fake subgraph process.
QUERY = "{ products { upc name reviews { body } } }"

#: The whole answer when both subgraphs answer.
FULL = {
    "data": {
        "products": [
            {"upc": "1", "name": "Table", "reviews": [{"body": "review of 1"}]},
            {"upc": "2", "name": "Chair", "reviews": [{"body": "review of 2"}]},
        ]
    }
}


def partial(message: str) -> dict[str, Any]:
    """The answer when the reviews fetch fails with ``message``: names, null reviews."""
    return {
        "data": {
            "products": [
                {"upc": "1", "name": "Table", "reviews": None},
                {"upc": "2", "name": "Chair", "reviews": None},
            ]
        },
        "errors": [
            {
                "message": f"HTTP fetch failed from 'reviews': {message}",
                "extensions": {"code": "SUBGRAPH_FETCH_FAILED", "service": "reviews"},
            }
        ],
    }


def products_subgraph() -> KitSubgraph:
    rows = [{"upc": "1", "name": "Table"}, {"upc": "2", "name": "Chair"}]
    return KitSubgraph(
        "products",
        """
        type Query { products: [Product]! }
        type Product @key(fields: "upc") { upc: String! name: String }
        """,
        {"Product": rows},
        {"Query.products": lambda _s, _i: rows},
    )


async def _no_handler(_body: dict[str, Any]) -> dict[str, Any]:
    raise AssertionError("lifespan only")


@contextlib.asynccontextmanager
async def serve_products() -> AsyncIterator[str]:
    """The products subgraph on 127.0.0.1:<free port>; yields its GraphQL URL."""
    products = products_subgraph()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await asgi_json_app(_no_handler)(scope, receive, send)
            return
        await products(scope, receive, send)

    async with running_app(app) as base:
        yield f"{base}/graphql"


def free_port() -> int:
    sock = bound_socket()
    port: int = sock.getsockname()[1]
    sock.close()
    return port


class SubgraphProcess:
    """``fake_subgraph`` in a child process on ``port``; ``start`` again after ``kill``.

    A reader task follows the process's output: ``requests`` is always the number of
    requests it has reported."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.process: asyncio.subprocess.Process | None = None
        #: Requests the current process has reported.
        self.requests = 0
        #: Requests whose connection the gateway closed before the answer.
        self.closed = 0
        self._changed = asyncio.Event()
        self._reader: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"

    async def start(self, mode: str) -> SubgraphProcess:
        assert self.process is None or self.process.returncode is not None
        process = self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.faults.fake_subgraph", str(self.port), mode,
            cwd=ROOT, stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert process.stdout is not None
        self.requests = self.closed = 0
        line = await asyncio.wait_for(process.stdout.readline(), 10)
        assert line == b"listening\n", line
        self._reader = asyncio.create_task(self._follow(process.stdout))
        return self

    async def _follow(self, stdout: asyncio.StreamReader) -> None:
        async for line in stdout:
            words = line.split()
            if words and words[0] == b"request":
                self.requests = int(words[1])
            elif words and words[0] == b"closed":
                self.closed += 1
            self._changed.set()

    async def wait_for_request(self, number: int = 1, timeout: float = 10) -> None:
        """Until the process has reported its ``number``-th request."""
        async with asyncio.timeout(timeout):
            while self.requests < number:
                self._changed.clear()
                await self._changed.wait()

    async def wait_for_closed(self, number: int = 1, timeout: float = 10) -> None:
        """Until the gateway has closed ``number`` unanswered requests' connections."""
        async with asyncio.timeout(timeout):
            while self.closed < number:
                self._changed.clear()
                await self._changed.wait()

    async def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        if self._reader is not None:
            await self._reader  # EOF: ends once the process is gone
            self._reader = None

    async def restart(self, mode: str) -> SubgraphProcess:
        await self.kill()
        return await self.start(mode)


@contextlib.asynccontextmanager
async def subgraph_process(mode: str) -> AsyncIterator[SubgraphProcess]:
    process = await SubgraphProcess().start(mode)
    try:
        yield process
    finally:
        await process.kill()


def two_subgraphs(
    kind: str, products_url: str, reviews_url: str, timeout: float, **engine: Any
) -> dict[str, Any]:
    """A gateway config (as a dict) for products and the faulty reviews subgraph, which
    gets ``timeout``, on HTTP client ``kind``; ``engine`` adds engine settings."""
    return {
        "engine": {"subgraph_http_client": kind, **engine},
        "subgraphs": {
            "products": {"url": products_url},
            "reviews": {"url": reviews_url, "timeout_seconds": timeout},
        },
    }


@contextlib.asynccontextmanager
async def served_gateway(
    config: dict[str, Any], sdl: str = SUPERGRAPH
) -> AsyncIterator[tuple[httpx.AsyncClient, Gateway]]:
    """``config`` (a GatewayConfig as a dict) served over HTTP; an HTTP client for it."""
    gateway_config = GatewayConfig.model_validate(
        {"supergraph": {"path": None, "watch": False}, **config}
    )
    gateway = await Gateway.create(gateway_config, sdl)
    try:
        async with (
            running_app(create_app(gateway_config, gateway)) as base,
            httpx.AsyncClient(base_url=base, timeout=30) as client,
        ):
            yield client, gateway
    finally:
        await gateway.close()


async def timed_post(client: httpx.AsyncClient, body: dict[str, Any]) -> tuple[Any, float]:
    """POST ``body`` to /graphql: (decoded JSON, seconds taken); the status must be 200."""
    started = time.monotonic()
    response = await client.post("/graphql", json=body)
    elapsed = time.monotonic() - started
    assert response.status_code == 200, response.text
    return response.json(), elapsed


class RedisProcess:
    """A private ``redis-server`` on a fixed port: killed, paused (SIGSTOP) and started
    again at the same address, as the gateway's Redis client knows it."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    async def start(self) -> RedisProcess:
        binary = shutil.which("redis-server")
        assert binary is not None, "redis-server is not installed"
        self.process = await asyncio.create_subprocess_exec(
            binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", str(self.directory),
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError):
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.write(b"PING\r\n")
                answer = await reader.read(16)
                writer.close()
                if answer.startswith(b"+PONG"):
                    return self
            assert time.monotonic() < deadline and self.process.returncode is None
            await asyncio.sleep(0.02)

    def pause(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    async def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGCONT)  # a paused process dies only then
            self.process.kill()
            await self.process.wait()


@contextlib.asynccontextmanager
async def redis_process(directory: Path) -> AsyncIterator[RedisProcess]:
    redis = await RedisProcess(directory).start()
    try:
        yield redis
    finally:
        await redis.kill()
