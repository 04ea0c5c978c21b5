"""``Http1Client`` expires idle keep-alive connections before the server does.

The raw server here closes a connection, unanswered, when a request arrives on it after
more than ``SERVER_IDLE`` seconds of quiet: what a server's keep-alive timeout does when
the request crosses its close on the wire. The client must not reuse a connection that
old; the soak met this race against uvicorn (5 s) as "the connection closed before the
response was complete" on a query.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

import pytest

from gateway.execution.http1_client import Http1Client
from gateway.execution.http_clients import PostFailed

SERVER_IDLE = 0.3
ANSWER = b'{"data":{"ok":true}}'


class Server:
    def __init__(self) -> None:
        self.url = ""
        self.connections = 0


@contextlib.asynccontextmanager
async def idle_closing_server() -> AsyncIterator[Server]:
    state = Server()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        state.connections += 1
        last = time.monotonic()
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                await reader.readexactly(length)
                if time.monotonic() - last > SERVER_IDLE:
                    return  # the keep-alive timeout won the race: closed, unanswered
                writer.write(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                    b"content-length: %d\r\n\r\n%s" % (len(ANSWER), ANSWER)
                )
                await writer.drain()
                last = time.monotonic()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    state.url = f"http://127.0.0.1:{port}/graphql"
    async with server:
        yield state


async def post(client: Http1Client, url: str) -> tuple[int, bytes]:
    return await client.post(url, b"{}", {"content-type": "application/json"}, 5)


async def test_a_connection_idle_past_its_expiry_is_not_reused() -> None:
    client = Http1Client(keepalive_expiry=SERVER_IDLE * 2 / 3)
    async with idle_closing_server() as server:
        try:
            assert await post(client, server.url) == (200, ANSWER)
            await asyncio.sleep(SERVER_IDLE + 0.05)
            assert await post(client, server.url) == (200, ANSWER)
        finally:
            await client.close()
        assert server.connections == 2


async def test_a_recently_used_connection_is_reused() -> None:
    client = Http1Client(keepalive_expiry=SERVER_IDLE * 2 / 3)
    async with idle_closing_server() as server:
        try:
            for _ in range(3):
                assert await post(client, server.url) == (200, ANSWER)
                await asyncio.sleep(0.02)
        finally:
            await client.close()
        assert server.connections == 1


async def test_without_the_expiry_the_race_loses_the_request() -> None:
    """Why the expiry exists: reusing the old connection, the request is lost."""
    client = Http1Client(keepalive_expiry=60)
    async with idle_closing_server() as server:
        try:
            await post(client, server.url)
            await asyncio.sleep(SERVER_IDLE + 0.05)
            with pytest.raises(PostFailed, match="closed before the response was complete"):
                await post(client, server.url)
        finally:
            await client.close()
