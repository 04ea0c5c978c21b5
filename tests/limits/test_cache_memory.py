"""Memory held by documents, on a real gateway over real HTTP: many large distinct
documents (refused or not), or one refused document sent again and again, leave the
gateway's memory where it was. The document cache is bounded in bytes, stores no text
over its size limit, and never keeps a request's frames alive through a cached error."""

from __future__ import annotations

import gc
import logging
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.limits.live import GRAPHQL_RESPONSE, live_gateway

MiB = 1024 * 1024


@pytest.fixture
def traced() -> Iterator[None]:
    """Trace Python allocations: the gateway serves on a thread of this process, so what
    it keeps is counted (RSS would mostly measure the allocator's arenas). Logging is off
    meanwhile: pytest keeps every captured log record of a test (the request log's line
    per request, for one), and that is the test runner's memory, not the gateway's."""
    logging.disable(logging.CRITICAL)
    tracemalloc.start()
    try:
        yield
    finally:
        tracemalloc.stop()
        logging.disable(logging.NOTSET)


def held() -> int:
    """Bytes of Python objects alive now."""
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


#: Allocations made by the gateway's code, the web stack it runs on and the text it holds
#: (not the test runner's, nor what earlier tests left running in this process).
_SERVING = [
    tracemalloc.Filter(True, "*/gateway/*"),
    tracemalloc.Filter(True, "*/starlette/*"),
    tracemalloc.Filter(True, "*/uvicorn/*"),
    tracemalloc.Filter(True, "*/graphql/*"),
]


def held_by_the_gateway() -> int:
    """Bytes alive now that the gateway's serving code allocated."""
    gc.collect()
    snapshot = tracemalloc.take_snapshot().filter_traces(_SERVING)
    return sum(stat.size for stat in snapshot.statistics("filename"))


def huge(index: int, size: int) -> str:
    """A distinct document of ``size`` characters (aliases: refused by length or tokens)."""
    head = f"{{ n{index}: hello "
    return head + "a: hello " * ((size - len(head)) // 9) + "}"


def commented(index: int, size: int) -> str:
    """A distinct valid document of ``size`` characters, under every parser limit."""
    return f"# {index} " + "x" * size + "\n{ hello }"


async def send(client: httpx.AsyncClient, url: str, query: str) -> int:
    response = await client.post(url, json={"query": query}, headers=GRAPHQL_RESPONSE)
    return response.status_code


@pytest.mark.timeout(180)
async def test_large_distinct_documents_leave_memory_bounded(tmp_path: Path, traced: None) -> None:
    with live_gateway(tmp_path) as url:
        async with httpx.AsyncClient(timeout=60) as client:
            for index in range(10):  # warm up: pools, first-use caches
                assert await send(client, url, huge(index, 1_000_000)) == 400
                assert await send(client, url, commented(index, 100_000)) == 200
            before = held()
            for index in range(10, 60):
                # 1 MB: refused by length; 100 KB of comment: valid, runs
                assert await send(client, url, huge(index, 1_000_000)) == 400
                assert await send(client, url, commented(index, 100_000)) == 200
            grown = held() - before
    # Unbounded, the cache kept every text: 50 x 1.1 MB = 55 MB.
    assert grown < 16 * MiB, f"grew {grown / MiB:.0f} MiB"


@pytest.mark.timeout(180)
async def test_a_refused_document_sent_again_and_again_holds_nothing(
    tmp_path: Path, traced: None
) -> None:
    # 20 KB: cached (under the size limit), and each request holds its own copy of it.
    refused = "{ nope " + "x" * 20_000 + " }"
    with live_gateway(tmp_path) as url:
        async with httpx.AsyncClient(timeout=60) as client:
            for _ in range(50):
                assert await send(client, url, refused) == 400
            before = held_by_the_gateway()
            for _ in range(500):
                assert await send(client, url, refused) == 400
            grown = held_by_the_gateway() - before
    # Raising the cached error itself chained every request's frames (and the text each
    # holds) onto it: 500 x 20 KB = 10 MB.
    assert grown < 2 * MiB, f"grew {grown / MiB:.1f} MiB"


@pytest.mark.timeout(180)
async def test_requests_with_distinct_variables_hold_little_each(
    tmp_path: Path, traced: None
) -> None:
    # Every distinct set of variables is a cost-cache entry (the mobile app's mutations
    # each carry their own client mutation id). Its key was orjson's bytes, which keep an
    # allocation ~4 KiB over their length: 1,000 entries held ~4 MiB, not the ~1 MiB that
    # the cache's byte budget counts.
    query = "query Greet($name: String!) { greet(name: $name) }"
    with live_gateway(tmp_path) as url:
        async with httpx.AsyncClient(timeout=60) as client:

            async def greet(index: int) -> None:
                body = {"query": query, "variables": {"name": f"learner {index}"}}
                response = await client.post(url, json=body, headers=GRAPHQL_RESPONSE)
                assert response.json() == {"data": {"greet": f"hello, learner {index}"}}

            for index in range(50):  # warm up: pools, first-use caches
                await greet(index)
            before = held_by_the_gateway()
            for index in range(50, 1050):
                await greet(index)
            grown = held_by_the_gateway() - before
    assert grown < 1.5 * MiB, f"1,000 distinct variables held {grown / MiB:.1f} MiB"
