"""``python -m bench.mobile_cache``: bytes on the wire and round trips of the app's home
screen, with HTTP caching from the graph and with and without the response cache.

The home screen is two persisted operations sent as GET by manifest id, as the mobile
app sends them: ``Home`` (the learner's enrollments and progress: private, 10 s) and
``CourseCatalogue`` (the first page of the catalogue: public, 120 s). Visits:

- **first visit**: nothing cached on the phone;
- **revisit within max-age**: the app's HTTP cache honours ``Cache-Control``: no request;
- **refresh (If-None-Match)**: the app revalidates what it holds (pull to refresh, or a
  revisit after max-age): the gateway answers 304 with no body when nothing changed;
Every measured phone's first visit comes after another learner's (the warm-up), so with
the response cache the public catalogue is already there; the learner's own ``Home`` is
not. Also the same first visit as plain POSTs of the operation text (no persisted ids, no HTTP
caching) as the baseline. Bytes are HTTP/1.1 message bytes as sent (request line or
status line, headers, body; brotli/gzip as negotiated), without TCP/TLS framing.
"Subgraph requests" is what the gateway asked the subgraphs for the screen; "ms" the
screen's wall time (both requests in parallel, as the app sends them), median of
``--runs`` repetitions, each with its own learner.

Everything runs in this process on real sockets: the three subgraphs (SQLite in a
temporary directory, seeded) and the gateway app, once without and once with the
response cache (in memory). Not a timed test: print the table, paste it in the README.
The POST baseline is measured without the response cache only (it is about bytes and
round trips).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from gateway.auth.dev import AUDIENCE, ISSUER, DevKeys
from gateway.config import GatewayConfig
from gateway.http.app import create_app
from subgraphs.policies import POLICIES
from subgraphs.seed import Dataset, generate, load

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "persisted_queries" / "manifest.json"
SUPERGRAPH = ROOT / "schema" / "supergraph.graphql"
SCREEN = (("Home", {"first": 20}), ("CourseCatalogue", {"first": 10}))
#: What the app sends with every request (Apollo Kotlin/iOS-like).
APP_HEADERS = {
    "accept": "application/graphql-response+json, application/json",
    "accept-encoding": "br, gzip",
    "apollographql-client-name": "learning-app",
    "apollographql-client-version": "3.2.0",
    "apollo-require-preflight": "true",
}

ASGI = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


class Counting:
    """Counts the HTTP requests an ASGI app receives (the bench's own instrument)."""

    def __init__(self, app: ASGI) -> None:
        self.app = app
        self.requests = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            self.requests += 1
        await self.app(scope, receive, send)


@dataclass
class Exchange:
    up: int
    down: int
    status: int


@dataclass
class Phone:
    """One app install: its bearer token and its HTTP cache (ETag, body, expiry)."""

    token: str
    cache: dict[str, tuple[str, float]] = field(default_factory=dict)


def _message_bytes(head: str, headers: list[tuple[bytes, bytes]], body: int) -> int:
    return len(head) + 2 + sum(len(k) + len(v) + 4 for k, v in headers) + 2 + body


async def send(
    client: httpx.AsyncClient, request: httpx.Request
) -> tuple[httpx.Response, Exchange]:
    response = await client.send(request)
    await response.aread()
    target = request.url.raw_path.decode()
    up = _message_bytes(
        f"{request.method} {target} HTTP/1.1", request.headers.raw, len(request.content)
    )
    down = _message_bytes(
        f"HTTP/1.1 {response.status_code} {response.reason_phrase}",
        response.headers.raw,
        response.num_bytes_downloaded,
    )
    return response, Exchange(up, down, response.status_code)


def _operations() -> dict[str, dict[str, Any]]:
    manifest = json.loads(MANIFEST.read_text())
    return {op["name"]: op for op in manifest["operations"]}


async def visit(client: httpx.AsyncClient, url: str, phone: Phone, mode: str) -> list[Exchange]:
    """One home screen: ``mode`` is ``get`` (persisted GETs, HTTP cache honoured),
    ``revalidate`` (GETs with If-None-Match, ignoring freshness) or ``post``."""
    operations = _operations()

    async def one(name: str, variables: dict[str, Any]) -> Exchange | None:
        headers = {**APP_HEADERS, "authorization": f"Bearer {phone.token}"}
        op = operations[name]
        if mode == "post":
            body = {"query": op["body"], "operationName": name, "variables": variables}
            request = client.build_request("POST", url, json=body, headers=headers)
            return (await send(client, request))[1]
        extensions = {"persistedQuery": {"version": 1, "sha256Hash": op["id"]}}
        params = {
            "operationName": name,
            "variables": json.dumps(variables, separators=(",", ":")),
            "extensions": json.dumps(extensions, separators=(",", ":")),
        }
        held = phone.cache.get(name)
        if held is not None and mode == "get" and held[1] > time.monotonic():
            return None  # fresh in the app's HTTP cache: no request at all
        if held is not None:
            headers["if-none-match"] = held[0]
        request = client.build_request("GET", url, params=params, headers=headers)
        response, exchange = await send(client, request)
        max_age = _max_age(response.headers.get("cache-control", ""))
        tag = response.headers.get("etag")
        if tag is not None and max_age is not None:
            phone.cache[name] = (tag, time.monotonic() + max_age)
        return exchange

    results = await asyncio.gather(*(one(name, variables) for name, variables in SCREEN))
    return [r for r in results if r is not None]


def _max_age(cache_control: str) -> int | None:
    for part in cache_control.split(","):
        name, _, value = part.strip().partition("=")
        if name == "max-age" and value.isdigit():
            return int(value)
    return None


@contextlib.asynccontextmanager
async def serving(app: Any) -> AsyncIterator[str]:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task
        sock.close()


@dataclass
class Row:
    visit: str
    cache: str
    exchanges: list[Exchange]
    subgraph_requests: int
    millis: list[float]

    def cells(self) -> list[str]:
        statuses = "+".join(str(e.status) for e in self.exchanges) or "-"
        return [
            self.visit,
            self.cache,
            str(len(self.exchanges)),
            statuses,
            f"{sum(e.up for e in self.exchanges):,}",
            f"{sum(e.down for e in self.exchanges):,}",
            str(self.subgraph_requests),
            f"{statistics.median(self.millis):.1f}" if self.millis else "-",
        ]


async def measure(runs: int) -> list[Row]:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="mobile-cache-") as tmp:
        directory = Path(tmp)
        data = generate(users=200, courses=40, instructors=10, enrolled_share=0.9, seed=11)
        names = ("users", "courses", "progress")
        databases = {n: f"sqlite+aiosqlite:///{directory / n}.sqlite3" for n in names}
        await load(data, databases, reset=True)
        keys = DevKeys.load_or_create(directory / "keys")
        os.environ["IDENTITY_SECRET"] = keys.signing_secret  # read when the apps are made
        (directory / "jwks.json").write_text(json.dumps(keys.jwks()))
        from subgraphs import courses, progress, users

        apps = {
            "users": Counting(users.create_app(databases["users"])),
            "courses": Counting(courses.create_app(databases["courses"])),
            "progress": Counting(progress.create_app(databases["progress"])),
        }
        async with contextlib.AsyncExitStack() as stack:
            urls = {n: await stack.enter_async_context(serving(a)) for n, a in apps.items()}
            learners = _learners(data, runs + 1)
            for cache in ("off", "on"):
                config = _config(directory, urls, keys, cache == "on")
                async with serving(create_app(config)) as base, httpx.AsyncClient() as client:
                    url = base + "/graphql"
                    rows += await _scenarios(client, url, apps, keys, learners, cache, runs)
    return rows


