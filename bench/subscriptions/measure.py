"""What the subscription benchmark reads from ``/proc`` about a gateway, and its table.

A gateway is a process tree (a Node peer forks a worker): memory and CPU are summed over
the process and its descendants. Upstream sockets are the tree's established TCP
connections to the progress subgraph's port: one per client subscription when nothing is
shared, one per distinct subscription when identical ones share a stream.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from bench.platform import cpu_seconds, rss_bytes
from bench.soak.report import percentile

_ESTABLISHED = "01"


def process_tree(pid: int) -> list[int]:
    """``pid`` and every descendant still running."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # exited meanwhile
        parent = int(stat[stat.rindex(")") + 2 :].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    tree, pending = [], [pid]
    while pending:
        current = pending.pop()
        tree.append(current)
        pending.extend(children.get(current, []))
    return tree


def tree_rss(pid: int) -> int:
    """Resident memory of ``pid``'s tree, in bytes."""
    total = 0
    for member in process_tree(pid):
        with contextlib.suppress(OSError, RuntimeError):  # exited since the listing
            total += rss_bytes(member)
    return total


def tree_cpu(pid: int) -> float:
    """CPU seconds ``pid``'s tree has used (exited children not counted)."""
    total = 0.0
    for member in process_tree(pid):
        with contextlib.suppress(OSError):
            total += cpu_seconds(member)
    return total


def upstream_sockets(pid: int, port: int) -> int:
    """Established TCP connections of ``pid``'s tree to ``127.0.0.1:port``."""
    inodes: set[str] = set()
    for member in process_tree(pid):
        try:
            for fd in os.scandir(f"/proc/{member}/fd"):
                target = os.readlink(fd.path)
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        except OSError:
            continue
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            remote_port = int(fields[2].rsplit(":", 1)[1], 16)
            if remote_port == port and fields[3] == _ESTABLISHED and fields[9] in inodes:
                count += 1
    return count


@dataclass
class Row:
    """One measured configuration: a gateway, a mix and a number of subscriptions."""

    gateway: str
    mix: str  # "shared" or "distinct"
    subscriptions: int  # live on the gateway (those that opened)
    distinct: int  # distinct subscriptions (learners) among them
    upstream: int  # upstream sockets to the progress subgraph
    rss_before: int  # bytes, before the subscriptions opened
    rss_after: int  # bytes, with all of them open and past their first event
    mutations: int  # completions driven (each one event per subscriber of its learner)
    expected: int  # events the clients should have received
    delivered: int
    duplicates: int
    cpu_seconds: float  # the gateway's, over the driven phase
    latencies: list[float]  # seconds from the mutation's response to each receipt
    errors: int  # failed mutations and subscriptions
    note: str = ""

    @property
    def kib_per_subscription(self) -> float:
        return (self.rss_after - self.rss_before) / 1024 / max(1, self.subscriptions)

    @property
    def cpu_ms_per_event(self) -> float:
        return 1000 * self.cpu_seconds / self.delivered if self.delivered else 0.0


HEADER = (
    "| gateway | mix | subscriptions | distinct | upstream sockets | RSS before MiB"
    " | RSS after MiB | KiB per subscription | events delivered | missed | CPU ms per event"
    " | latency p50 ms | latency p99 ms | errors |\n"
    "| --- | --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |"
)


def table_row(row: Row) -> str:
    if row.note:
        return f"| {row.gateway} | {row.mix} | {row.subscriptions:,} | {row.note} |"
    mib = 2**20
    missed = row.expected - row.delivered
    p50, p99 = (1000 * percentile(row.latencies, share) for share in (0.5, 0.99))
    return (
        f"| {row.gateway} | {row.mix} | {row.subscriptions:,} | {row.distinct:,}"
        f" | {row.upstream:,} | {row.rss_before / mib:.1f} | {row.rss_after / mib:.1f}"
        f" | {row.kib_per_subscription:.1f} | {row.delivered:,} | {missed:,}"
        f" | {row.cpu_ms_per_event:.2f} | {p50:.1f} | {p99:.1f}"
        f" | {row.errors + row.duplicates} |"
    )


def table(rows: list[Row]) -> str:
    return "\n".join([HEADER, *(table_row(row) for row in rows)])
