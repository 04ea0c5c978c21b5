"""Helpers shared by the HTTP, audit and browser tests: the real gateway on a real server."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
from httpx_sse import EventSource

from gateway.config import GatewayConfig
from gateway.http.app import create_app
from subgraphs.seed.dataset import Dataset
from tests.servers import ThreadedServer
from tests.subscriptions.helpers import Platform, as_user, fresh_learner


def gateway_config(supergraph_path: Path | str, mode: str = "dev", **server: Any) -> GatewayConfig:
    """A config reading (not watching) ``supergraph_path``, with ``server`` options."""
    return GatewayConfig.model_validate(
        {
            "mode": mode,
            "supergraph": {"path": str(supergraph_path), "watch": False},
            "server": server,
        }
    )


@contextlib.contextmanager
def gateway_server(sdl: str, directory: Path, mode: str = "dev", **server: Any) -> Iterator[str]:
    """The gateway for ``sdl`` on 127.0.0.1:<free port>; yields its base URL."""
    path = directory / "supergraph.graphql"
    path.write_text(sdl)
    with ThreadedServer(create_app(gateway_config(path, mode, **server))) as running:
        yield running.url


# -- Streams: GraphQL over SSE and Apollo's multipart subscriptions ----------------------

#: Live progress with a field from each subgraph: progress (the event, ``progress``),
#: courses (``lesson``, ``course``), users (the course's instructor's ``name``).
LIVE = """subscription Live($courseId: ID) { progressUpdated(courseId: $courseId) {
    occurredAt lesson { id title } course { id title instructor { id name } }
    progress { completedLessons status } } }"""
#: What graphql-sse clients send.
SSE = {"accept": "text/event-stream"}
#: What Apollo Client sends for a subscription.
MULTIPART = {"accept": 'multipart/mixed;boundary="graphql";subscriptionSpec=1.0,application/json'}


@contextlib.asynccontextmanager
async def live_stream(
    platform: Platform, accept: dict[str, str]
) -> AsyncIterator[tuple[str, httpx.Response]]:
    """A fresh learner's ``LIVE`` subscription, posted with ``accept`` (``SSE`` or
    ``MULTIPART``): the learner and the streamed response."""
    user = fresh_learner(platform.subgraphs)
    headers = {**accept, **as_user(user)}
    async with platform.http.stream(
        "POST", platform.url, json={"query": LIVE}, headers=headers
    ) as response:
        yield user, response


def expected_event(data: Dataset, user: str, lesson_id: str, completed: int) -> dict[str, Any]:
    """The shaped ``progressUpdated`` of ``user`` completing ``lesson_id`` (not its time)."""
    lesson = next(x for x in data.lessons if x["id"] == lesson_id)
    course = next(c for c in data.courses if c["id"] == lesson["course_id"])
    instructor = next(u for u in data.users if u["id"] == course["instructor_id"])
    return {
        "lesson": {"id": lesson["id"], "title": lesson["title"]},
        "course": {
            "id": course["id"],
            "title": course["title"],
            "instructor": {"id": instructor["id"], "name": instructor["name"]},
        },
        "progress": {"completedLessons": completed, "status": "IN_PROGRESS"},
    }


def without_time(event: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in event.items() if k != "occurredAt"}


MANIFEST = Path(__file__).parents[2] / "persisted_queries" / "manifest.json"


def manifest_id(name: str) -> str:
    """The id (hash) of the app's operation ``name`` in the persisted query manifest."""
    operations = json.loads(MANIFEST.read_text())["operations"]
    found: str = next(o["id"] for o in operations if o["name"] == name)
    return found


def persisted(op_id: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": op_id}}


class SseReader:
    """The events of a streamed SSE response, one at a time (``httpx-sse``'s parser)."""

    def __init__(self, response: httpx.Response) -> None:
        self._events = EventSource(response).aiter_sse()

    async def next(self, timeout: float = 10) -> tuple[str, Any]:
        """(event, data as JSON or None); ``StopAsyncIteration`` once the body ended."""
        event = await asyncio.wait_for(anext(self._events), timeout)
        return event.event, (json.loads(event.data) if event.data else None)

    async def ended(self, timeout: float = 10) -> bool:
        try:
            await asyncio.wait_for(anext(self._events), timeout)
        except StopAsyncIteration:
            return True
        return False


class MultipartReader:
    """The JSON parts of a streamed ``multipart/mixed`` response, as they arrive."""

    def __init__(self, response: httpx.Response, boundary: str = "graphql") -> None:
        self._chunks = response.aiter_bytes()
        self._delimiter = b"\r\n--" + boundary.encode()
        self._buffer = b""
        #: The raw header block of each part read so far.
        self.part_headers: list[str] = []

    async def next(self, timeout: float = 10) -> Any:
        """The next part's JSON; None after the closing delimiter (``--boundary--``)."""
        return await asyncio.wait_for(self._next(), timeout)

    async def _next(self) -> Any:
        while True:
            start = self._buffer.find(self._delimiter)
            after = start + len(self._delimiter)
            if start >= 0 and len(self._buffer) >= after + 2:
                if self._buffer[after : after + 2] == b"--":
                    return None
                end = self._buffer.find(self._delimiter, after)
                if end >= 0:
                    part, self._buffer = self._buffer[after:end], self._buffer[end:]
                    headers, _, body = part.partition(b"\r\n\r\n")
                    self.part_headers.append(headers.decode().strip())
                    return json.loads(body)
            self._buffer += await anext(self._chunks)


async def wait_until(condition: Callable[[], bool], what: str, seconds: float = 5) -> None:
    """Poll ``condition`` until it holds (the server acts on its own schedule)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)
