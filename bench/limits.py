"""``python -m bench.limits``: how long one hostile document holds the gateway's event loop.

Starts a real gateway (``python -m gateway serve``, its own process, default limits, the
platform's supergraph; the subgraph URLs point at a closed port so that valid operations
fail fast at the fetch instead of waiting on a subgraph), then for each limit sends the
worst-case document that still fits that limit's default (and, for the document-wide caps,
the one just over it) while a second connection sends a trivial ``{ __typename }`` after
another. Reported per case, over ``--rounds`` rounds:

- ``handling``: the hostile request's time to answer (median, ms);
- ``stall``: the longest a concurrent trivial request took while the hostile one was being
  handled, minus the trivial request's quiet median (ms) — how long the hostile request
  held the loop: the median over rounds (what the budget is checked against: the machine's
  own scheduling hiccups show in single rounds) and the worst round.

The table goes in docs/limits.md ("Loop stalls"). A case over ``--budget`` ms (50) fails
the run (exit 1).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
TRIVIAL = {"query": "{ __typename }"}
HEADERS = {"accept": "application/graphql-response+json"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# -- the worst-case documents, one or more per limit -------------------------------------


def nested_course(levels: int) -> str:
    """course -> modules -> lessons -> course ... ``levels`` fields deep."""
    names = ["modules", "lessons", "course"]
    inner = "id"
    for level in range(levels - 2, 0, -1):
        inner = f"{names[(level - 1) % 3]} {{ id {inner} }}"
    return f'{{ course(id: "crs_0001") {{ {inner} }} }}'


def length_comment(chars: int) -> str:
    body = "{ __typename }"
    return "#" + "x" * (chars - len(body) - 2) + "\n" + body


def length_string(chars: int) -> str:
    head, tail = '{ course(id: "', '") { id } }'
    return head + "x" * (chars - len(head) - len(tail)) + tail


def length_block_string(chars: int) -> str:
    head, tail = '{ course(id: """', '""") { id } }'
    return head + "x" * (chars - len(head) - len(tail)) + tail


def tokens_names(tokens: int) -> str:
    """Field names side by side: refused by width after parsing ``tokens`` tokens."""
    return "{ " + "__typename " * (tokens - 2) + "}"


def tokens_list(tokens: int) -> str:
    """One list argument of ~``tokens`` items: no operation limit looks inside values."""
    items = tokens - 20
    return '{ courses(first: 1, search: "a", tag: ' + "[" + " 1" * items + "]) { totalCount } }"


def tokens_object(tokens: int) -> str:
    """An input object of ~``tokens``/3 fields (name, colon, value)."""
    fields = (tokens - 20) // 3
    inner = " ".join(f"f{i}: 1" for i in range(fields))
    return f"{{ courses(first: 1, search: {{ {inner} }}) {{ totalCount }} }}"


def tokens_variables(tokens: int) -> str:
    """Variable definitions with default values: ~``tokens``/6 of them."""
    count = (tokens - 8) // 6
    variables = " ".join(f"$v{i}: Int = 1" for i in range(count))
    return f"query Q({variables}) {{ __typename }}"


def nesting_lists(depth: int) -> str:
    return (
        "{ courses(first: 1, tag: "
        + "[" * (depth - 2)
        + "1"
        + "]" * (depth - 2)
        + ") { totalCount } }"
    )


def operations(count: int, tokens: int) -> str:
    per = max(1, (tokens // count - 5))
    return " ".join(f"query Q{i} {{ " + "__typename " * per + "}" for i in range(count))


def fragments_unused(count: int, tokens: int) -> str:
    per = max(1, tokens // count - 8)
    fragment = "fragment F{i} on Query {{ " + "__typename " * per + "}}"
    return "{ __typename } " + " ".join(fragment.format(i=i) for i in range(count))


def fragments_fan_out(count: int) -> str:
    """Each fragment spreads the next twice: 2^count fields if expanded."""
    parts = [f"fragment F{i} on User {{ id ...F{i + 1} ...F{i + 1} }}" for i in range(count - 1)]
    parts.append(f"fragment F{count - 1} on User {{ id name }}")
    return "{ me { ...F0 } } " + " ".join(parts)


def width(count: int) -> str:
    """``count`` selections of one field with distinct arguments (pairwise comparison)."""
    return "{ me { " + " ".join(f"avatarUrl(size: {i})" for i in range(count)) + " } }"


def width_everywhere(count: int, depth: int) -> str:
    """A wide set at every level of a deep operation."""
    inner = "id"
    for level in range(depth - 2, 0, -1):
        field = ["modules", "lessons", "course"][(level - 1) % 3]
        inner = f"{field} {{ {' '.join(['id'] * (count - 1))} {inner} }}"
    return f'{{ course(id: "crs_0001") {{ {inner} }} }}'


def aliases(count: int) -> str:
    return "{ me { " + " ".join(f"a{i}: name" for i in range(count)) + " } }"


def root_fields(count: int) -> str:
    return "{ " + " ".join(f"r{i}: __typename" for i in range(count)) + " }"


def directives(count: int) -> str:
    return "{ me { " + "id @include(if: true) " * count + "} }"


@dataclass(frozen=True)
class Case:
    limit: str
    name: str
    build: Callable[[], str]


def cases() -> list[Case]:
    """The worst case of each default limit (and the first refused beyond it)."""
    # 8 characters of the length limit are left for the comment that makes each round's
    # document distinct (the gateway caches documents by text).
    length, tokens = 131_072 - 8, 8_000
    return [
        Case("parser_max_length", f"{length:,}-char comment", lambda: length_comment(length)),
        Case("parser_max_length", f"{length:,}-char string", lambda: length_string(length)),
        Case(
            "parser_max_length",
            f"{length:,}-char block string",
            lambda: length_block_string(length),
        ),
        Case("parser_max_length", "1.9 MB (refused)", lambda: length_comment(1_900_000)),
        Case("parser_max_tokens", f"{tokens:,} field names", lambda: tokens_names(tokens)),
        Case("parser_max_tokens", f"list of ~{tokens:,} values", lambda: tokens_list(tokens)),
        Case(
            "parser_max_tokens", f"object of ~{tokens // 3:,} fields", lambda: tokens_object(tokens)
        ),
        Case("parser_max_tokens", f"~{tokens // 6:,} variables", lambda: tokens_variables(tokens)),
        Case("parser_max_tokens", "15,000 field names (refused)", lambda: tokens_names(15_000)),
        Case("parser_max_nesting", "200-deep list", lambda: nesting_lists(200)),
        Case("parser_max_nesting", "1,000-deep (refused)", lambda: nesting_lists(1_000)),
        Case("parser_max_operations", "100 operations", lambda: operations(100, tokens)),
        Case("parser_max_operations", "3,000 operations (refused)", lambda: operations(3000, 9000)),
        Case("parser_max_fragments", "100 unused fragments", lambda: fragments_unused(100, tokens)),
        Case("parser_max_fragments", "100 fragments, fan-out 2", lambda: fragments_fan_out(100)),
        Case(
            "parser_max_fragments",
            "2,000 fragments (refused)",
            lambda: fragments_unused(2000, 14_000),
        ),
        Case("depth", "depth 32", lambda: nested_course(32)),
        Case("width", "100 x avatarUrl(size: N)", lambda: width(100)),
        Case("width", "width 100 x depth 32", lambda: width_everywhere(100, 32)),
        Case("aliases", "30 aliases", lambda: aliases(30)),
        Case("root_fields", "20 root fields", lambda: root_fields(20)),
        Case("directives", "50 directives", lambda: directives(50)),
        Case("directives", "10,000 directives (refused)", lambda: directives(10_000)),
    ]


# -- the gateway and the measurement -----------------------------------------------------


def start_gateway(port: int) -> subprocess.Popen[bytes]:
    closed = _free_port()  # nothing listens there: fetches fail at once
    env = {
        **os.environ,
        "GATEWAY_SERVER__PORT": str(port),
        "GATEWAY_SUPERGRAPH__PATH": "schema/supergraph.graphql",
        "GATEWAY_SUPERGRAPH__WATCH": "false",
        "GATEWAY_ENGINE__DEDUPE_INBOUND_REQUESTS": "false",
        **{
            f"GATEWAY_SUBGRAPHS__{name}__URL": f"http://127.0.0.1:{closed}/graphql"
            for name in ("USERS", "COURSES", "PROGRESS")
        },
    }
    return subprocess.Popen(
        [sys.executable, "-m", "gateway", "serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def wait_ready(url: str, deadline: float) -> None:
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            try:
                if (await client.post(url, json=TRIVIAL)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("the gateway did not start")


async def quiet_latency(client: httpx.AsyncClient, url: str, count: int = 50) -> float:
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        await client.post(url, json=TRIVIAL)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


async def one_round(
    hostile: httpx.AsyncClient, prober: httpx.AsyncClient, url: str, body: bytes
) -> tuple[float, float, int]:
    """(handling, worst concurrent trivial latency, status) of one hostile request."""
    done = asyncio.Event()
    worst = 0.0

    async def probe() -> None:
        nonlocal worst
        while not done.is_set():
            started = time.perf_counter()
            await prober.post(url, json=TRIVIAL)
            worst = max(worst, time.perf_counter() - started)

    task = asyncio.create_task(probe())
    await asyncio.sleep(0.02)  # the prober is going
    started = time.perf_counter()
    response = await hostile.post(
        url, content=body, headers={**HEADERS, "content-type": "application/json"}
    )
    handling = time.perf_counter() - started
    done.set()
    await task
    return handling, worst, response.status_code


Row = tuple[Case, float, float, float, int, int]


async def measure(url: str, rounds: int) -> list[Row]:
    import orjson

    rows = []
    limits = httpx.Limits(max_connections=1)
    async with (
        httpx.AsyncClient(timeout=60, limits=limits) as hostile,
        httpx.AsyncClient(timeout=60, limits=limits) as prober,
    ):
        quiet = await quiet_latency(prober, url)
        for case in cases():
            text = case.build()
            results = []
            for index in range(rounds):
                body = orjson.dumps({"query": f"{text}\n#r{index}"})
                results.append(await one_round(hostile, prober, url, body))
            handling = statistics.median(r[0] for r in results) * 1000
            stalls = [max(0.0, (r[1] - quiet) * 1000) for r in results]
            rows.append(
                (case, handling, statistics.median(stalls), max(stalls), results[0][2], len(text))
            )
            print(f"{case.limit}: {case.name}: {handling:.1f} ms", file=sys.stderr)
    print(f"quiet trivial request: {quiet * 1000:.1f} ms", file=sys.stderr)
    return rows


def table(rows: list[Row], budget: float) -> str:
    lines = [
        "| limit (default) | worst-case document | chars | status | handling ms "
        "| stall ms (median) | stall ms (worst round) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for case, handling, stall, worst, status, chars in rows:
        flag = " **over**" if stall > budget else ""
        lines.append(
            f"| `{case.limit}` | {case.name} | {chars:,} | {status} | {handling:.1f} | "
            f"{stall:.1f}{flag} | {worst:.1f} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--budget", type=float, default=50.0, help="ms a case may stall")
    args = parser.parse_args()
    port = _free_port()
    url = f"http://127.0.0.1:{port}/graphql"
    gateway = start_gateway(port)
    try:
        asyncio.run(wait_ready(url, time.monotonic() + 60))
        rows = asyncio.run(measure(url, args.rounds))
    finally:
        gateway.terminate()
        gateway.wait(timeout=30)
    print(table(rows, args.budget))
    over = [row for row in rows if row[2] > args.budget]
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
