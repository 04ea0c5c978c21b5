"""The subgraph HTTP clients (``http1``, ``aiohttp``, ``httpx``) against real servers.

Well-behaved servers are uvicorn (``running_app``); misbehaving ones are raw
``asyncio.start_server`` handlers that write exact bytes. Behaviour that is part of the
``post``/``close`` interface runs on all three clients; what only ``Http1Client`` promises
(its URL checks, its own-header handling, TLS context, pool shutdown) runs on it alone.

Every test runs on asyncio's own loop and on uvloop (production's loop, whose transports
are not ``asyncio.Transport`` subclasses and whose callbacks are ordered differently).
pytest-asyncio 1.5 chooses loops only through its ``pytest_asyncio_loop_factories`` hook,
which must live in a conftest, and overriding ``event_loop_policy`` is deprecated there
(a warning, hence an error in this suite). So ``on_each_loop`` keeps the choice in this
module: it turns an async test into a sync one that runs on its own ``asyncio.Runner``.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import inspect
import ssl
import time
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

import brotli  # type: ignore[import-untyped]
import pytest
import trustme
import uvloop

from gateway.execution.http1_client import Http1Client
from gateway.execution.http_clients import AiohttpClient, HTTPClient, HttpxClient, PostFailed
from tests.servers import bound_socket, running_app

LOOPS: dict[str, Callable[[], asyncio.AbstractEventLoop]] = {
    # Not asyncio.new_event_loop: that follows the policy, which something may have set.
    "asyncio": asyncio.SelectorEventLoop,
    "uvloop": uvloop.new_event_loop,
}

KINDS = ("http1", "aiohttp", "httpx")


def kinds(**known_bugs: str) -> list[Any]:
    """``KINDS``, each client named here a strict xfail: its known bug, as the reason."""
    return [
        pytest.param(kind, marks=pytest.mark.xfail(strict=True, reason=known_bugs[kind]))
        if kind in known_bugs
        else kind
        for kind in KINDS
    ]


def on_each_loop(
    test: Callable[..., Coroutine[Any, Any, None]],
) -> Callable[..., None]:
    """Run the async ``test`` once per loop in ``LOOPS`` (parameter ``loop``)."""
    signature = inspect.signature(test)
    wants_loop = "loop" in signature.parameters

    def run(loop: str, **kwargs: Any) -> None:
        if wants_loop:
            kwargs["loop"] = loop
        with asyncio.Runner(loop_factory=LOOPS[loop]) as runner:
            runner.run(test(**kwargs))

    others = [p for name, p in signature.parameters.items() if name != "loop"]
    loop_parameter = inspect.Parameter("loop", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    run.__signature__ = signature.replace(parameters=[loop_parameter, *others])  # type: ignore[attr-defined]
    run.__name__ = test.__name__
    run.__qualname__ = test.__qualname__
    run.__doc__ = test.__doc__
    run.pytestmark = list(getattr(test, "pytestmark", []))  # type: ignore[attr-defined]
    return pytest.mark.parametrize("loop", list(LOOPS))(run)


def new_client(kind: str, max_connections: int = 256) -> HTTPClient:
    if kind == "http1":
        return Http1Client(max_connections=max_connections)
    if kind == "aiohttp":
        return AiohttpClient(max_connections=max_connections)
    return HttpxClient(max_connections=max_connections)


@contextlib.asynccontextmanager
async def client_of(kind: str, max_connections: int = 256) -> AsyncIterator[HTTPClient]:
    client = new_client(kind, max_connections)
    try:
        yield client
    finally:
        await client.close()


async def eventually(check: Callable[[], bool], within: float = 1.0) -> bool:
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.005)
    return True


def short_reason(failure: pytest.ExceptionInfo[PostFailed]) -> str:
    reason = str(failure.value)
    assert 0 < len(reason) <= 100, reason
    assert "\n" not in reason
    return reason


# -- a raw server: exact bytes, connections counted ------------------------------------


@dataclass
class Request:
    head: bytes  # request line and header lines, without the blank line
    body: bytes

    @property
    def request_line(self) -> bytes:
        return self.head.split(b"\r\n", 1)[0]

    def header(self, name: bytes) -> list[bytes]:
        values = []
        for line in self.head.split(b"\r\n")[1:]:
            key, _, value = line.partition(b":")
            if key.strip().lower() == name:
                values.append(value.strip())
        return values


@dataclass
class RawServer:
    url: str = ""
    connections: int = 0  # accepted so far
    open_now: int = 0
    most_open: int = 0
    ended_by_client: int = 0  # connections whose client closed them (EOF between requests)
    in_flight: int = 0
    most_in_flight: int = 0
    requests: list[Request] = field(default_factory=list)
    received: bytearray = field(default_factory=bytearray)  # for handlers that read raw


class Conn:
    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: RawServer
    ) -> None:
        self.reader = reader
        self.writer = writer
        self.server = server

    async def read_request(self) -> Request | None:
        """The next request on this connection; None when the client closed it."""
        try:
            head = await self.reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            self.server.ended_by_client += 1
            return None
        request = Request(head[:-4], b"")
        length = request.header(b"content-length")
        if length:
            request.body = await self.reader.readexactly(int(length[0]))
        self.server.requests.append(request)
        return request

    async def send(self, *pieces: bytes, pause: float = 0.0) -> None:
        """Write ``pieces`` one by one; with ``pause``, each in its own segment."""
        for piece in pieces:
            self.writer.write(piece)
            await self.writer.drain()
            if pause:
                await asyncio.sleep(pause)


Handler = Callable[[Conn], Awaitable[None]]


@contextlib.asynccontextmanager
async def raw_server(handle: Handler) -> AsyncIterator[RawServer]:
    stats = RawServer()
    handlers: set[asyncio.Task[None]] = set()

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        handlers.add(task)
        stats.connections += 1
        stats.open_now += 1
        stats.most_open = max(stats.most_open, stats.open_now)
        try:
            await handle(Conn(reader, writer, stats))
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:
            pass  # the teardown's: asyncio's streams would log a cancelled handler
        finally:
            stats.open_now -= 1
            writer.close()
            with contextlib.suppress(ConnectionError, asyncio.CancelledError):
                await writer.wait_closed()

    server = await asyncio.start_server(on_connect, "127.0.0.1", 0)
    stats.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/graphql"
    try:
        yield stats
    finally:
        server.close()
        for task in handlers:  # a handler may still wait for a request that never comes
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)
        await server.wait_closed()


def response(body: bytes, status: bytes = b"200 OK", headers: tuple[bytes, ...] = ()) -> bytes:
    head = [b"HTTP/1.1 " + status, b"content-type: application/json"]
    head += [b"content-length: %d" % len(body), *headers]
    return b"\r\n".join(head) + b"\r\n\r\n" + body


def answering(
    answer: Callable[[Request], bytes], delay: Callable[[Request], float] = lambda _: 0.0
) -> Handler:
    """A keep-alive handler: each request gets ``answer(request)`` after ``delay``."""

    async def handle(conn: Conn) -> None:
        while (request := await conn.read_request()) is not None:
            conn.server.in_flight += 1
            conn.server.most_in_flight = max(conn.server.most_in_flight, conn.server.in_flight)
            try:
                await asyncio.sleep(delay(request))
                await conn.send(answer(request))
            finally:
                conn.server.in_flight -= 1

    return handle


def echo_id(request: Request) -> bytes:
    """Answers tell requests apart: the body is the request's id."""
    return response(b"answer-" + request.body)


