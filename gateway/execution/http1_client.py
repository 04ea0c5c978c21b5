"""A lean HTTP/1.1 client for subgraph requests: keep-alive pools on asyncio protocols.

Why not only aiohttp: a subgraph request is always the same shape (POST a JSON body to a
configured URL, read the whole answer), and on the benchmark aiohttp's general-purpose
request path (cookies, redirects, tracing, multipart, stream readers) was a fifth of the
gateway's CPU. This client does only that one exchange: the request head is formatted in
one string, bytes go straight from the event loop into ``httptools`` (the llhttp parser
uvicorn uses) and the answer is returned whole. ``aiohttp`` and ``httpx`` remain
selectable (``engine.subgraph_http_client``); the same transport tests run on all three.

State machine of one connection: idle (in its pool) -> busy (one exchange) -> idle again
if the response allowed keep-alive, else closed. A connection the server closes while
idle leaves its pool at once; one idle longer than ``keepalive_expiry`` (4 s, under
common servers' keep-alive timeouts) is closed instead of reused; one that fails or is
cancelled mid-exchange is closed, never reused (a late answer must not become the next
request's answer).
"""

from __future__ import annotations

import asyncio
import ssl
import zlib
from collections import deque
from typing import cast
from urllib.parse import urlsplit

import brotli  # type: ignore[import-untyped]
import httptools

from gateway.execution.http_clients import PostFailed, answer

#: Headers the client writes itself: a forwarded header of these names is not sent.
_OWN_HEADERS = frozenset({"host", "content-length", "transfer-encoding", "connection"})


#: status, body, whether the connection may be reused, Content-Encoding, Cache-Control.
_Answer = tuple[int, bytes, bool, bytes, bytes | None]


class _Exchange:
    """What one response has delivered so far."""

    __slots__ = ("body", "cache_control", "done", "encoding", "headers_done", "reading_to_eof")

    def __init__(self, done: asyncio.Future[_Answer]) -> None:
        self.done = done
        self.body: list[bytes] = []
        self.encoding = b""
        self.cache_control: bytes | None = None
        self.headers_done = False
        #: No Content-Length and not chunked: the body ends when the connection does.
        self.reading_to_eof = False


class _Connection(asyncio.Protocol):
    def __init__(self, pool: _Pool) -> None:
        self.pool = pool
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.exchange: _Exchange | None = None
        self.closed = False
        self._framed = False
        #: Loop time when it last went idle (back into its pool).
        self.idle_since = 0.0

    # -- asyncio.Protocol ---------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not subclasses of asyncio.Transport; same interface.
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        if self.exchange is None:
            # Bytes nobody asked for: the connection's framing can't be trusted.
            self.close()
            return
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            self._fail("the response is not valid HTTP")

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        exchange = self.exchange
        if exchange is not None and not exchange.done.done():
            if exchange.headers_done and exchange.reading_to_eof:
                self._complete(keep_alive=False)
            else:
                self._fail("the connection closed before the response was complete")
        self.pool.forget(self)

    # -- httptools callbacks --------------------------------------------------------

    def on_message_begin(self) -> None:
        if self.exchange is None:
            # A second answer to one request, in the same segment as the first: kept,
            # the connection would hand its rest to the next request as that one's answer.
            self.close()
        self._framed = False  # per message: a 1xx's head says nothing of the real answer

    def on_header(self, name: bytes, value: bytes) -> None:
        lowered = name.lower()
        if lowered in (b"content-length", b"transfer-encoding"):
            self._framed = True
        elif lowered == b"content-encoding" and self.exchange is not None:
            self.exchange.encoding = value.strip().lower()
        elif lowered == b"cache-control" and self.exchange is not None:
            self.exchange.cache_control = value  # caching: the subgraph's own policy

    def on_headers_complete(self) -> None:
        if self.exchange is not None:
            self.exchange.headers_done = True
            self.exchange.reading_to_eof = not self._framed

    def on_body(self, body: bytes) -> None:
        if self.exchange is not None:
            self.exchange.body.append(body)

    def on_message_complete(self) -> None:
        self._complete(keep_alive=self.parser.should_keep_alive())

    # -- the exchange -------------------------------------------------------------------

    def start(self, request: bytes) -> asyncio.Future[_Answer]:
        assert self.transport is not None
        done: asyncio.Future[_Answer] = self.pool.loop.create_future()
        self.exchange = _Exchange(done)
        self.transport.write(request)
        return done

    def _complete(self, keep_alive: bool) -> None:
        exchange = self.exchange
        if exchange is None or exchange.done.done():
            return
        self.exchange = None
        status = self.parser.get_status_code()
        if status < 200:  # 1xx: an interim answer; the real one follows
            self.exchange = exchange
            exchange.body.clear()
            exchange.encoding = b""
            exchange.cache_control = None
            # The real answer's head is still to come: a close before it is a failure,
            # not the end of a body read to EOF (which left the request waiting forever).
            exchange.headers_done = False
            return
        exchange.done.set_result(
            (status, b"".join(exchange.body), keep_alive, exchange.encoding, exchange.cache_control)
        )

    def _fail(self, reason: str) -> None:
        self._end(PostFailed(reason))

    def time_out(self) -> None:
        """The exchange's deadline passed: end it, and the connection with it."""
        self._end(TimeoutError())

    def _end(self, error: Exception) -> None:
        exchange, self.exchange = self.exchange, None
        if exchange is not None and not exchange.done.done():
            exchange.done.set_exception(error)
        self.close()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            if self.transport is not None:
                self.transport.close()
            self.pool.forget(self)


