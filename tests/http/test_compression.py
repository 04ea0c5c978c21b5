"""Response compression: brotli or gzip by Accept-Encoding, above a size threshold, and
streams compressed as they go. Real uvicorn servers, raw bytes read off the socket."""

from __future__ import annotations

import asyncio
import gzip
import zlib
from collections.abc import AsyncIterator

import brotli  # type: ignore[import-untyped]
import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from gateway.http.compression import CompressionMiddleware, choose_encoding
from tests.servers import running_app

LARGE = b'{"data": {"words": [' + b'"word", ' * 500 + b'"end"]}}'


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("identity", None),
        ("gzip", "gzip"),
        ("br", "br"),
        ("gzip, deflate, br", "br"),
        ("gzip;q=1.0, br;q=0.5", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("*", "br"),
        ("*;q=0.2, gzip;q=0", "br"),
        ("br;q=0, gzip;q=0", None),
        ("deflate, compress", None),
        ("GZIP", "gzip"),
        ("gzip;q=nonsense", None),
    ],
)
def test_choose_encoding(header: str | None, expected: str | None) -> None:
    assert choose_encoding(header) == expected


async def _large(request: Request) -> Response:
    return Response(LARGE, media_type="application/json")


async def _small(request: Request) -> Response:
    return Response(b'{"data": {"hello": "world"}}', media_type="application/json")


async def _already_encoded(request: Request) -> Response:
    return Response(gzip.compress(LARGE), headers={"content-encoding": "gzip"})


async def _stream(request: Request) -> Response:
    async def parts() -> AsyncIterator[bytes]:
        for index in range(5):
            yield (f"part {index} " * 300).encode()

    return StreamingResponse(parts(), media_type="text/plain")


#: Set by the test once it has decoded the first part: the stream then sends the rest.
FIRST_PART_SEEN = asyncio.Event()


async def _waiting_stream(request: Request) -> Response:
    async def parts() -> AsyncIterator[bytes]:
        yield b"first " * 300
        await FIRST_PART_SEEN.wait()
        yield b"second " * 300

    return StreamingResponse(parts(), media_type="text/plain")


async def _events(request: Request) -> Response:
    async def events() -> AsyncIterator[bytes]:
        for index in range(3):
            yield f"data: {'x' * 600} {index}\n\n".encode()

    return StreamingResponse(events(), media_type="text/event-stream")


def _app() -> CompressionMiddleware:
    routes = [
        Route("/large", _large),
        Route("/small", _small),
        Route("/encoded", _already_encoded),
        Route("/stream", _stream),
        Route("/events", _events),
        Route("/waiting", _waiting_stream),
        Route("/text", lambda request: PlainTextResponse("é" * 2000)),
    ]
    return CompressionMiddleware(Starlette(routes=routes), min_size=1024)


async def _raw(url: str, accept_encoding: str) -> tuple[httpx.Response, bytes]:
    headers = {"accept-encoding": accept_encoding}
    async with (
        httpx.AsyncClient(timeout=30) as client,
        client.stream("GET", url, headers=headers) as response,
    ):
        raw = b"".join([chunk async for chunk in response.aiter_raw()])
    return response, raw


@pytest.fixture
async def base_url() -> AsyncIterator[str]:
    async with running_app(_app()) as url:
        yield url


@pytest.mark.parametrize(
    ("accept_encoding", "decode"),
    [("br", brotli.decompress), ("gzip", gzip.decompress), ("gzip, br", brotli.decompress)],
)
async def test_large_response_is_compressed(
    base_url: str, accept_encoding: str, decode: object
) -> None:
    response, raw = await _raw(f"{base_url}/large", accept_encoding)
    expected = "br" if "br" in accept_encoding else "gzip"
    assert response.headers["content-encoding"] == expected
    assert response.headers["vary"] == "Accept-Encoding"
    assert int(response.headers["content-length"]) == len(raw)
    assert len(raw) < len(LARGE) / 10
    assert decode(raw) == LARGE  # type: ignore[operator]


@pytest.mark.parametrize("accept_encoding", ["identity", "deflate", "br;q=0, gzip;q=0"])
async def test_without_an_accepted_encoding_nothing_changes(
    base_url: str, accept_encoding: str
) -> None:
    response, raw = await _raw(f"{base_url}/large", accept_encoding)
    assert "content-encoding" not in response.headers
    assert raw == LARGE


async def test_small_response_is_sent_as_is(base_url: str) -> None:
    response, raw = await _raw(f"{base_url}/small", "br, gzip")
    assert "content-encoding" not in response.headers
    assert response.headers["vary"] == "Accept-Encoding"
    assert raw == b'{"data": {"hello": "world"}}'


async def test_already_encoded_response_passes_through(base_url: str) -> None:
    response, raw = await _raw(f"{base_url}/encoded", "br")
    assert response.headers["content-encoding"] == "gzip"
    assert gzip.decompress(raw) == LARGE


async def test_streamed_response_is_compressed_chunk_by_chunk(base_url: str) -> None:
    response, raw = await _raw(f"{base_url}/stream", "gzip")
    assert response.headers["content-encoding"] == "gzip"
    assert "content-length" not in response.headers
    expected = b"".join((f"part {i} " * 300).encode() for i in range(5))
    assert gzip.decompress(raw) == expected


async def test_each_streamed_part_is_flushed_as_it_comes(base_url: str) -> None:
    # The server holds back the second part until the client has decoded the first: a
    # middleware that buffered the stream would never let the first part through.
    FIRST_PART_SEEN.clear()
    decoder = zlib.decompressobj(31)
    decoded = b""
    async with (
        httpx.AsyncClient(timeout=30) as client,
        client.stream(
            "GET", f"{base_url}/waiting", headers={"accept-encoding": "gzip"}
        ) as response,
    ):
        assert response.headers["content-encoding"] == "gzip"
        chunks = response.aiter_raw()
        while decoded != b"first " * 300:
            decoded += decoder.decompress(await asyncio.wait_for(anext(chunks), 10))
        FIRST_PART_SEEN.set()
        async for chunk in chunks:
            decoded += decoder.decompress(chunk)
    assert decoded == b"first " * 300 + b"second " * 300


async def test_event_streams_are_never_compressed(base_url: str) -> None:
    response, raw = await _raw(f"{base_url}/events", "br, gzip")
    assert "content-encoding" not in response.headers
    assert raw.startswith(b"data: xxx")
    assert raw.count(b"data: ") == 3


async def test_text_response_keeps_its_charset(base_url: str) -> None:
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.get(f"{base_url}/text", headers={"accept-encoding": "br"})
    assert response.headers["content-encoding"] == "br"
    assert response.text == "é" * 2000  # httpx decodes brotli itself


async def test_gateway_compresses_large_graphql_responses(client: httpx.AsyncClient) -> None:
    query = {"query": "{ words(count: 2000) }"}
    plain = await client.post("/graphql", json=query, headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    for encoding in ("br", "gzip"):
        async with client.stream(
            "POST", "/graphql", json=query, headers={"accept-encoding": encoding}
        ) as response:
            raw = b"".join([chunk async for chunk in response.aiter_raw()])
        assert response.headers["content-encoding"] == encoding
        decoded = brotli.decompress(raw) if encoding == "br" else gzip.decompress(raw)
        assert decoded == plain.content
        assert len(raw) * 3 < len(plain.content)
    small = await client.post("/graphql", json={"query": "{ hello }"})
    assert "content-encoding" not in small.headers  # below the 1024-byte default
