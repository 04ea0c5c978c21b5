"""Run the three subgraphs for a test: throwaway databases, seed data, real servers.

For other test suites too (gateway end-to-end tests)::

    async with running_subgraphs() as sg:          # SQLite or PostgreSQL, see below
        sg.urls["users"]        # "http://127.0.0.1:<port>/graphql"
        sg.data                 # the seeded subgraphs.seed.Dataset (small())
        sg.apps["progress"]     # the Starlette app (app.state.database, .broker)

Backend: ``SUBGRAPH_DB_BACKEND=postgres`` creates three throwaway PostgreSQL databases
with random names on ``PG_URL`` (default postgresql+asyncpg://postgres@127.0.0.1:5432/
postgres) and drops them afterwards; otherwise SQLite files in a temporary directory.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import tempfile
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette

from subgraphs import courses, progress, users
from subgraphs._shared.identity import sign_identity
from subgraphs.seed import Dataset, load, small
from tests.auth.helpers import TEST_SECRET
from tests.servers import bound_socket

NAMES = ("users", "courses", "progress")
DEFAULT_PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
FACTORIES = {
    "users": users.create_app,
    "courses": courses.create_app,
    "progress": progress.create_app,
}


def use_postgres() -> bool:
    return os.environ.get("SUBGRAPH_DB_BACKEND", "").lower() in ("postgres", "postgresql")


def pg_server() -> Any:
    from sqlalchemy.engine import make_url

    return make_url(os.environ.get("PG_URL") or DEFAULT_PG_URL)


async def create_pg_databases(names: tuple[str, ...] = NAMES) -> dict[str, str]:
    """Create one PostgreSQL database per name (random names); their URLs."""
    import asyncpg

    server = pg_server()
    prefix = f"sg_test_{secrets.token_hex(6)}"
    conn = await asyncpg.connect(server.set(drivername="postgresql").render_as_string(False))
    try:
        urls = {}
        for name in names:
            await conn.execute(f'CREATE DATABASE "{prefix}_{name}"')
            urls[name] = server.set(database=f"{prefix}_{name}").render_as_string(False)
        return urls
    finally:
        await conn.close()


async def drop_pg_databases(urls: Mapping[str, str]) -> None:
    import asyncpg
    from sqlalchemy.engine import make_url

    server = pg_server()
    conn = await asyncpg.connect(server.set(drivername="postgresql").render_as_string(False))
    try:
        for url in urls.values():
            await conn.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
    finally:
        await conn.close()


@contextlib.asynccontextmanager
async def throwaway_databases(names: tuple[str, ...] = NAMES) -> AsyncIterator[dict[str, str]]:
    """One empty database per name, as SQLAlchemy async URLs; removed afterwards."""
    if not use_postgres():
        with tempfile.TemporaryDirectory(prefix="subgraphs-") as tmp:
            yield {name: f"sqlite+aiosqlite:///{tmp}/{name}.sqlite3" for name in names}
        return
    urls = await create_pg_databases(names)
    try:
        yield urls
    finally:
        await drop_pg_databases(urls)


@dataclass
class RunningSubgraphs:
    urls: dict[str, str]
    data: Dataset
    database_urls: dict[str, str]
    apps: dict[str, Starlette] = field(default_factory=dict)


@contextlib.asynccontextmanager
async def running_subgraphs(
    redis_url: str | None = None,
    data: Dataset | None = None,
    database_urls: Mapping[str, str] | None = None,
) -> AsyncIterator[RunningSubgraphs]:
    """The three subgraphs on real sockets, their databases seeded with ``data``
    (default: ``subgraphs.seed.small()``).

    Without ``database_urls`` the databases are fresh throwaway ones; with them (e.g.
    PostgreSQL databases created once per session) their tables are emptied first.
    """
    async with contextlib.AsyncExitStack() as stack:
        if database_urls is None:
            database_urls = await stack.enter_async_context(throwaway_databases())
        data = data or small()
        await load(data, database_urls, reset=True)
        database_urls = dict(database_urls)
        apps = {name: FACTORIES[name](database_urls[name], redis_url=redis_url) for name in NAMES}
        async with serving(apps) as base_urls:
            urls = {name: f"{base}/graphql" for name, base in base_urls.items()}
            yield RunningSubgraphs(urls=urls, data=data, database_urls=database_urls, apps=apps)


@contextlib.asynccontextmanager
async def serving(apps: Mapping[str, Any]) -> AsyncIterator[dict[str, str]]:
    """Like ``tests.servers.running_app`` for several apps, started and stopped together
    (stopping them one after the other costs a uvicorn tick each)."""
    sockets = {name: bound_socket() for name in apps}
    servers = {
        name: uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
        for name, app in apps.items()
    }
    tasks = [asyncio.create_task(servers[name].serve(sockets=[sockets[name]])) for name in apps]
    try:
        while not all(server.started for server in servers.values()):
            for task in tasks:
                if task.done():
                    task.result()
                    raise RuntimeError("a subgraph server exited before it started")
            await asyncio.sleep(0.005)
        yield {name: f"http://127.0.0.1:{sock.getsockname()[1]}" for name, sock in sockets.items()}
    finally:
        for server in servers.values():
            server.should_exit = True
        await asyncio.gather(*tasks, return_exceptions=True)
        for sock in sockets.values():
            sock.close()


def as_user(user_id: str, *roles: str) -> dict[str, str]:
    """The signed identity headers the gateway forwards for ``user_id`` with ``roles``."""
    return sign_identity(TEST_SECRET.encode(), user_id, roles or ("LEARNER",))


async def gql(
    client: httpx.AsyncClient,
    url: str,
    query: str,
    variables: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """POST a GraphQL request; asserts a non-5xx JSON answer and returns the body."""
    response = await client.post(
        url, json={"query": query, "variables": dict(variables or {})}, headers=headers
    )
    assert response.status_code < 500, response.text
    body: dict[str, Any] = response.json()
    return body


def codes(body: Mapping[str, Any]) -> list[str]:
    """The ``extensions.code`` of each error in a response body."""
    return [e.get("extensions", {}).get("code") for e in body.get("errors") or []]


class GraphQLWebSocket:
    """A minimal graphql-transport-ws client over a real ``websockets`` connection."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    async def send(self, message: Mapping[str, Any]) -> None:
        await self.connection.send(json.dumps(message))

    async def receive(self, timeout: float = 10) -> dict[str, Any]:
        raw = await asyncio.wait_for(self.connection.recv(), timeout)
        message: dict[str, Any] = json.loads(raw)
        return message

    async def subscribe(
        self, op_id: str, query: str, variables: Mapping[str, Any] | None = None
    ) -> None:
        payload = {"query": query, "variables": dict(variables or {})}
        await self.send({"id": op_id, "type": "subscribe", "payload": payload})


@contextlib.asynccontextmanager
async def graphql_ws(
    http_url: str,
    headers: Mapping[str, str] | None = None,
    init_payload: Mapping[str, Any] | None = None,
) -> AsyncIterator[GraphQLWebSocket]:
    """Connect, send ``connection_init`` and wait for ``connection_ack``."""
    from websockets.asyncio.client import connect
    from websockets.typing import Subprotocol

    url = "ws" + http_url.removeprefix("http")
    async with connect(
        url,
        subprotocols=[Subprotocol("graphql-transport-ws")],
        additional_headers=dict(headers or {}),
    ) as connection:
        ws = GraphQLWebSocket(connection)
        await ws.send({"type": "connection_init", "payload": dict(init_payload or {})})
        ack = await ws.receive()
        assert ack["type"] == "connection_ack", ack
        yield ws


async def wait_for_subscribers(count_subscribers: Any, channel: str, expected: int = 1) -> None:
    """Wait until ``channel`` has ``expected`` subscribers (an async or sync counter)."""
    for _ in range(2000):
        found = count_subscribers(channel)
        if asyncio.iscoroutine(found):
            found = await found
        if found >= expected:
            return
        await asyncio.sleep(0.005)
    raise AssertionError(f"no subscriber on {channel!r}")
