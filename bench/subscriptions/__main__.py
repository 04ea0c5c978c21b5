"""``python -m bench.subscriptions``: live progress through the gateway at scale.

The three subgraphs run as processes over one seeded SQLite data set; for every gateway,
mix and size a fresh gateway process starts (``bench/subscriptions/rows.py`` has the
steps), ``size`` clients subscribe to ``progressUpdated`` over graphql-transport-ws, and
a driver completes lessons through the gateway at a steady rate. Two mixes:

- ``shared``: the subscribers spread over ``--shared-keys`` learners (the same
  subscription, identity and variables, many times: one learner's phone, tablet and
  laptop, or many viewers of one dashboard);
- ``distinct``: one learner per subscriber.

Per row: the gateway's memory per subscription (RSS with all open, minus before, over
the count), its CPU per delivered event (``/proc`` CPU time over the driven phase, which
includes the completing mutations themselves, over the events delivered), and delivery
latency p50/p99 from the completing mutation's response to each client's receipt.
Prints a markdown table. The clients run in this process on the same machine: on a small
machine their CPU competes with the gateway's; say so when quoting the numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import resource
import signal
import sys
import time
from collections import Counter

from bench.harness.gateways import Unavailable
from bench.harness.machine import describe_machine
from bench.platform import running_subgraphs
from bench.subscriptions.driver import Lessons
from bench.subscriptions.measure import Row, table, table_row
from bench.subscriptions.rows import Load, measure
from bench.subscriptions.targets import GATEWAYS, running_target


def _numbers(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part]


def _names(text: str) -> list[str]:
    return [part for part in text.split(",") if part]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.subscriptions", description=__doc__)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    add = parser.add_argument
    add("--sizes", type=_numbers, default=[1, 100, 1000, 5000], help="1,100,1000,5000")
    add("--mixes", type=_names, default=["shared", "distinct"], help="shared,distinct")
    add("--gateways", type=_names, default=list(GATEWAYS), help=",".join(GATEWAYS))
    add("--rate", type=float, default=2.0, help="completions per second (2)")
    add("--duration", type=float, default=15.0, help="seconds of completions per row (15)")
    add("--drain", type=float, default=30.0, help="seconds to wait for late events (30)")
    add("--shared-keys", type=int, default=10, help="learners in the shared mix (10)")
    add("--courses", type=int, default=60, help="seeded courses (60)")
    add("--probe-timeout", type=float, default=180.0, help="readiness, seconds (180)")
    return parser


def _raise_file_limit() -> None:
    """Sockets for every subscriber here, and (inherited) in the gateway."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def run(args: argparse.Namespace) -> tuple[list[Row], Counter[str]]:
    """Every row of ``args``, printed as it completes; the rows and the errors seen."""
    load = Load(args.rate, args.duration, args.drain, args.shared_keys, args.probe_timeout)
    # Learners for the largest distinct row, plus one for the warm-up (the seed makes
    # one admin and a twentieth of the users instructors).
    users = math.ceil((max(args.sizes) + 3) / 0.95) + 2
    machine = describe_machine()
    print(
        f"subscriptions: {machine['date']}, {machine['nproc']} cores ({machine['cpu_model']}),"
        f" load average {machine['load_average_at_start'][0]:.2f}; {users} users,"
        f" {args.courses} courses; {args.rate:g} completions/s for {args.duration:g} s a row",
        flush=True,
    )
    rows: list[Row] = []
    problems: Counter[str] = Counter()
    with running_subgraphs(users, args.courses) as subgraphs:
        lessons = Lessons(subgraphs.data)
        pool = [u["id"] for u in subgraphs.data.users if u["role"] == "LEARNER"]
        progress_port = int(subgraphs.urls["progress"].split(":")[2].split("/")[0])
        for gateway in args.gateways:
            for size in args.sizes:
                for mix in args.mixes:
                    started = time.monotonic()
                    try:
                        with running_target(gateway, subgraphs) as target:
                            row, errors = asyncio.run(
                                measure(target, mix, size, pool, lessons, load, progress_port)
                            )
                    except Exception as error:  # one row fails; the others still run
                        reason = str(error) if isinstance(error, Unavailable) else repr(error)
                        row = Row(gateway, mix, size, 0, 0, 0, 0, 0, 0, 0, 0, 0.0, [], 1)
                        row.note = f"not run: {reason}"[:300]
                        errors = Counter({reason: 1})
                    rows.append(row)
                    problems.update({f"{gateway} {mix} {size}: {k}": v for k, v in errors.items()})
                    print(f"{table_row(row)} ({time.monotonic() - started:.0f} s)", flush=True)
    return rows, problems


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwind: stop the children
    _raise_file_limit()
    rows, problems = run(args)
    print("\n" + table(rows))
    if problems:
        print("\nErrors:\n" + "\n".join(f"- {n} x {what}" for what, n in problems.most_common(20)))
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
