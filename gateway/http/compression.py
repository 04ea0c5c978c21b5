"""Response compression, brotli or gzip by ``Accept-Encoding``: pure ASGI middleware.

Mobile networks pay for every byte, and GraphQL responses (repetitive JSON keys) shrink
five- to tenfold. A response smaller than ``min_size`` goes as it is: compressing it costs
more than it saves. A streamed response (several body messages) is compressed as it goes,
flushing after each message so nothing waits in the compressor; event streams
(``text/event-stream``, ``multipart/mixed``) and responses that already carry a
``Content-Encoding`` pass through untouched.
"""

from __future__ import annotations

import zlib
from typing import Protocol

import brotli  # type: ignore[import-untyped]
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Preferred first when the client accepts several equally.
SUPPORTED_ENCODINGS = ("br", "gzip")
_STREAMING_TYPES = ("text/event-stream", "multipart/")


def choose_encoding(accept_encoding: str | None) -> str | None:
    """The best of ``br``/``gzip`` the client accepts (``*`` accepts both); None: identity."""
    if not accept_encoding:
        return None
    weights: dict[str, float] = {}
    for item in accept_encoding.split(","):
        name, *params = (part.strip() for part in item.split(";"))
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        weights[name.lower()] = q
    scored = [
        (weights.get(encoding, weights.get("*", 0.0)), -rank, encoding)
        for rank, encoding in enumerate(SUPPORTED_ENCODINGS)
    ]
    q, _, best = max(scored)
    return best if q > 0 else None


class _Compressor(Protocol):
    def compress(self, data: bytes) -> bytes: ...
    def flush(self) -> bytes: ...
    def finish(self) -> bytes: ...


class _Gzip:
    def __init__(self, level: int) -> None:
        self._z = zlib.compressobj(level, zlib.DEFLATED, 31)  # 31: gzip framing

    def compress(self, data: bytes) -> bytes:
        return self._z.compress(data)

    def flush(self) -> bytes:
        return self._z.flush(zlib.Z_SYNC_FLUSH)

    def finish(self) -> bytes:
        return self._z.flush(zlib.Z_FINISH)


class _Brotli:
    def __init__(self, quality: int) -> None:
        self._b = brotli.Compressor(quality=quality)

    def compress(self, data: bytes) -> bytes:
        result: bytes = self._b.process(data)
        return result

    def flush(self) -> bytes:
        result: bytes = self._b.flush()
        return result

    def finish(self) -> bytes:
        result: bytes = self._b.finish()
        return result


class CompressionMiddleware:
    """Compresses HTTP responses of ``app`` at least ``min_size`` bytes long."""

    def __init__(
        self, app: ASGIApp, *, min_size: int = 1024, gzip_level: int = 6, brotli_quality: int = 4
    ) -> None:
        self.app = app
        self.min_size = min_size
        self.gzip_level = gzip_level
        self.brotli_quality = brotli_quality

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        encoding = choose_encoding(Headers(scope=scope).get("accept-encoding"))
        if encoding is None:
            await self.app(scope, receive, send)
            return
        compressor: _Compressor = (
            _Brotli(self.brotli_quality) if encoding == "br" else _Gzip(self.gzip_level)
        )
        responder = _CompressingSend(send, encoding, compressor, self.min_size)
        await self.app(scope, receive, responder)


class _CompressingSend:
    """The ``send`` handed to the app: holds the start until it knows the body's size."""

    def __init__(self, send: Send, encoding: str, compressor: _Compressor, min_size: int) -> None:
        self.send = send
        self.encoding = encoding
        self.compressor = compressor
        self.min_size = min_size
        self.start: Message | None = None
        self.buffer: list[bytes] = []
        self.buffered = 0
        self.mode = "deciding"  # then "identity" or "compress"

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.start = message
            headers = Headers(raw=message["headers"])
            content_type = headers.get("content-type", "")
            if "content-encoding" in headers or content_type.startswith(_STREAMING_TYPES):
                self.mode = "identity"
                await self.send(message)
            return
        if message["type"] != "http.response.body" or self.mode == "identity":
            await self.send(message)
            return
        body: bytes = message.get("body", b"")
        more = bool(message.get("more_body", False))
        if self.mode == "compress":
            await self._send_compressed(body, more)
            return
        self.buffer.append(body)
        self.buffered += len(body)
        if self.buffered < self.min_size:
            if more:
                return  # keep deciding
            await self._send_identity()
            return
        await self._begin_compression(more)

    async def _send_identity(self) -> None:
        assert self.start is not None
        self.mode = "identity"
        MutableHeaders(scope=self.start).add_vary_header("Accept-Encoding")
        await self.send(self.start)
        await self.send({"type": "http.response.body", "body": b"".join(self.buffer)})

    async def _begin_compression(self, more: bool) -> None:
        assert self.start is not None
        self.mode = "compress"
        headers = MutableHeaders(scope=self.start)
        headers["Content-Encoding"] = self.encoding
        headers.add_vary_header("Accept-Encoding")
        tag = headers.get("etag")
        if tag is not None and tag.startswith('"') and tag.endswith('"'):
            # A strong ETag names one representation: the encoded body gets its own
            # (gateway.caching.http matches both forms in If-None-Match).
            headers["ETag"] = f'{tag[:-1]}-{self.encoding}"'
        body = b"".join(self.buffer)
        self.buffer = []
        if more:
            del headers["Content-Length"]  # streamed: chunked transfer
            await self.send(self.start)
            await self._send_compressed(body, more=True)
            return
        compressed = self.compressor.compress(body) + self.compressor.finish()
        headers["Content-Length"] = str(len(compressed))
        await self.send(self.start)
        await self.send({"type": "http.response.body", "body": compressed})

    async def _send_compressed(self, body: bytes, more: bool) -> None:
        chunk = self.compressor.compress(body)
        chunk += self.compressor.flush() if more else self.compressor.finish()
        await self.send({"type": "http.response.body", "body": chunk, "more_body": more})
