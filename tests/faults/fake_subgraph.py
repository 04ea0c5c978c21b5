"""A subgraph process that fails on purpose: ``python -m tests.faults.fake_subgraph PORT MODE``.

A raw ``asyncio`` HTTP/1.1 server (keep-alive, Content-Length bodies), so every fault is
exact bytes on a real socket of a real process the tests can kill. It plays the
``reviews`` subgraph of ``tests.faults.helpers.SUPERGRAPH``: ``_entities`` answers one
review per representation, the ``addReview`` mutation echoes its body.

Modes:

- ``ok``: answers every request.
- ``hang``: reads the request, never answers (the connection stays open).
- ``slow:S``: answers after S seconds.

In both, a request whose connection the gateway closes first is reported as
``closed <n>`` (a gateway that gave up on it).
- ``close-after-headers``: sends a 200 head announcing a body, then closes.
- ``garbage``: answers bytes that are not HTTP, then closes.
- ``garbage-body``: a well-formed HTTP 200 whose body is not JSON.
- ``fail-first:N``: closes the first N connections' requests unanswered, then ``ok``.
- ``refuse-all``: closes every request unanswered.

It prints ``listening`` once bound and ``request <n>`` as each request arrives (the
tests wait on these lines: no sleeps), flushing every line.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from typing import Any

_count = 0


def _answer(body: dict[str, Any]) -> bytes:
    query = str(body.get("query", ""))
    variables = body.get("variables") or {}
    if "_entities" in query:
        representations = variables.get("representations") or []
        entities = [{"reviews": [{"body": f"review of {r.get('upc')}"}]} for r in representations]
        payload: dict[str, Any] = {"data": {"_entities": entities}}
    elif "addReview" in query:
        # The gateway may inline the argument or pass it as a variable.
        inline = re.search(r'body: *"([^"]*)"', query)
        text = inline.group(1) if inline else next(iter(variables.values()), "")
        payload = {"data": {"addReview": {"body": text}}}
    else:
        payload = {"errors": [{"message": "unexpected operation"}]}
    return json.dumps(payload).encode()


def _response(status: int, content: bytes, content_type: bytes = b"application/json") -> bytes:
    head = b"HTTP/1.1 %d OK\r\ncontent-type: %s\r\ncontent-length: %d\r\n\r\n" % (
        status,
        content_type,
        len(content),
    )
    return head + content


async def _read_request(reader: asyncio.StreamReader) -> bytes | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
    length = 0
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    try:
        return await reader.readexactly(length)
    except (asyncio.IncompleteReadError, ConnectionError):
        return None


async def _closed_within(reader: asyncio.StreamReader, seconds: float | None) -> bool:
    """Whether the peer closes the connection within ``seconds`` (None: ever)."""
    try:
        return await asyncio.wait_for(reader.read(1), seconds) == b""
    except TimeoutError:
        return False
    except ConnectionError:
        return True


async def _serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, mode: str) -> None:
    global _count
    try:
        while True:
            body = await _read_request(reader)
            if body is None:
                return
            _count += 1
            print(f"request {_count}", flush=True)
            if mode == "hang" or mode.startswith("slow:"):
                wait = None if mode == "hang" else float(mode.split(":", 1)[1])
                if await _closed_within(reader, wait):
                    print(f"closed {_count}", flush=True)  # the gateway gave up on it
                    return
            if mode == "close-after-headers":
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n")
                writer.write(b"content-length: 500\r\n\r\n")
                await writer.drain()
                return
            if mode == "garbage":
                writer.write(b"\x16\x03\x01 SSH-2.0-definitely not http\r\n\r\n\x00\xff")
                await writer.drain()
                return
            if mode == "refuse-all" or (
                mode.startswith("fail-first:") and _count <= int(mode.split(":", 1)[1])
            ):
                return
            if mode == "garbage-body":
                writer.write(_response(200, b"<html>proxy error</html>", b"text/html"))
            else:
                writer.write(_response(200, _answer(json.loads(body))))
            await writer.drain()
    finally:
        writer.close()


async def main(port: int, mode: str) -> None:
    server = await asyncio.start_server(
        lambda r, w: _serve(r, w, mode), "127.0.0.1", port, reuse_address=True
    )
    print("listening", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