async def _scenarios(
    client: httpx.AsyncClient,
    url: str,
    apps: dict[str, Counting],
    keys: DevKeys,
    learners: list[str],
    cache: str,
    runs: int,
) -> list[Row]:
    def phone(user: str) -> Phone:
        return Phone(keys.mint(user, lifetime_seconds=3600))

    async def timed(phone_: Phone, mode: str) -> tuple[list[Exchange], int, float]:
        before = sum(a.requests for a in apps.values())
        started = time.perf_counter()
        exchanges = await visit(client, url, phone_, mode)
        elapsed = (time.perf_counter() - started) * 1000
        return exchanges, sum(a.requests for a in apps.values()) - before, elapsed

    rows = []
    phones = [phone(u) for u in learners]
    # The first learner warms the gateway (documents, plans) and, with the cache, the
    # catalogue: the "first visit" rows are each run's *own* first visit after that.
    await visit(client, url, phones[0], "get")
    first = [await timed(p, "get") for p in phones[1 : runs + 1]]
    if cache == "off":
        # The baseline: no persisted ids, no HTTP caching; the same learners (same bodies).
        post = [await timed(phone(u), "post") for u in learners[1 : runs + 1]]
        rows.append(Row("first visit, POST text", cache, *_summary(post)))
    rows.append(Row("first visit", cache, *_summary(first)))
    fresh = [await timed(p, "get") for p in phones[1 : runs + 1]]
    rows.append(Row("revisit within max-age", cache, fresh[0][0], fresh[0][1], []))
    refresh = [await timed(p, "revalidate") for p in phones[1 : runs + 1]]
    rows.append(Row("refresh (If-None-Match)", cache, *_summary(refresh)))
    return rows


def _summary(
    results: list[tuple[list[Exchange], int, float]],
) -> tuple[list[Exchange], int, list[float]]:
    return results[0][0], results[0][1], [r[2] for r in results]


def _learners(data: Dataset, count: int) -> list[str]:
    enrolled = {e["user_id"] for e in data.enrollments}
    found = [u["id"] for u in data.users if u["role"] == "LEARNER" and u["id"] in enrolled]
    if len(found) < count:
        raise SystemExit(f"the data set has {len(found)} enrolled learners; {count} needed")
    return found[:count]


def _config(directory: Path, urls: dict[str, str], keys: DevKeys, cache: bool) -> GatewayConfig:
    return GatewayConfig.model_validate(
        {
            "mode": "production",
            "supergraph": {"path": str(SUPERGRAPH), "watch": False},
            "subgraphs": {name: {"url": f"{url}/graphql"} for name, url in urls.items()},
            "auth": {
                "jwks_file": str(directory / "jwks.json"),
                "issuer": ISSUER,
                "audience": AUDIENCE,
                "signing_secret": keys.signing_secret,
            },
            "authorization": {"policies": POLICIES},
            "persisted": {"mode": "apq", "manifest": str(MANIFEST)},
            "observability": {"metrics": {"enabled": False}, "request_log": {"enabled": False}},
            "caching": {"response_cache": {"enabled": cache}},
        }
    )


def table(rows: list[Row]) -> str:
    head = [
        "visit",
        "response cache",
        "round trips",
        "statuses",
        "bytes up",
        "bytes down",
        "subgraph requests",
        "ms (median)",
    ]
    lines = ["| " + " | ".join(head) + " |", "|---|---|--:|---|--:|--:|--:|--:|"]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="repetitions per visit (learners)")
    args = parser.parse_args(argv)
    rows = asyncio.run(measure(args.runs))
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load = os.getloadavg()[0]
    machine = platform.processor() or platform.machine()
    print(f"{stamp}, {os.cpu_count()} cores, {machine}, load average {load:.1f} at the end")
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
