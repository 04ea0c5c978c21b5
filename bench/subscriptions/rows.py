"""One row of the subscription benchmark: a fresh gateway, ``size`` subscribers in one
mix, lessons completed at a steady rate, and what the gateway spent delivering them.

The steps, each for a reason:

1. warm-up: one subscription receives one event and closes, so the baseline memory
   already holds what the first subscription loads (code, plan caches);
2. baseline memory, then every subscriber opens (graphql-transport-ws, one subscription
   per websocket);
3. readiness probe: one completion per distinct learner, until every subscriber has
   received an event: then every upstream stream exists end to end (the gateway sends
   nothing when its upstream subscription is in place, so nothing else proves it);
4. memory and upstream sockets with all subscriptions live, once the probe's HTTP
   connections to the progress subgraph have closed (idle past its keep-alive);
5. the driven phase: ``rate`` completions per second for ``duration`` seconds, learners
   in turn; the gateway's CPU is read before it and after the last expected event
   arrived (or ``drain`` seconds passed);
6. each receipt is matched with its mutation by (learner, lesson): latency is the
   receipt's time minus the time the mutation's response arrived (both taken in this
   process; an event can beat the response, so a latency may be negative).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from bench.subscriptions.driver import Completions, Driver, Headers, Lessons
from bench.subscriptions.measure import Row, tree_cpu, tree_rss, upstream_sockets
from bench.subscriptions.subscribers import Credentials, Subscribers

#: Seconds without requests before the upstream sockets are counted.
IDLE = 6.0


@dataclass(frozen=True)
class Target:
    """A gateway under test and how learners authenticate to it."""

    name: str
    url: str
    ws_url: str
    pid: int
    credentials: Credentials  # connection_init payload
    headers: Headers  # mutation headers


@dataclass(frozen=True)
class Load:
    rate: float = 2.0  # completions per second
    duration: float = 15.0  # seconds of driving
    drain: float = 30.0  # seconds after the last mutation to wait for events
    shared_keys: int = 10  # distinct subscriptions in the shared mix
    probe_timeout: float = 120.0  # seconds for every subscriber's first event


def subscriber_learners(mix: str, size: int, pool: list[str], shared_keys: int) -> list[str]:
    """The learner of each subscriber: ``size`` distinct ones, or ``size`` subscribers
    spread evenly over the first ``shared_keys`` learners."""
    if mix == "distinct":
        if size > len(pool):
            raise ValueError(f"{size} distinct subscriptions need {size} learners")
        return pool[:size]
    keys = pool[: max(1, min(size, shared_keys))]
    return [keys[i % len(keys)] for i in range(size)]


async def _until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def probe(
    driver: Driver, subscribers: Subscribers, errors: Counter[str], timeout: float
) -> bool:
    """Complete a lesson for each learner whose subscribers have not all received an
    event yet, until all have (three rounds within ``timeout``)."""
    deadline = time.monotonic() + timeout

    def waiting() -> set[str]:
        return {
            subscribers.learners[i]
            for i, live in enumerate(subscribers.live)
            if live and subscribers.received[i] == 0
        }

    for _ in range(3):
        pending = waiting()
        if not pending:
            return True
        completions = await driver.once_each(sorted(pending))
        errors.update(completions.errors)
        left = max(1.0, (deadline - time.monotonic()) / 2)
        await _until(lambda: not waiting(), left)
    return not waiting()


def _match(
    subscribers: Subscribers, start: int, completions: Completions
) -> tuple[int, int, list[float]]:
    """Delivered events, duplicates, and latencies of receipts ``start:`` that match a
    driven mutation."""
    seen: set[tuple[int, str]] = set()
    duplicates = 0
    latencies: list[float] = []
    for index, lesson, at in subscribers.receipts[start:]:
        answered = completions.answered.get((subscribers.learners[index], lesson))
        if answered is None:
            continue  # a probe event, or a mutation that failed
        if (index, lesson) in seen:
            duplicates += 1
            continue
        seen.add((index, lesson))
        latencies.append(at - answered)
    return len(seen), duplicates, latencies


async def measure(
    target: Target,
    mix: str,
    size: int,
    pool: list[str],
    lessons: Lessons,
    load: Load,
    progress_port: int,
) -> tuple[Row, Counter[str]]:
    """Run one row against ``target`` (a fresh gateway); the row and the errors seen."""
    errors: Counter[str] = Counter()
    driver = Driver(target.url, target.headers, lessons)
    learners = subscriber_learners(mix, size, pool, load.shared_keys)
    keys = sorted(set(learners))

    warm = Subscribers(target.ws_url, target.credentials)
    await warm.open([pool[-1]])
    await probe(driver, warm, errors, load.probe_timeout)
    await warm.close()
    await asyncio.sleep(1.0)
    rss_before = tree_rss(target.pid)

    subscribers = Subscribers(target.ws_url, target.credentials)
    opened = await subscribers.open(learners)
    try:
        if not await probe(driver, subscribers, errors, load.probe_timeout):
            errors["probe: some subscribers received no event"] += 1
        # Quiet past the subgraphs' HTTP keep-alive (uvicorn: 5 s), so the gateway's
        # pooled HTTP connections to the progress subgraph (the probe's mutations) are
        # closed and the sockets left are its upstream websockets.
        await asyncio.sleep(IDLE)
        rss_after = tree_rss(target.pid)
        upstream = upstream_sockets(target.pid, progress_port)

        start = len(subscribers.receipts)
        cpu_before = tree_cpu(target.pid)
        driven = await driver.steady(keys, load.rate, load.duration)
        live = [
            owner for owner, up in zip(subscribers.learners, subscribers.live, strict=True) if up
        ]
        per_learner = Counter(live)
        expected = sum(per_learner[learner] for learner, _ in driven.answered)
        await _until(lambda: _match(subscribers, start, driven)[0] >= expected, load.drain)
        cpu = tree_cpu(target.pid) - cpu_before
        delivered, duplicates, latencies = _match(subscribers, start, driven)
    finally:
        await subscribers.close()
    errors.update(driven.errors)
    errors.update(subscribers.errors)
    errors.update(warm.errors)
    row = Row(
        gateway=target.name,
        mix=mix,
        subscriptions=opened,
        distinct=len(keys),
        upstream=upstream,
        rss_before=rss_before,
        rss_after=rss_after,
        mutations=len(driven.answered),
        expected=expected,
        delivered=delivered,
        duplicates=duplicates,
        cpu_seconds=cpu,
        latencies=latencies,
        errors=sum(errors.values()),
    )
    return row, errors
