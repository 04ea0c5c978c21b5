"""The gateway on a real socket in front of the real subgraphs, and websocket helpers."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from gateway.config import GatewayConfig, SubgraphConfig
from gateway.http.app import create_app
from gateway.pipeline import Gateway
from subgraphs.policies import POLICIES
from subgraphs.progress.state import channel_for
from tests.auth.helpers import TEST_SECRET, as_bearer, auth_config, identity_provider
from tests.servers import bound_socket, refused_url, running_app
from tests.subgraphs.helpers import RunningSubgraphs

ROOT = Path(__file__).parents[2]
SUPERGRAPH = ROOT / "schema" / "supergraph.graphql"
PROTOCOL = Subprotocol("graphql-transport-ws")

PROGRESS = """subscription P($course: ID) { progressUpdated(courseId: $course) {
    occurredAt lesson { id title course { id title } } course { id title }
    progress { completedLessons } } }"""
COMPLETE = """mutation C($input: CompleteLessonInput!) {
    completeLesson(input: $input) { clientMutationId } }"""


def as_user(user_id: str, *roles: str) -> dict[str, str]:
    """What a client sends to the gateway as ``user_id``: a bearer token (as a header,
    or as a ``connection_init`` payload key)."""
    return as_bearer(user_id, roles or ("LEARNER",))


@dataclass
class Platform:
    subgraphs: RunningSubgraphs
    gateway: Gateway
    http: httpx.AsyncClient
    #: The gateway's GraphQL endpoint (http://...); ``ws_url`` the same as ws://.
    url: str

    @property
    def ws_url(self) -> str:
        return "ws" + self.url.removeprefix("http")

    def subscribers(self, user: str) -> int:
        """Subscribers the progress subgraph has for ``user``'s events right now."""
        count: int = self.subgraphs.apps["progress"].state.broker.subscriber_count(
            channel_for(user)
        )
        return count

    async def wait_for_subscribers(self, user: str, expected: int) -> None:
        """Until the progress subgraph has exactly ``expected`` subscribers for ``user``."""
        for _ in range(1000):
            if self.subscribers(user) == expected:
                return
            await asyncio.sleep(0.005)
        raise AssertionError(f"{self.subscribers(user)} subscribers for {user}, not {expected}")

    async def wait_for_connections(self, expected: int) -> None:
        """Until the gateway serves exactly ``expected`` websocket connections."""
        for _ in range(1000):
            if len(self.gateway.websockets) == expected:
                return
            await asyncio.sleep(0.005)
        raise AssertionError(f"{len(self.gateway.websockets)} connections, not {expected}")

    async def post(
        self, query: str, variables: Mapping[str, Any] | None = None, **headers: str
    ) -> dict[str, Any]:
        response = await self.http.post(
            self.url, json={"query": query, "variables": dict(variables or {})}, headers=headers
        )
        body: dict[str, Any] = response.json()
        return body

    async def complete_lesson(self, user: str, lesson: str, mutation_id: str = "m") -> None:
        """Complete ``lesson`` as ``user`` through the gateway, over HTTP."""
        body = await self.post(
            COMPLETE,
            {"input": {"lessonId": lesson, "clientMutationId": mutation_id}},
            **as_user(user),
        )
        assert body == {"data": {"completeLesson": {"clientMutationId": mutation_id}}}, body


@contextlib.asynccontextmanager
async def gateway_platform(
    subgraphs: RunningSubgraphs,
    http: httpx.AsyncClient,
    subgraph_overrides: Mapping[str, Mapping[str, Any]] | None = None,
    **sections: Any,
) -> AsyncIterator[Platform]:
    """The gateway app on uvicorn at 127.0.0.1:0; ``sections`` are config sections,
    ``subgraph_overrides`` extra per-subgraph settings (beside the running URLs)."""
    overrides = subgraph_overrides or {}
    with tempfile.TemporaryDirectory() as keys:
        jwks_file = identity_provider().write_jwks(Path(keys) / "jwks.json")
        config = GatewayConfig.model_validate(
            {
                "subgraphs": {
                    name: SubgraphConfig(url=url, **overrides.get(name, {})).model_dump()
                    for name, url in subgraphs.urls.items()
                },
                "supergraph": {"watch": False},
                "auth": auth_config(jwks_file=jwks_file).model_dump(mode="json")
                | {"signing_secret": TEST_SECRET},
                "authorization": {"policies": POLICIES},
                **sections,
            }
        )
        async with _serving(config, subgraphs, http) as platform:
            yield platform


@contextlib.asynccontextmanager
async def progress_unreachable(
    make_platform: Callable[..., contextlib.AbstractAsyncContextManager[Platform]],
) -> AsyncIterator[Platform]:
    """A platform whose gateway opens progress subscriptions at a refused address."""
    with refused_url("ws") as url:
        async with make_platform(subgraph_overrides={"progress": {"websocket_url": url}}) as made:
            yield made


@contextlib.asynccontextmanager
async def _serving(
    config: GatewayConfig, subgraphs: RunningSubgraphs, http: httpx.AsyncClient
) -> AsyncIterator[Platform]:
    gateway = await Gateway.create(config, SUPERGRAPH.read_text())
    try:
        async with running_app(create_app(config, gateway)) as base:
            yield Platform(subgraphs, gateway, http, f"{base}/graphql")
    finally:
        await gateway.close()


