"""A long-lived HTTP response fed by an outbox: the body of SSE and multipart streams.

    producer task ──put──> Outbox (bounded) ──> pump ──> the client's socket
                                     silence ──> keep-alive bytes (SSE ``:``, multipart ``{}``)
    the client goes away (``http.disconnect``) ──> producer cancelled, ``on_close`` runs

Writers ``await outbox.put(chunk)``: when the client reads slower than events come, the
outbox fills and the writer waits — the subscription's own queue (behind
``run_subscription``) then sees a slow consumer, instead of this process buffering without
bound. ``finish`` ends the body after what is queued; control chunks (the end of a stream,
an error) never wait for room, so a stream can always be ended.

A disconnect is seen from ``receive`` (ASGI ``http.disconnect``), so a subscription whose
client vanished is stopped even when it has nothing to send.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

#: Chunks a stream may hold for a slow client before writers wait.
OUTBOX_SIZE = 64


class Outbox:
    """The chunks waiting for one client, bounded for data, unbounded for control."""

    def __init__(self, size: int = OUTBOX_SIZE) -> None:
        self._chunks: deque[bytes] = deque()
        self._size = size
        self._readable = asyncio.Event()
        self._writable = asyncio.Event()
        self._writable.set()
        self.finished = False

    async def put(self, chunk: bytes) -> None:
        """Queue a data chunk, waiting while the outbox is full."""
        while len(self._chunks) >= self._size and not self.finished:
            self._writable.clear()
            await self._writable.wait()
        self.put_now(chunk)

    def put_now(self, chunk: bytes) -> None:
        """Queue a control chunk now, whatever the outbox holds (ignored once finished)."""
        if self.finished:
            return
        self._chunks.append(chunk)
        self._readable.set()

    def finish(self, last: bytes = b"") -> None:
        """End the body after what is queued (and ``last``)."""
        if last:
            self.put_now(last)
        self.finished = True
        self._readable.set()
        self._writable.set()

    async def get(self, timeout: float) -> bytes | None:
        """The next chunk; b"" after ``timeout`` seconds of silence; None once finished
        and drained."""
        if not self._chunks and not self.finished:
            self._readable.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    await self._readable.wait()
        if self._chunks:
            chunk = self._chunks.popleft()
            self._writable.set()
            return chunk
        return None if self.finished else b""


class EventStreamResponse(Response):
    """Streams ``outbox`` to the client with keep-alives until it is finished or the
    client goes away; ``producer`` (if any) runs beside it and is cancelled on a
    disconnect; ``on_close`` runs once the response is over, whatever ended it."""

    def __init__(
        self,
        outbox: Outbox,
        *,
        media_type: str,
        headers: dict[str, str],
        keepalive: bytes,
        keepalive_seconds: float,
        producer: Coroutine[Any, Any, None] | None = None,
        on_close: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        # As Starlette's StreamingResponse: no ``body`` (so no Content-Length).
        self.status_code = 200
        self.media_type = media_type
        self.background = None
        # ``X-Accel-Buffering``: a proxy (nginx) must pass each event on at once.
        self.init_headers({"Cache-Control": "no-cache", "X-Accel-Buffering": "no", **headers})
        self.outbox = outbox
        self.keepalive = keepalive
        self.keepalive_seconds = keepalive_seconds
        self.producer = producer
        self.on_close = on_close

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        producer = asyncio.create_task(self.producer) if self.producer is not None else None
        pump = asyncio.create_task(self._pump(send))
        watcher = asyncio.create_task(_disconnected(receive))
        try:
            await asyncio.wait({pump, watcher}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            # Whatever ended first (the body, the client, a cancellation of this request),
            # nothing of this stream may keep running.
            tasks = [t for t in (producer, pump, watcher) if t is not None]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if self.on_close is not None:
                await self.on_close()

    async def _pump(self, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        try:
            while (chunk := await self.outbox.get(self.keepalive_seconds)) is not None:
                body = chunk or self.keepalive
                await send({"type": "http.response.body", "body": body, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except OSError:
            pass  # the client is gone (uvicorn's ClientDisconnected): the watcher says so


async def _disconnected(receive: Receive) -> None:
    """Returns when the client has gone away (the request body, if any, was read)."""
    while (await receive())["type"] != "http.disconnect":
        pass
