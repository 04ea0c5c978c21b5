"""Load generators, both outside Python: wrk (with ``wrk/post.lua``, which checks every
response's status and length) for gateways, and ``peers/floor.mjs`` for the floor."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from bench.harness.procs import pinned
from bench.harness.settings import BENCH_DIR

POST_LUA = BENCH_DIR / "wrk" / "post.lua"
FLOOR_DRIVER = BENCH_DIR / "peers" / "floor.mjs"


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    #: Responses that were not 200, had the wrong length, or failed at the socket.
    errors: int
    raw: dict[str, Any]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_available() -> str | None:
    """wrk's path, or None."""
    return shutil.which("wrk")


def start_wrk(
    url: str,
    body_file: Path,
    expected_length: int,
    connections: int,
    seconds: float,
    core: int | None,
) -> subprocess.Popen[str]:
    """wrk running in the background; ``finish_wrk`` waits for it and parses its result."""
    argv = pinned(
        core,
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            str(POST_LUA),
            url,
            "--",
            str(body_file),
            str(expected_length),
        ],
    )
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish_wrk(process: subprocess.Popen[str], timeout: float) -> LoadResult:
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
    line = next((x for x in stdout.splitlines() if x.startswith("BENCH_RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed ({process.returncode}): {stderr.strip()[-500:]}")
    raw = orjson.loads(line.removeprefix("BENCH_RESULT "))
    socket_errors = raw["connect_errors"] + raw["read_errors"] + raw["write_errors"]
    errors = raw["non_200"] + raw["wrong_length"] + socket_errors + raw["timeouts"]
    return LoadResult(
        requests=raw["requests"],
        seconds=raw["duration_us"] / 1e6,
        p50_ms=raw["p50_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        errors=errors,
        raw=raw,
    )


def run_wrk(
    url: str,
    body_file: Path,
    expected_length: int,
    connections: int,
    seconds: float,
    core: int | None,
) -> LoadResult:
    process = start_wrk(url, body_file, expected_length, connections, seconds, core)
    return finish_wrk(process, seconds + 60)


def run_floor(plan_file: Path, connections: int, seconds: float, core: int | None) -> LoadResult:
    """The recorded plan's subgraph requests, level by level, straight to the subgraphs."""
    argv = pinned(core, ["node", str(FLOOR_DRIVER), str(plan_file), str(connections), str(seconds)])
    out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60)
    if out.returncode != 0:
        raise RuntimeError(f"floor driver failed: {out.stderr.strip()[-500:]}")
    raw = orjson.loads(out.stdout.strip().splitlines()[-1])
    return LoadResult(
        requests=raw["plans"],
        seconds=raw["seconds"],
        p50_ms=raw["p50_ms"],
        p99_ms=raw["p99_ms"],
        errors=raw["errors"],
        raw=raw,
    )


def plan_levels(fetches: list[dict[str, Any]], delay_ms: float) -> list[list[dict[str, Any]]]:
    """Recorded subgraph fetches grouped into the plan's levels.

    While recording, the subgraphs hold every answer back ``delay_ms``: fetches sent in
    parallel arrive together, a fetch that needed an earlier answer arrives at least
    ``delay_ms`` after it. A fetch arriving more than half the delay after the first of the
    current level starts the next level.
    """
    levels: list[list[dict[str, Any]]] = []
    level_start = float("-inf")
    for fetch in sorted(fetches, key=lambda f: float(f["at_ms"])):
        if fetch["at_ms"] - level_start > delay_ms / 2:
            levels.append([])
            level_start = fetch["at_ms"]
        levels[-1].append(
            {"subgraph": fetch["subgraph"], "body": fetch["body"], "length": fetch["length"]}
        )
    return levels
