"""``python -m bench.soak``: a long run of mixed traffic against the whole platform.

The three subgraphs and the gateway run as processes over a seeded SQLite data set in
which every learner is already enrolled in ``--enrollments`` courses (see
``steady_dataset``: the work per request stays the same through the run); this process
sends, for ``--duration`` seconds (default 30 minutes):

- requests at a steady ``--rate`` (open loop): the app's persisted queries by manifest id
  (Home, Profile, CourseCatalogue, CourseDetail), ~20% mutations (CompleteLesson,
  SyncProgress) and ~3% hostile documents (deep nesting, 3000 aliases, syntax errors,
  unknown fields, broken JSON), which must all be refused with a 4xx;
- ``--subscriptions`` live ProgressUpdated subscriptions over graphql-transport-ws,
  ``--churn`` of them replaced per minute (closed by the client, a new one opened).

It prints the gateway's resident memory every ``--sample`` seconds, and per
``--window`` seconds the request rate, p50/p99 latencies, the mean size of the queries'
answers (the work per request must not grow during the run) and the errors (a 5xx, a
transport error or a GraphQL error on a legitimate request; a hostile document not
refused), where the time went (``bench/soak/attribution.py``: the gateway's own p99 and
each subgraph's, from its metrics), then the subscription counts. Exit status 1 when
any error was seen.

The load generator shares the machine with the gateway: on a small or busy machine its
own CPU use shapes the numbers; say so when quoting them.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import time
from typing import Any

from bench.soak.attribution import attribution_table, read_every
from bench.soak.platform import Platform, rss_bytes, running_platform, steady_dataset
from bench.soak.report import error_summary, latency_table, memory_table
from bench.soak.traffic import Recorder, Workload, requests, subscriptions


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--duration", type=float, default=1800, help="seconds (1800)")
    parser.add_argument("--rate", type=float, default=20, help="requests per second (20)")
    parser.add_argument("--subscriptions", type=int, default=500, help="live ones (500)")
    parser.add_argument("--churn", type=float, default=50, help="replaced per minute (50)")
    parser.add_argument("--window", type=float, default=300, help="latency window, s (300)")
    parser.add_argument("--sample", type=float, default=60, help="memory sample, s (60)")
    parser.add_argument("--users", type=int, default=300, help="seeded users (300)")
    parser.add_argument("--courses", type=int, default=60, help="seeded courses (60)")
    parser.add_argument(
        "--enrollments",
        type=int,
        default=20,
        help="each learner starts in this many courses or up to 5 more (20: Home's page is"
        " full from the start, so the responses do not grow during the run; 0: the default"
        " data set)",
    )
    return parser


async def _memory(pid: int, every: float, until: float, started: float) -> list[tuple[float, int]]:
    samples = [(0.0, rss_bytes(pid))]
    while True:
        wait = min(every, until - time.monotonic())
        if wait <= 0:
            break
        await asyncio.sleep(wait)
        samples.append((time.monotonic() - started, rss_bytes(pid)))
    return samples


async def soak(
    platform: Platform, args: argparse.Namespace
) -> tuple[Recorder, list[Any], list[Any]]:
    workload = Workload(platform.data, platform.keys)
    recorder = Recorder()
    until = recorder.started + args.duration
    metrics_url = platform.url.removesuffix("/graphql") + "/metrics"
    memory, readings, *_ = await asyncio.gather(
        _memory(platform.gateway_pid, args.sample, until, recorder.started),
        read_every(metrics_url, args.window, until),
        requests(platform.url, workload, recorder, args.rate, until),
        subscriptions(platform.ws_url, workload, recorder, args.subscriptions, args.churn, until),
    )
    return recorder, memory, readings


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so the platform's processes are stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print(
        f"soak: {args.duration:g}s at {args.rate:g} req/s, {args.subscriptions} subscriptions"
        f" ({args.churn:g}/min churn), {args.users} users, {args.courses} courses,"
        f" {args.enrollments or '1-5'} enrollments per learner",
        flush=True,
    )
    data = None
    if args.enrollments:
        data = steady_dataset(args.users, args.courses, args.enrollments)
    with running_platform(args.users, args.courses, data=data) as platform:
        recorder, memory, readings = asyncio.run(soak(platform, args))
    print("\n## Gateway memory\n")
    print(memory_table(memory))
    print(f"\n## Requests per {args.window:g}s window\n")
    print(latency_table(recorder, args.window, args.duration))
    print(f"\n## Where the time went, per {args.window:g}s window (the gateway's histograms)\n")
    print(attribution_table(readings))
    print("\n## Subscriptions\n")
    print(
        f"- opened {recorder.subscriptions_opened}, completed by the client"
        f" {recorder.subscriptions_closed}, events received {recorder.events}"
    )
    print("\n## Errors\n")
    print(error_summary(recorder))
    failed = any(not s.ok for s in recorder.samples) or recorder.subscription_errors
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
