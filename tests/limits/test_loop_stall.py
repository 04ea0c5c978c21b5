"""A hostile document at the default limits does not hold the event loop: a trivial
request sent while the gateway parses and validates 8,000 tokens is answered at once.

The gateway runs in its own process (as ``bench/limits.py`` runs it): in this process the
test client would share the GIL with it and measure itself.
"""

from __future__ import annotations

import asyncio
import statistics
import time

import httpx
import orjson
import pytest

from bench.limits import _free_port, one_round, start_gateway, tokens_names, wait_ready


@pytest.mark.timeout(180)
async def test_a_trivial_request_does_not_wait_for_a_hostile_document() -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/graphql"
    gateway = start_gateway(port)
    try:
        await wait_ready(url, time.monotonic() + 60)
        limits = httpx.Limits(max_connections=1)
        async with (
            httpx.AsyncClient(timeout=60, limits=limits) as hostile,
            httpx.AsyncClient(timeout=60, limits=limits) as prober,
        ):
            text = tokens_names(8_000)  # parsed whole, then refused by root fields
            rounds = []
            for index in range(3):
                body = orjson.dumps({"query": f"{text}\n#{index}"})
                rounds.append(await one_round(hostile, prober, url, body))
    finally:
        gateway.terminate()
        await asyncio.to_thread(gateway.wait, 30)
    handling = statistics.median(r[0] for r in rounds)
    waited = statistics.median(r[1] for r in rounds)
    assert [r[2] for r in rounds] == [400, 400, 400]
    # On the loop, the trivial request waited as long as the whole handling (~0.25 s).
    assert waited < 0.25, (waited, handling)
    assert waited < handling / 2, (waited, handling)