# -- a well-behaved server: uvicorn -----------------------------------------------------


@dataclass
class Seen:
    method: str
    raw_path: bytes
    query_string: bytes
    headers: list[tuple[bytes, bytes]]
    body: bytes
    client_port: int

    def header(self, name: bytes) -> list[bytes]:
        return [value for key, value in self.headers if key == name]


class Recorder:
    """An ASGI app that records each request and answers 201 with its number."""

    def __init__(self) -> None:
        self.seen: list[Seen] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                else:
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        seen = Seen(
            scope["method"],
            scope["raw_path"],
            scope["query_string"],
            list(scope["headers"]),
            body,
            scope["client"][1],
        )
        self.seen.append(seen)
        await send(
            {
                "type": "http.response.start",
                "status": 201,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": b'{"n":%d}' % len(self.seen)})


# -- the runner itself ----------------------------------------------------------------


@on_each_loop
async def test_each_loop_is_the_one_named(loop: str) -> None:
    running = asyncio.get_running_loop()
    assert isinstance(running, uvloop.Loop) == (loop == "uvloop")


# -- 1. a round trip --------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@on_each_loop
async def test_post_round_trip(kind: str) -> None:
    app = Recorder()
    body = b'{"query":"{ me { id } }","variables":{"x":"\xc3\xa9"}}'
    forwarded = {"authorization": "Bearer abc", "x-request-id": "r-42"}
    async with running_app(app) as base, client_of(kind) as client:
        port = int(base.rsplit(":", 1)[1])
        status, content = await client.post(
            f"{base}/sub/graphql?op=Me&x=%20y", body, forwarded, timeout=5
        )
    assert (status, content) == (201, b'{"n":1}')
    [seen] = app.seen
    assert seen.method == "POST"
    assert seen.raw_path == b"/sub/graphql"
    assert seen.query_string == b"op=Me&x=%20y"
    assert seen.body == body
    assert seen.header(b"host") == [f"127.0.0.1:{port}".encode()]
    assert seen.header(b"content-length") == [str(len(body)).encode()]
    assert seen.header(b"authorization") == [b"Bearer abc"]
    assert seen.header(b"x-request-id") == [b"r-42"]


# -- 2-4. keep-alive --------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@on_each_loop
async def test_sequential_requests_share_one_connection(kind: str) -> None:
    app = Recorder()
    async with running_app(app) as base, client_of(kind) as client:
        answers = [await client.post(base + "/", b"{}", {}, timeout=5) for _ in range(5)]
    assert answers == [(201, b'{"n":%d}' % n) for n in range(1, 6)]
    assert len(app.seen) == 5
    assert len({seen.client_port for seen in app.seen}) == 1


@pytest.mark.parametrize("kind", KINDS)
@on_each_loop
async def test_idle_connection_closed_by_the_server_is_replaced(kind: str) -> None:
    async def answer_then_close_when_idle(conn: Conn) -> None:
        request = await conn.read_request()
        assert request is not None
        await conn.send(echo_id(request))  # keep-alive, then the server's idle timeout:
        await asyncio.sleep(0.05)

    async with raw_server(answer_then_close_when_idle) as server, client_of(kind) as client:
        assert await client.post(server.url, b"1", {}, timeout=2) == (200, b"answer-1")
        await asyncio.sleep(0.3)
        assert await client.post(server.url, b"2", {}, timeout=2) == (200, b"answer-2")
    assert server.connections == 2


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("server_closes", [True, False], ids=["closes", "stays-open"])
@on_each_loop
async def test_connection_close_answer_is_not_reused(kind: str, server_closes: bool) -> None:
    async def answer_connection_close(conn: Conn) -> None:
        # "stays-open": the server says close but would serve more on this connection,
        # so a client that reused it would show up as one connection for two requests.
        while (request := await conn.read_request()) is not None:
            await conn.send(response(b"answer-" + request.body, headers=(b"connection: close",)))
            if server_closes:
                return

    async with raw_server(answer_connection_close) as server, client_of(kind) as client:
        assert await client.post(server.url, b"1", {}, timeout=2) == (200, b"answer-1")
        assert await client.post(server.url, b"2", {}, timeout=2) == (200, b"answer-2")
    assert server.connections == 2


# -- 5. framing ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@on_each_loop
async def test_chunked_answer(kind: str) -> None:
    async def chunked(conn: Conn) -> None:
        while (request := await conn.read_request()) is not None:
            await conn.send(
                b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhel",
                b"lo\r\n8;ext=1\r\n, wor",
                b"ld!\r\n" + b"%x\r\n" % len(request.body) + request.body + b"\r\n",
                b"0\r\nx-trailer: t\r\n\r\n",
                pause=0.01,
            )

    async with raw_server(chunked) as server, client_of(kind) as client:
        assert await client.post(server.url, b"#1", {}, timeout=2) == (200, b"hello, world!#1")
        assert await client.post(server.url, b"#2", {}, timeout=2) == (200, b"hello, world!#2")
    assert server.connections == 1  # the chunked framing left the connection reusable


@pytest.mark.parametrize("kind", KINDS)
@on_each_loop
async def test_answer_ended_by_closing_the_connection(kind: str) -> None:
    async def until_eof(conn: Conn) -> None:
        request = await conn.read_request()
        assert request is not None
        head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n"
        await conn.send(head + b"part one, ", b"part two of " + request.body, pause=0.02)

    async with raw_server(until_eof) as server, client_of(kind) as client:
        for n in (b"1", b"2"):
            assert await client.post(server.url, n, {}, timeout=2) == (
                200,
                b"part one, part two of " + n,
            )
    assert server.connections == 2


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("pause", [0.0, 0.02], ids=["one-segment", "segments"])
@on_each_loop
async def test_interim_answers_before_the_real_one(kind: str, pause: float) -> None:
    async def interim_first(conn: Conn) -> None:
        while (request := await conn.read_request()) is not None:
            await conn.send(
                b"HTTP/1.1 100 Continue\r\n\r\n",
                b"HTTP/1.1 103 Early Hints\r\nlink: </style.css>; rel=preload\r\n\r\n",
                echo_id(request),
                pause=pause,
            )

    async with raw_server(interim_first) as server, client_of(kind) as client:
        assert await client.post(server.url, b"1", {}, timeout=2) == (200, b"answer-1")
        assert await client.post(server.url, b"2", {}, timeout=2) == (200, b"answer-2")
    assert server.connections == 1


@pytest.mark.parametrize("kind", KINDS)
@on_each_loop
async def test_interim_answer_then_close_fails_at_once(kind: str) -> None:
    async def interim_then_close(conn: Conn) -> None:
        await conn.read_request()
        await conn.send(b"HTTP/1.1 100 Continue\r\n\r\n")
        await asyncio.sleep(0.02)

    async with raw_server(interim_then_close) as server, client_of(kind) as client:
        started = time.monotonic()
        with pytest.raises(PostFailed) as failure:
            await client.post(server.url, b"{}", {}, timeout=1.5)
        assert time.monotonic() - started < 0.5, "waited for the timeout"
    assert "timed out" not in short_reason(failure)


@pytest.mark.parametrize(
    "kind",
    kinds(httpx="httpx 0.28 (h11) reads a stray answer's rest as the next request's answer"),
)
@on_each_loop
async def test_a_second_answer_to_one_request_is_never_the_next_answer(kind: str) -> None:
    async def two_answers(conn: Conn) -> None:
        # The first request gets its answer plus the start of a stray one in the same
        # segment: a client that keeps the connection would read the next request's
        # answer as the rest of the stray one.
        while (request := await conn.read_request()) is not None:
            stray = b"HTTP/1.1 200 OK\r\ncontent-length: 30\r\n\r\nstray"
            await conn.send(echo_id(request) + (stray if request.body == b"1" else b""))

    async with raw_server(two_answers) as server, client_of(kind) as client:
        assert await client.post(server.url, b"1", {}, timeout=2) == (200, b"answer-1")
        await asyncio.sleep(0.02)
        try:
            answer = await client.post(server.url, b"2", {}, timeout=2)
        except PostFailed:
            return  # refusing is fine too; a wrong answer is not
    assert answer == (200, b"answer-2")


# -- 6. content encodings ---------------------------------------------------------------

ENCODERS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": gzip.compress,
    "deflate": zlib.compress,
    "br": brotli.compress,
}


def encoded_answer(encoding: bytes, body: bytes) -> Handler:
    return answering(lambda _: response(body, headers=(b"content-encoding: " + encoding,)))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("encoding", list(ENCODERS))
@on_each_loop
async def test_encoded_answer_is_decoded(kind: str, encoding: str) -> None:
    plain = b'{"data":{"items":[' + b'{"id":1},' * 200 + b"]}}"
    body = ENCODERS[encoding](plain)
    assert body != plain
    async with (
        raw_server(encoded_answer(encoding.encode(), body)) as server,
        client_of(kind) as client,
    ):
        assert await client.post(server.url, b"{}", {}, timeout=2) == (200, plain)


@pytest.mark.parametrize("kind", KINDS)
@on_each_loop
async def test_corrupt_gzip_fails(kind: str) -> None:
    corrupt = gzip.compress(b'{"data":{}}' * 50)[:20] + b"not deflate data at all"
    async with raw_server(encoded_answer(b"gzip", corrupt)) as server, client_of(kind) as client:
        with pytest.raises(PostFailed) as failure:
            await client.post(server.url, b"{}", {}, timeout=2)
    short_reason(failure)


@on_each_loop
async def test_http1_unknown_encoding_fails() -> None:
    # aiohttp and httpx pass such a body through undecoded (then it isn't JSON).
    async with (
        raw_server(encoded_answer(b"x-squash", b"\x00\x01\x02")) as server,
        client_of("http1") as client,
    ):
        with pytest.raises(PostFailed) as failure:
            await client.post(server.url, b"{}", {}, timeout=2)
    assert "x-squash" in short_reason(failure)


# -- 7. failures --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@on_each_loop
async def test_connection_refused(kind: str) -> None:
    with bound_socket() as sock:  # bound, never listening: nothing else gets the port
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/graphql"
        async with client_of(kind) as client:
            with pytest.raises(PostFailed) as failure:
                await client.post(url, b"{}", {}, timeout=2)
    short_reason(failure)


@pytest.mark.parametrize("kind", KINDS)
@on_each_loop
async def test_silent_server_times_out_on_time(kind: str) -> None:
    async def never_answer(conn: Conn) -> None:
        await conn.read_request()
        await asyncio.sleep(30)

    async with raw_server(never_answer) as server, client_of(kind) as client:
        started = time.monotonic()
        with pytest.raises(PostFailed) as failure:
            await client.post(server.url, b"{}", {}, timeout=0.3)
        elapsed = time.monotonic() - started
    assert 0.25 <= elapsed < 0.8
    assert short_reason(failure) == "timed out after 0.3s"
    assert len(server.requests) == 1


MID_BODY = {
    "content-length": b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n" + b'{"data":' * 3,
    "chunked": b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n40\r\n" + b'{"data":' * 3,
    "in-head": b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\ncontent-ty",
    "nothing": b"",
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("sent", list(MID_BODY))
@on_each_loop
async def test_server_closing_mid_answer_fails(kind: str, sent: str) -> None:
    async def close_mid_answer(conn: Conn) -> None:
        await conn.read_request()
        await conn.send(MID_BODY[sent])

    async with raw_server(close_mid_answer) as server, client_of(kind) as client:
        started = time.monotonic()
        with pytest.raises(PostFailed) as failure:
            await client.post(server.url, b"{}", {}, timeout=1.5)
        assert time.monotonic() - started < 0.5, "waited for the timeout"
    assert "timed out" not in short_reason(failure)


NOT_HTTP = {
    "ssh": b"SSH-2.0-OpenSSH_9.6\r\n",
    "binary": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" * 4,
    "bad-status": b"HTTP/1.1 2OO OK\r\ncontent-length: 2\r\n\r\n{}",
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("garbage", list(NOT_HTTP))
@pytest.mark.parametrize("then_close", [True, False], ids=["then-close", "then-silence"])
@on_each_loop
async def test_answer_that_is_not_http_fails(kind: str, garbage: str, then_close: bool) -> None:
    async def not_http(conn: Conn) -> None:
        await conn.read_request()
        await conn.send(NOT_HTTP[garbage])
        if not then_close:
            await asyncio.sleep(30)

    async with raw_server(not_http) as server, client_of(kind) as client:
        started = time.monotonic()
        with pytest.raises(PostFailed) as failure:
            await client.post(server.url, b"{}", {}, timeout=0.6)
        elapsed = time.monotonic() - started
    short_reason(failure)
    assert elapsed < 1.0  # at worst the timeout; never a hang
    if kind == "http1":
        assert elapsed < 0.3, "http1 must see at once that this is not HTTP"


@on_each_loop
async def test_http1_bad_url_fails() -> None:
    async with client_of("http1") as client:
        for url in ("ftp://127.0.0.1/graphql", "http:///graphql", "http://127.0.0.1:99999/"):
            with pytest.raises(PostFailed) as failure:
                await client.post(url, b"{}", {}, timeout=1)
            assert "127.0.0.1" not in short_reason(failure)  # URLs are internal


# -- 8. cancellation ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@on_each_loop
async def test_cancelled_exchange_never_lends_its_late_answer(kind: str) -> None:
    first_arrived = asyncio.Event()

    def late_for_the_first(request: Request) -> float:
        if request.body == b"1":
            first_arrived.set()
            return 0.2
        return 0.0

    def answer(request: Request) -> bytes:
        prefix = b"late-" if request.body == b"1" else b"answer-"
        return response(prefix + request.body)

    async with (
        raw_server(answering(answer, late_for_the_first)) as server,
        client_of(kind) as client,
    ):
        first = asyncio.create_task(client.post(server.url, b"1", {}, timeout=2))
        await asyncio.wait_for(first_arrived.wait(), 1)
        first.cancel()
        with pytest.raises(asyncio.CancelledError):
            await first
        assert await client.post(server.url, b"2", {}, timeout=2) == (200, b"answer-2")
        await asyncio.sleep(0.25)  # the late answer has been written by now
        assert await client.post(server.url, b"3", {}, timeout=2) == (200, b"answer-3")
    assert server.connections == 2


# -- 9. the pool's limit ------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@on_each_loop
async def test_pool_limit_holds_and_every_request_is_served(kind: str) -> None:
    async with (
        raw_server(answering(echo_id, lambda _: 0.05)) as server,
        client_of(kind, max_connections=2) as client,
    ):
        ids = [str(n).encode() for n in range(10)]
        answers = await asyncio.gather(*(client.post(server.url, n, {}, timeout=5) for n in ids))
    assert answers == [(200, b"answer-" + n) for n in ids]
    assert server.most_open == 2
    assert server.most_in_flight == 2


@pytest.mark.parametrize("kind", KINDS)
@on_each_loop
async def test_cancelled_waiter_leaves_the_whole_limit_usable(kind: str) -> None:
    async with (
        raw_server(answering(echo_id, lambda _: 0.1)) as server,
        client_of(kind, max_connections=2) as client,
    ):
        busy = [asyncio.create_task(client.post(server.url, n, {}, 5)) for n in (b"a", b"b")]
        waiter = asyncio.create_task(client.post(server.url, b"w", {}, 5))
        assert await eventually(lambda: server.in_flight == 2)
        await asyncio.sleep(0.02)  # the waiter is queued for a connection
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        assert await asyncio.gather(*busy) == [(200, b"answer-a"), (200, b"answer-b")]
        server.most_in_flight = 0
        again = await asyncio.gather(*(client.post(server.url, n, {}, 5) for n in (b"c", b"d")))
    assert again == [(200, b"answer-c"), (200, b"answer-d")]
    assert server.most_in_flight == 2  # both slots, not one
    assert b"w" not in [request.body for request in server.requests]


@pytest.mark.parametrize(
    "kind",
    kinds(
        aiohttp="aiohttp 3.14's connector drops the wake-up of a waiter cancelled after it "
        "was woken: the next waiter sleeps until its timeout"
    ),
)
@on_each_loop
async def test_waiter_cancelled_just_after_its_wake_up_passes_it_on(kind: str) -> None:
    async with (
        raw_server(answering(echo_id)) as server,
        client_of(kind, max_connections=1) as client,
    ):
        woken = asyncio.create_task(client.post(server.url, b"b", {}, 5))
        next_in_line = asyncio.create_task(client.post(server.url, b"c", {}, 1))
        # Awaited here, not in a task: the test runs on in the very step that releases the
        # connection and wakes ``woken``, so ``woken`` is cancelled before it can run.
        assert await client.post(server.url, b"a", {}, 5) == (200, b"answer-a")
        woken.cancel()
        assert await next_in_line == (200, b"answer-c")
        with pytest.raises(asyncio.CancelledError):
            await woken


# -- 10. headers ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "value", ["a\r\nx-injected: 1", "a\nx-injected: 1", "a\rb"], ids=["crlf", "lf", "cr"]
)
@on_each_loop
async def test_header_value_with_a_line_break_is_refused_unsent(kind: str, value: str) -> None:
    async def record(conn: Conn) -> None:
        while data := await conn.reader.read(65536):
            conn.server.received += data

    async with raw_server(record) as server, client_of(kind) as client:
        with pytest.raises(PostFailed) as failure:
            await client.post(server.url, b"{}", {"x-forwarded": value}, timeout=1)
        await asyncio.sleep(0.05)
    short_reason(failure)
    assert bytes(server.received) == b""


@on_each_loop
async def test_http1_writes_its_own_framing_headers_once() -> None:
    async with raw_server(answering(echo_id)) as server, client_of("http1") as client:
        port = server.url.split(":")[2].split("/")[0]
        own = {
            "Host": "evil.example",
            "content-length": "999",
            "Connection": "close",
            "transfer-encoding": "chunked",
            "x-kept": "yes",
        }
        assert await client.post(server.url, b"12345", own, timeout=2) == (200, b"answer-12345")
        assert await client.post(server.url, b"6", own, timeout=2) == (200, b"answer-6")
    request = server.requests[0]
    assert request.request_line == b"POST /graphql HTTP/1.1"
    assert request.header(b"host") == [f"127.0.0.1:{port}".encode()]
    assert request.header(b"content-length") == [b"5"]
    assert request.header(b"transfer-encoding") == []
    assert request.header(b"connection") == []
    assert request.header(b"x-kept") == [b"yes"]
    assert server.connections == 1  # "connection: close" was not sent


# -- 11. https --------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def tls_app(app: Recorder) -> AsyncIterator[tuple[str, trustme.CA]]:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    with cert.private_key_and_cert_chain_pem.tempfile() as pem:
        async with running_app(app, ssl_certfile=pem) as base:
            yield base.replace("http://", "https://", 1), ca


@on_each_loop
async def test_http1_https_round_trip() -> None:
    app = Recorder()
    async with tls_app(app) as (base, ca):
        context = ssl.create_default_context()
        ca.configure_trust(context)
        client = Http1Client(ssl_context=context)
        try:
            assert await client.post(base + "/tls", b"{}", {}, timeout=5) == (201, b'{"n":1}')
            assert await client.post(base + "/tls", b"{}", {}, timeout=5) == (201, b'{"n":2}')
        finally:
            await client.close()
    assert [seen.raw_path for seen in app.seen] == [b"/tls", b"/tls"]
    assert len({seen.client_port for seen in app.seen}) == 1


@on_each_loop
async def test_http1_https_checks_the_certificate() -> None:
    app = Recorder()
    async with tls_app(app) as (base, _), client_of("http1") as client:
        with pytest.raises(PostFailed) as failure:
            await client.post(base + "/tls", b"{}", {}, timeout=5)
    assert "Cert" in short_reason(failure)  # SSLCertVerificationError
    assert app.seen == []


# -- 12. close() ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@on_each_loop
async def test_close_closes_pooled_connections(kind: str) -> None:
    async with raw_server(answering(echo_id, lambda _: 0.05)) as server:
        client = new_client(kind)
        await asyncio.gather(*(client.post(server.url, n, {}, 5) for n in (b"1", b"2")))
        await asyncio.sleep(0.05)
        assert (server.open_now, server.ended_by_client) == (2, 0)  # pooled, still open
        await client.close()
        assert await eventually(lambda: server.ended_by_client == 2)
        assert server.open_now == 0


@on_each_loop
async def test_http1_close_while_connecting_leaves_nothing_open() -> None:
    async with raw_server(answering(echo_id)) as server:
        client = Http1Client()
        request = asyncio.create_task(client.post(server.url, b"1", {}, 2))
        await asyncio.sleep(0)  # the request is inside create_connection
        await client.close()
        with contextlib.suppress(PostFailed):
            await request
        assert await eventually(lambda: server.connections == 1)
        assert await eventually(lambda: server.open_now == 0), "a connection outlived close()"


@on_each_loop
async def test_http1_close_fails_waiters_instead_of_connecting() -> None:
    async with raw_server(answering(echo_id, lambda _: 0.1)) as server:
        client = Http1Client(max_connections=1)
        busy = asyncio.create_task(client.post(server.url, b"1", {}, 2))
        waiting = asyncio.create_task(client.post(server.url, b"2", {}, 2))
        assert await eventually(lambda: server.in_flight == 1)
        await client.close()
        for task in (busy, waiting):
            with pytest.raises(PostFailed):
                await task
        await asyncio.sleep(0.05)
        assert server.connections == 1  # the waiter did not open one after close()
        assert await eventually(lambda: server.open_now == 0)
        # The client is still usable afterwards, with fresh pools.
        assert await client.post(server.url, b"3", {}, 2) == (200, b"answer-3")
        await client.close()
