"""Every knob of a benchmark run, read from ``BENCH_*`` environment variables.

The defaults finish a full ``make bench`` in about 15 minutes on a 2-core machine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = BENCH_DIR.parent


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def _ints(name: str, default: str) -> tuple[int, ...]:
    return tuple(int(x) for x in os.environ.get(name, default).split(",") if x.strip())


def _names(name: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in os.environ.get(name, "").split(",") if x.strip())


@dataclass(frozen=True)
class Settings:
    #: Seconds of load per measured run (one gateway, one concurrency, one round).
    duration: float = field(default_factory=lambda: _float("BENCH_DURATION", 10))
    #: Rounds; each round runs every gateway once in turn (A B C A B C ...).
    rounds: int = field(default_factory=lambda: _int("BENCH_ROUNDS", 3))
    #: Seconds of unmeasured load per gateway and concurrency before the first round.
    warmup: float = field(default_factory=lambda: _float("BENCH_WARMUP", 3))
    #: Connection counts to measure.
    concurrency: tuple[int, ...] = field(default_factory=lambda: _ints("BENCH_CONCURRENCY", "1,50"))
    #: Only these gateways (ids like ``ours``, ``apollo-gateway``); empty: all.
    only: tuple[str, ...] = field(default_factory=lambda: _names("BENCH_GATEWAYS"))
    #: Entity counts of the scaling benchmark; empty skips it.
    scale_sizes: tuple[int, ...] = field(
        default_factory=lambda: _ints("BENCH_SCALE_SIZES", "10,100,1000,10000")
    )
    #: Seconds of load per gateway and size in the scaling benchmark.
    scale_duration: float = field(default_factory=lambda: _float("BENCH_SCALE_DURATION", 5))
    #: Measure the floor (the plan's subgraph requests sent straight to the subgraphs).
    floor: bool = field(default_factory=lambda: os.environ.get("BENCH_FLOOR", "1") != "0")
    #: CPU core of the gateway under test, and of the load generator + subgraphs.
    gateway_core: int = field(default_factory=lambda: _int("BENCH_GATEWAY_CORE", 0))
    load_core: int = field(default_factory=lambda: _int("BENCH_LOAD_CORE", 1))
    #: Port of the bench subgraphs; gateways listen from ``gateway_port`` upwards.
    subgraph_port: int = field(default_factory=lambda: _int("BENCH_SUBGRAPH_PORT", 4200))
    gateway_port: int = field(default_factory=lambda: _int("BENCH_GATEWAY_PORT", 4300))
    #: Seconds a gateway may take to answer its first request.
    start_timeout: float = field(default_factory=lambda: _float("BENCH_START_TIMEOUT", 90))
    #: Where ``latest.md`` and ``latest.json`` go.
    out_dir: Path = field(
        default_factory=lambda: Path(os.environ.get("BENCH_OUT", BENCH_DIR / "results"))
    )
    #: Scratch space for generated configs and logs.
    run_dir: Path = field(
        default_factory=lambda: Path(os.environ.get("BENCH_RUN_DIR", BENCH_DIR / ".run"))
    )
    #: Our gateway's command, before ``--config FILE``.
    ours_command: str = field(
        default_factory=lambda: os.environ.get("BENCH_OURS_COMMAND", "-m gateway serve")
    )

    def wants(self, gateway_id: str) -> bool:
        return not self.only or gateway_id in self.only
