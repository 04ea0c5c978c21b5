"""The platform the soak runs against: the subgraphs and one gateway from
``bench.platform``, as real processes on free ports over a seeded SQLite data set."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.platform import (
    free_port,
    platform_dataset,
    rss_bytes,
    running_gateway,
    running_subgraphs,
)
from gateway.auth.dev import DevKeys
from subgraphs.seed import Dataset

__all__ = ["Platform", "free_port", "rss_bytes", "running_platform", "steady_dataset"]


@dataclass
class Platform:
    url: str  # the gateway's GraphQL endpoint
    ws_url: str
    gateway_pid: int
    data: Dataset
    children: list[subprocess.Popen[bytes]]
    #: The dev signing keys the gateway trusts: the soak's learners get tokens from them.
    keys: DevKeys


def steady_dataset(users: int, courses: int, enrollments: int) -> Dataset:
    """Every learner already enrolled in ``enrollments`` to ``enrollments + 5`` courses.

    Completing a lesson enrolls the learner in its course, so on the default data set
    (most learners in 1-5 courses) the soak's own mutations fill the Home screen's page
    of enrollments (20) during the run: its responses grew from 1.1 to 7.2 KB and its
    latency 1.5x, which read as a drifting p99 when the work per request was what grew.
    Starting with full pages keeps the work per request the same from the first minute
    to the last, so a drift left in the table is the gateway's."""
    return platform_dataset(
        users, courses, enrolled_share=1.0, enrollments=(enrollments, enrollments + 5)
    )


@contextlib.contextmanager
def running_platform(
    users: int, courses: int, keep: Path | None = None, data: Dataset | None = None
) -> Iterator[Platform]:
    """Seed (``data``, or the default data set), start the subgraphs and the gateway;
    yields when all answer."""
    with (
        running_subgraphs(users, courses, keep, data) as subgraphs,
        running_gateway(subgraphs) as gateway,
    ):
        children = [*subgraphs.children, gateway.process]
        yield Platform(
            gateway.url, gateway.ws_url, gateway.pid, subgraphs.data, children, subgraphs.keys
        )
