"""1,000 connect / subscribe / disconnect cycles leave nothing behind: no task, no
socket (client or upstream), no stream in the hub, no subscriber in the subgraph; and
what a closed subscription leaves is freed at once, not by a later GC pass.

Half of the cycles leave once the upstream subscription is open, half at once (while it
may still be opening); each subscribes twice, identically, so shares are released too.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
from collections import Counter

import pytest

from tests.subgraphs.helpers import pg_server
from tests.subscriptions.helpers import (
    PROGRESS,
    Platform,
    as_user,
    fresh_learner,
    wait_until,
    websocket,
)

CYCLES = 1000
WORKERS = 8


def described_files() -> dict[str, str]:
    """This process's file descriptors and what each is (socket:[inode], a path...)."""
    found = {}
    for fd in os.listdir("/proc/self/fd"):
        try:
            found[fd] = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue  # closed meanwhile
    return found


def database_sockets() -> set[str]:
    """``socket:[inode]`` of every TCP connection to the PostgreSQL server: a subgraph's
    pool keeps up to ``pool_size`` of them after a burst of concurrent subscriptions (each
    reads the learner's position), by design (failed CI once under `make test-postgres`)."""
    port = f"{pg_server().port or 5432:04X}"
    found = set()
    for table in ("/proc/self/net/tcp", "/proc/self/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as lines:
            for line in list(lines)[1:]:
                fields = line.split()
                if fields[2].rsplit(":", 1)[1] == port:  # the remote address's port
                    found.add(f"socket:[{fields[9]}]")
    return found


def open_sockets() -> int:
    """Sockets, except the subgraphs' database connections; the database pools may also
    keep more files open (SQLite) after a burst, by design."""
    pooled = database_sockets()
    return sum(
        what.startswith("socket:") and what not in pooled for what in described_files().values()
    )


async def cycle(platform: Platform, user: str, wait_for_upstream: bool) -> None:
    async with websocket(platform.ws_url) as client:
        await client.init(as_user(user))
        await client.subscribe("a", PROGRESS)
        await client.subscribe("b", PROGRESS)
        if wait_for_upstream:
            await platform.wait_for_subscribers(user, 1)


def nothing_running(platform: Platform, users: list[str]) -> bool:
    """No connection, subscriber or stream left in the gateway, nor in the subgraph."""
    gateway, hub = platform.gateway, platform.gateway.subscription_hub
    return (
        len(gateway.websockets) == 0
        and hub.subscribers == 0
        and len(hub) == 0
        and all(platform.subscribers(user) == 0 for user in users)
    )


@pytest.mark.timeout(600)
async def test_a_thousand_cycles_leave_nothing_behind(platform: Platform) -> None:
    hub = platform.gateway.subscription_hub
    users = [fresh_learner(platform.subgraphs, n) for n in range(WORKERS)]
    # Warm up (connection pools, caches, the first JWKS load), then take the baseline.
    for user in users:
        await cycle(platform, user, wait_for_upstream=True)

    def settled() -> bool:
        return nothing_running(platform, users)

    await wait_until(settled, "the warm-up to end")
    tasks, sockets, before = len(asyncio.all_tasks()), open_sockets(), described_files()

    async def worker(user: str) -> None:
        for number in range(CYCLES // WORKERS):
            await cycle(platform, user, wait_for_upstream=number % 2 == 0)

    await asyncio.gather(*(worker(user) for user in users))
    await wait_until(settled, "every connection, stream and upstream to end", timeout=30)
    await wait_until(lambda: len(asyncio.all_tasks()) <= tasks, "tasks to end", timeout=10)
    # Sockets close asynchronously (both ends live in this process): allow for a few
    # still closing, not one per cycle.
    with contextlib.suppress(AssertionError):
        await wait_until(lambda: open_sockets() <= sockets + 4, "sockets to close", timeout=10)
    new = {fd: what for fd, what in described_files().items() if before.get(fd) != what}
    assert open_sockets() <= sockets + 4, f"{sockets} sockets before, now also: {new}"
    assert hub.dropped == 0


async def test_closed_subscriptions_leave_no_reference_cycles(platform: Platform) -> None:
    """What a subscription leaves when it ends (its connection, subscriber, stream and
    tasks) is freed by reference counting: with the collector off, none of it is left
    for a GC pass (gateway/task_cycles.py; the soak's memory rose with such rings)."""
    user = fresh_learner(platform.subgraphs, WORKERS)
    await cycle(platform, user, wait_for_upstream=True)  # warm up
    await wait_until(lambda: nothing_running(platform, [user]), "the warm-up to end")
    gc.collect()
    gc.disable()
    try:
        for number in range(10):
            async with websocket(platform.ws_url) as client:
                await client.init(as_user(user))
                await client.subscribe("a", PROGRESS)
                await platform.wait_for_subscribers(user, 1)
                if number % 2:  # the client completes it, then leaves; or just leaves
                    await client.send({"id": "a", "type": "complete"})
                    await wait_until(lambda: len(platform.gateway.subscription_hub) == 0, "end")
        await wait_until(lambda: nothing_running(platform, [user]), "every subscription to end")
        await asyncio.sleep(0.2)  # the sockets' own closing handshakes
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        left = Counter(
            type(thing).__qualname__
            for thing in gc.garbage
            if type(thing).__module__.startswith("gateway.")
        )
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert not left, f"left for the collector: {dict(left)}"