class Client:
    """A graphql-transport-ws client on a real ``websockets`` connection."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection

    async def send(self, message: Mapping[str, Any]) -> None:
        await self.connection.send(json.dumps(message))

    async def receive(self, timeout: float = 5) -> dict[str, Any]:
        raw = await asyncio.wait_for(self.connection.recv(), timeout)
        message: dict[str, Any] = json.loads(raw)
        return message

    async def receive_operation(self, timeout: float = 5) -> dict[str, Any]:
        """The next message other than the gateway's keep-alive ``ping``."""
        while (message := await self.receive(timeout)) == {"type": "ping"}:
            pass
        return message

    async def init(self, payload: Mapping[str, Any] | None = None) -> None:
        await self.send({"type": "connection_init", "payload": dict(payload or {})})
        assert await self.receive() == {"type": "connection_ack"}

    async def subscribe(
        self,
        op_id: str,
        query: str | None,
        variables: Mapping[str, Any] | None = None,
        extensions: Mapping[str, Any] | None = None,
    ) -> None:
        payload: dict[str, Any] = {"variables": dict(variables or {})}
        if query is not None:
            payload["query"] = query
        if extensions is not None:
            payload["extensions"] = dict(extensions)
        await self.send({"id": op_id, "type": "subscribe", "payload": payload})

    async def closed(self, timeout: float = 5) -> tuple[int, str]:
        """Wait for the server to close the socket: its close code and reason."""
        with contextlib.suppress(ConnectionClosed):
            while True:
                await asyncio.wait_for(self.connection.recv(), timeout)
        close = self.connection.protocol.close_rcvd
        assert close is not None, "the server did not send a close frame"
        return close.code, close.reason


@contextlib.asynccontextmanager
async def websocket(
    url: str,
    headers: Mapping[str, str] | None = None,
    subprotocols: list[Subprotocol] | None = None,
) -> AsyncIterator[Client]:
    """An open websocket to ``url`` (no ``connection_init`` sent yet)."""
    async with connect(
        url,
        subprotocols=[PROTOCOL] if subprotocols is None else subprotocols,
        additional_headers=dict(headers or {}),
        open_timeout=5,
        close_timeout=2,
    ) as connection:
        yield Client(connection)


def fresh_learner(subgraphs: RunningSubgraphs, index: int = 0) -> str:
    """A learner with no enrollments (so no completions yet)."""
    enrolled = {e["user_id"] for e in subgraphs.data.enrollments}
    learners = [
        u["id"] for u in subgraphs.data.users if u["role"] == "LEARNER" and u["id"] not in enrolled
    ]
    return learners[index]


def lessons_of(subgraphs: RunningSubgraphs, course_id: str) -> list[dict[str, Any]]:
    lessons = [x for x in subgraphs.data.lessons if x["course_id"] == course_id]
    return sorted(lessons, key=lambda x: x["position"])


@contextlib.contextmanager
def statements_on(app: Any) -> Iterator[list[str]]:
    """The SQL statements ``app`` (a subgraph) runs inside the block."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    engine = app.state.database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def wait_until(condition: Callable[[], bool], what: str, timeout: float = 10) -> None:
    """Poll ``condition`` until it holds (``what`` names it in the failure)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.005)


class SubgraphProcess:
    """A subgraph in a child process on a fixed port (``python -m <module> PORT *args``),
    which prints ``listening`` once it serves: killed and started again at the same
    address, as a replica restarts. ``lines`` collects what it prints after that."""

    def __init__(self, module: str, *args: str, env: Mapping[str, str] | None = None) -> None:
        sock = bound_socket()
        self.port: int = sock.getsockname()[1]
        sock.close()
        self.module = module
        self.args = args
        self.env = env
        self.process: asyncio.subprocess.Process | None = None
        self.lines: list[str] = []
        self._reader: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"

    async def start(self, *args: str) -> SubgraphProcess:
        """Start it (``args`` replace the arguments given at construction)."""
        self.args = args or self.args
        process = self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", self.module, str(self.port), *self.args,
            cwd=ROOT, stdout=asyncio.subprocess.PIPE,
            env=None if self.env is None else {**os.environ, **self.env},
        )  # fmt: skip
        assert process.stdout is not None
        # A gateway resuming its subscriptions may reach the process (which then prints
        # "subscribed ...") before it has printed "listening": keep those lines too.
        async with asyncio.timeout(60):
            while (line := await process.stdout.readline()) != b"listening\n":
                assert line, "the process exited before it was listening"
                self.lines.append(line.decode().strip())
        self._reader = asyncio.create_task(self._follow(process.stdout))
        return self

    async def _follow(self, stdout: asyncio.StreamReader) -> None:
        async for line in stdout:
            self.lines.append(line.decode().strip())

    async def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        if self._reader is not None:
            await self._reader
            self._reader = None


@contextlib.asynccontextmanager
async def subgraph_process(module: str, *args: str) -> AsyncIterator[SubgraphProcess]:
    process = await SubgraphProcess(module, *args).start()
    try:
        yield process
    finally:
        await process.kill()
