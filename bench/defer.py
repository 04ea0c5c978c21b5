"""``python -m bench.defer [--requests 30] [--delay 0.2]``: time to the first part.

The gateway (served by uvicorn on 127.0.0.1, in this process) over two small subgraphs
(``tests/execution/helpers.py``): ``catalog`` answers courses at once, ``reviews`` (each
course's rating) waits ``--delay`` seconds (200 ms) before every answer. Each case sends
``--requests`` requests one after another (after two to warm up) and reads the response
as it streams (``read_multipart``): when the first part arrived (the whole response, for
a JSON one) and when the last did. Prints a markdown table of medians and 95th
percentiles, in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import time

import httpx

from gateway.http.app import create_app
from tests.execution.helpers import SUPERGRAPH, make_subgraphs, read_multipart
from tests.planning.helpers import kit_gateway
from tests.servers import running_app

PLAIN = "query Home { courses { id title rating } }"
DEFERRED = 'query Home { courses { id title ... @defer(label: "ratings") { rating } } }'
APOLLO_ACCEPT = "multipart/mixed;deferSpec=20220824,application/json"
CASES = [
    ("without @defer", PLAIN, APOLLO_ACCEPT),
    ("@defer, client takes multipart", DEFERRED, APOLLO_ACCEPT),
    ("@defer, client without multipart", DEFERRED, "application/json"),
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def measure(
    client: httpx.AsyncClient, url: str, query: str, accept: str, requests: int
) -> tuple[list[float], list[float], int]:
    firsts: list[float] = []
    lasts: list[float] = []
    count = 0
    for index in range(requests + 2):
        _, parts = await read_multipart(client, url, query, accept)
        if index >= 2:  # the first two warm the plan cache and the connections
            firsts.append(parts[0].at * 1000)
            lasts.append(parts[-1].at * 1000)
            count = len(parts)
    return firsts, lasts, count


async def main(requests: int, delay: float) -> None:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs(delay=delay)) as gw:
        app = create_app(gw.gateway.config, gw.gateway)
        async with running_app(app) as base, httpx.AsyncClient(timeout=30) as client:
            url = f"{base}/graphql"
            rows = []
            for name, query, accept in CASES:
                firsts, lasts, parts = await measure(client, url, query, accept, requests)
                rows.append((name, parts, firsts, lasts))
    print(
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {platform.machine()},"
        f" {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (1 min);"
        f" {requests} requests per case, reviews subgraph delayed {delay * 1000:.0f} ms\n"
    )
    print("| case | parts | first part p50 ms | p95 | complete p50 ms | p95 |")
    print("|---|--:|--:|--:|--:|--:|")
    for name, parts, firsts, lasts in rows:
        print(
            f"| {name} | {parts} | {statistics.median(firsts):.1f} |"
            f" {percentile(firsts, 0.95):.1f} | {statistics.median(lasts):.1f} |"
            f" {percentile(lasts, 0.95):.1f} |"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--delay", type=float, default=0.2)
    args = parser.parse_args()
    asyncio.run(main(args.requests, args.delay))