class _Pool:
    """The connections to one origin (scheme, host, port), at most ``limit`` open."""

    def __init__(
        self,
        host: str,
        port: int,
        tls: ssl.SSLContext | None,
        limit: int,
        keepalive_expiry: float = 4.0,
    ) -> None:
        self.loop = asyncio.get_running_loop()
        self.host = host
        self.port = port
        self.tls = tls
        self.limit = limit
        self.keepalive_expiry = keepalive_expiry
        self.idle: list[_Connection] = []
        self.open: set[_Connection] = set()
        self.waiters: deque[asyncio.Future[None]] = deque()
        self.closed = False

    def idle_connection(self, now: float) -> _Connection | None:
        """An open idle connection, without waiting (the common case), else None.

        One idle longer than ``keepalive_expiry`` is closed instead: servers close idle
        keep-alive connections after a few seconds (uvicorn: 5), and a request written
        as the server closes its connection is lost ("closed before the response was
        complete") with no way to know whether the server saw it. Expiring first, on
        the client side, avoids that race."""
        while self.idle and not self.closed:
            connection = self.idle.pop()  # the most recently used: least likely stale
            if connection.closed:
                continue
            if now - connection.idle_since < self.keepalive_expiry:
                return connection
            connection.close()
        return None

    async def acquire(self) -> _Connection:
        while True:
            if self.closed:
                # Its client was closed: a waiter must not open a connection nobody closes.
                raise PostFailed("the HTTP client was closed")
            connection = self.idle_connection(self.loop.time())
            if connection is not None:
                return connection
            if len(self.open) < self.limit:
                return await self._connect()
            waiter = self.loop.create_future()
            self.waiters.append(waiter)
            try:
                await waiter
            except BaseException:
                if waiter.done() and not waiter.cancelled():
                    # Woken, then cancelled before it could run: the wake-up was for a
                    # free slot or idle connection, so pass it on or the next waiter
                    # sleeps until its timeout.
                    self._wake()
                else:
                    waiter.cancel()
                raise

    async def _connect(self) -> _Connection:
        connection = _Connection(self)
        self.open.add(connection)  # counted while connecting: the limit holds
        try:
            transport, _ = await self.loop.create_connection(
                lambda: connection,
                self.host,
                self.port,
                ssl=self.tls,
                server_hostname=self.host if self.tls else None,
            )
        except BaseException:
            self.forget(connection)
            raise
        # uvloop may return before it has called connection_made.
        connection.transport = transport
        if connection.closed:
            # Closed while connecting (the client's close(), or already lost): close() had
            # no transport to close then, and an exchange on it would wait forever.
            transport.close()
            raise PostFailed("the connection closed before the request was sent")
        return connection

    def release(self, connection: _Connection, reuse: bool) -> None:
        if reuse and not connection.closed and not self.closed:
            connection.idle_since = self.loop.time()
            self.idle.append(connection)
            self._wake()
        else:
            connection.close()

    def forget(self, connection: _Connection) -> None:
        if connection in self.open:
            self.open.discard(connection)
            if connection in self.idle:
                self.idle.remove(connection)
            self._wake()

    def _wake(self) -> None:
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    def close(self) -> None:
        self.closed = True
        for connection in list(self.open):
            connection.close()
        for waiter in self.waiters:  # each wakes to find the pool closed
            if not waiter.done():
                waiter.set_result(None)
        self.waiters.clear()


