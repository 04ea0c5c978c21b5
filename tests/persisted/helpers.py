"""The whole platform for end-to-end tests: the three subgraphs over seeded throwaway
databases and the real gateway app in front of them, all on real sockets in this loop."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from gateway.config import GatewayConfig
from gateway.http.app import create_app
from subgraphs.policies import POLICIES
from subgraphs.seed.dataset import Dataset
from tests.auth.helpers import gateway_auth
from tests.servers import running_app
from tests.subgraphs.helpers import running_subgraphs

ROOT = Path(__file__).resolve().parents[2]
SUPERGRAPH = ROOT / "schema" / "supergraph.graphql"
MANIFEST = ROOT / "persisted_queries" / "manifest.json"


class Platform:
    """The running platform: the gateway's GraphQL endpoint and the seeded data."""

    def __init__(self, url: str, data: Dataset) -> None:
        self.url = url
        self.data = data

    def __repr__(self) -> str:  # the data set's repr is hundreds of kB
        return f"Platform({self.url!r})"

    def _repr_pretty_(self, printer: Any, _cycle: bool) -> None:  # hypothesis's printer
        printer.text(repr(self))


def platform_config(
    subgraph_urls: dict[str, str], persisted: dict[str, Any], redis_url: str | None, **limits: Any
) -> GatewayConfig:
    return GatewayConfig.model_validate(
        {
            "mode": "dev",
            "supergraph": {"path": str(SUPERGRAPH), "watch": False},
            "subgraphs": {name: {"url": url} for name, url in subgraph_urls.items()},
            "auth": gateway_auth(),
            "authorization": {"policies": POLICIES},
            "persisted": persisted,
            "limits": limits,
            "redis_url": redis_url,
        }
    )


@contextlib.asynccontextmanager
async def running_platform(
    persisted: dict[str, Any], redis_url: str | None = None, **limits: Any
) -> AsyncIterator[Platform]:
    async with running_subgraphs(redis_url=redis_url) as subgraphs:
        config = platform_config(subgraphs.urls, persisted, redis_url, **limits)
        async with running_app(create_app(config)) as base:
            yield Platform(f"{base}{config.server.graphql_path}", subgraphs.data)


def learner(data: Dataset) -> tuple[str, str, str, str]:
    """(user id, an enrolled course, a lesson of it not yet completed, a course the user
    is not enrolled in) for a learner of the seed data."""
    done = {(c["user_id"], c["lesson_id"]) for c in data.completions}
    for user in data.users:
        if user["role"] != "LEARNER":
            continue
        enrolled = [e["course_id"] for e in data.enrollments if e["user_id"] == user["id"]]
        others = [c["id"] for c in data.courses if c["id"] not in enrolled]
        for course in enrolled:
            open_lessons = [
                lesson["id"]
                for lesson in data.lessons
                if lesson["course_id"] == course and (user["id"], lesson["id"]) not in done
            ]
            if len(open_lessons) >= 2 and others:
                return user["id"], course, open_lessons[0], others[0]
    raise AssertionError("the seed data has no learner with open lessons")


class ThreadedPlatform:
    """``running_platform`` on its own thread and event loop, for synchronous tests
    (hypothesis drives its examples synchronously)."""

    def __init__(self, persisted: dict[str, Any], **limits: Any) -> None:
        self.persisted = persisted
        self.limits = limits
        self.platform: Platform | None = None
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        try:
            async with running_platform(self.persisted, **self.limits) as platform:
                self.platform = platform
                self._ready.set()
                await self._stop.wait()
        except BaseException as error:
            self._error = error
            self._ready.set()

    def __enter__(self) -> Platform:
        self._thread.start()
        if not self._ready.wait(timeout=60) or self.platform is None:
            raise RuntimeError(f"the platform did not start: {self._error!r}")
        return self.platform

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=30)
