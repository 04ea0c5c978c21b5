"""Where the soak's latency goes: the gateway's own histograms, per window.

The client-side p99 says how slow; this says where. At every window boundary the soak
reads the gateway's ``/metrics``; the difference between two readings of
``gateway_request_duration_seconds`` (whole requests, as the gateway saw them) and of
``gateway_subgraph_request_duration_seconds`` (per subgraph) gives, per window, the
request count and a p99 upper bound (the bucket holding the 99th percentile). A client
p99 far above the gateway's is time spent outside the gateway (the load generator, the
network stack); a subgraph p99 close to the gateway's says that subgraph set the pace.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import defaultdict

import httpx
from prometheus_client.parser import text_string_to_metric_families

from bench.soak.report import clock

#: One reading: (histogram, label) -> {bucket upper bound: cumulative count}.
Reading = dict[tuple[str, str], dict[float, float]]

REQUEST = "gateway_request_duration_seconds"
SUBGRAPH = "gateway_subgraph_request_duration_seconds"


def parse(text: str) -> Reading:
    reading: Reading = defaultdict(dict)
    for family in text_string_to_metric_families(text):
        if family.name not in (REQUEST, SUBGRAPH):
            continue
        for sample in family.samples:
            if not sample.name.endswith("_bucket"):
                continue
            label = "gateway" if family.name == REQUEST else sample.labels["subgraph"]
            buckets = reading[(family.name, label)]
            bound = float(sample.labels["le"])
            buckets[bound] = buckets.get(bound, 0.0) + sample.value  # summed over operations
    return reading


async def read_every(url: str, every: float, until: float) -> list[tuple[float, Reading]]:
    """``/metrics`` at the start and every ``every`` seconds until ``until``."""
    started = time.monotonic()
    readings: list[tuple[float, Reading]] = []
    async with httpx.AsyncClient(timeout=10) as client:
        while True:
            try:
                response = await client.get(url)
                readings.append((time.monotonic() - started, parse(response.text)))
            except httpx.HTTPError:
                pass  # a missed reading merges two windows; not a soak error
            wait = min(every, until - time.monotonic())
            if wait <= 0:
                return readings
            await asyncio.sleep(wait)


def _p99(before: dict[float, float], after: dict[float, float]) -> tuple[int, float]:
    """Requests in the window and the upper bound of the bucket holding their p99."""
    deltas = sorted((bound, after[bound] - before.get(bound, 0.0)) for bound in after)
    total = deltas[-1][1] if deltas else 0.0
    for bound, count in deltas:
        if count >= 0.99 * total:
            return int(total), bound
    return int(total), float("inf")


def attribution_table(readings: list[tuple[float, Reading]]) -> str:
    keys = sorted({key for _, reading in readings for key in reading}, key=lambda k: k[1])
    names = [label for _, label in keys]
    lines = [
        "| window | " + " | ".join(f"{n} n / p99≤ ms" for n in names) + " |",
        "| --- |" + " ---: |" * len(names),
    ]
    for (start, before), (end, after) in itertools.pairwise(readings):
        cells = []
        for key in keys:
            count, bound = _p99(before.get(key, {}), after.get(key, {}))
            cells.append(f"{count} / {bound * 1000:g}" if count else "0 / -")
        lines.append(f"| {clock(start)}-{clock(end)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
