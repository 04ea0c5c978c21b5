"""The platform the soak runs against: the subgraphs and one gateway from
``bench.platform``, as real processes on free ports over a seeded SQLite data set."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.platform import free_port, rss_bytes, running_gateway, running_subgraphs
from gateway.auth.dev import DevKeys
from subgraphs.seed import Dataset

__all__ = ["Platform", "free_port", "rss_bytes", "running_platform"]


@dataclass
class Platform:
    url: str  # the gateway's GraphQL endpoint
    ws_url: str
    gateway_pid: int
    data: Dataset
    children: list[subprocess.Popen[bytes]]
    #: The dev signing keys the gateway trusts: the soak's learners get tokens from them.
    keys: DevKeys


@contextlib.contextmanager
def running_platform(users: int, courses: int, keep: Path | None = None) -> Iterator[Platform]:
    """Seed, start the subgraphs and the gateway; yields when all answer."""
    with (
        running_subgraphs(users, courses, keep) as subgraphs,
        running_gateway(subgraphs) as gateway,
    ):
        children = [*subgraphs.children, gateway.process]
        yield Platform(
            gateway.url, gateway.ws_url, gateway.pid, subgraphs.data, children, subgraphs.keys
        )