class Http1Client:
    """``post(url, body, headers, timeout) -> (status, content)`` over pooled HTTP/1.1."""

    def __init__(
        self,
        max_connections: int = 256,
        ssl_context: ssl.SSLContext | None = None,
        keepalive_expiry: float = 4.0,
    ) -> None:
        self._max_connections = max_connections
        #: Seconds an idle connection may be reused: under common servers' keep-alive
        #: timeouts (uvicorn 5 s, Node 5 s), so the client, not the server, ends it.
        self._keepalive_expiry = keepalive_expiry
        self._pools: dict[tuple[str, str, int], _Pool] = {}
        #: Per URL: its pool's key and the request line and Host header, formatted once.
        self._targets: dict[str, tuple[tuple[str, str, int], str]] = {}
        #: For https: the system's trust store unless given (a private CA, tests).
        self._tls = ssl_context

    def _target(self, url: str) -> tuple[_Pool, str]:
        known = self._targets.get(url)
        if known is None:
            parts = urlsplit(url)
            try:
                port = parts.port or (443 if parts.scheme == "https" else 80)
            except ValueError:  # a port out of range or not a number
                port = 0
            if parts.scheme not in ("http", "https") or not parts.hostname or not port:
                # Not the URL itself: reasons reach clients, subgraph URLs are internal.
                raise PostFailed("the subgraph URL is not a valid http(s) URL")
            path = parts.path or "/"
            if parts.query:
                path += "?" + parts.query
            host = parts.hostname
            shown = f"[{host}]" if ":" in host else host
            if parts.port:
                shown += f":{parts.port}"
            known = ((parts.scheme, host, port), f"POST {path} HTTP/1.1\r\nhost: {shown}\r\n")
            self._targets[url] = known
        key, head = known
        pool = self._pools.get(key)
        if pool is None:
            tls: ssl.SSLContext | None = None
            if key[0] == "https":
                if self._tls is None:
                    self._tls = ssl.create_default_context()
                tls = self._tls
            pool = self._pools[key] = _Pool(
                key[1], key[2], tls, self._max_connections, self._keepalive_expiry
            )
        return pool, head

    async def post(
        self, url: str, body: bytes, headers: dict[str, str], timeout: float
    ) -> tuple[int, bytes]:
        pool, head = self._target(url)
        request = _request(head, body, headers)
        now = pool.loop.time()
        deadline = now + timeout
        try:
            connection = pool.idle_connection(now)
            if connection is None:
                async with asyncio.timeout_at(deadline):
                    connection = await pool.acquire()
            # The exchange's deadline is a plain timer on the connection: cheaper than a
            # timeout context per request (measurable at a dozen requests per query).
            timer = pool.loop.call_at(deadline, connection.time_out)
            reuse = False
            try:
                status, content, reuse, encoding, cache_control = await connection.start(request)
            finally:
                timer.cancel()
                # Cancelled or failed mid-exchange: close, never reuse.
                pool.release(connection, reuse)
        except TimeoutError:
            raise PostFailed(f"timed out after {timeout:g}s") from None
        except OSError as error:
            raise PostFailed(type(error).__name__) from None
        hint = cache_control.decode("latin-1") if cache_control is not None else None
        return answer(status, _decoded(content, encoding), hint)

    async def close(self) -> None:
        for pool in self._pools.values():
            pool.close()
        self._pools.clear()


def _request(head: str, body: bytes, headers: dict[str, str]) -> bytes:
    lines = [head, f"content-length: {len(body)}\r\n"]
    for name, value in headers.items():
        if name.lower() in _OWN_HEADERS:
            continue
        if "\r" in value or "\n" in value or "\r" in name or "\n" in name or ":" in name:
            # Forwarded values come from clients: never let one add a header or a request.
            raise PostFailed(f"header {name!r} has a value that cannot be sent")
        lines.append(f"{name}: {value}\r\n")
    lines.append("\r\n")
    try:
        return "".join(lines).encode("latin-1") + body
    except UnicodeEncodeError:
        raise PostFailed("a forwarded header has characters HTTP/1.1 cannot carry") from None


def _decoded(content: bytes, encoding: bytes) -> bytes:
    """The body without its Content-Encoding (we ask for none; some servers send it)."""
    try:
        if encoding in (b"", b"identity"):
            return content
        if encoding in (b"gzip", b"x-gzip"):
            return zlib.decompress(content, wbits=31)
        if encoding == b"deflate":
            return zlib.decompress(content)
        if encoding == b"br":
            return bytes(brotli.decompress(content))
    except (zlib.error, brotli.error):
        raise PostFailed(f"the response's {encoding.decode()} encoding is corrupt") from None
    raise PostFailed(f"the response has an unsupported encoding {encoding.decode()!r}")
