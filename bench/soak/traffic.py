"""The soak's traffic: the app's persisted operations, mutations, hostile documents, and
live subscriptions with churn. Every request and subscription outcome is recorded.

Open loop: requests start on a fixed schedule (``rate`` per second) whether or not the
previous ones finished, so a slow gateway shows up as latency and queued requests, not
as a politely lower request rate.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import WebSocketException

from gateway.auth.dev import DevKeys
from subgraphs.seed import Dataset

MANIFEST = Path(__file__).resolve().parents[2] / "persisted_queries" / "manifest.json"
PROTOCOL = "graphql-transport-ws"
#: A request slower than this counts as an error (ReadTimeout).
REQUEST_TIMEOUT = 10.0
#: After the run, how long requests and subscriptions still open get to finish.
GRACE = 15.0


@dataclass
class Sample:
    at: float  # seconds since the start
    kind: str
    seconds: float
    ok: bool
    detail: str = ""
    size: int = 0  # bytes of the response body


@dataclass
class Recorder:
    started: float = field(default_factory=time.monotonic)
    samples: list[Sample] = field(default_factory=list)
    events: int = 0  # subscription events received
    subscriptions_opened: int = 0
    subscriptions_closed: int = 0
    subscription_errors: list[str] = field(default_factory=list)

    def record(self, kind: str, seconds: float, ok: bool, detail: str = "", size: int = 0) -> None:
        at = time.monotonic() - self.started
        self.samples.append(Sample(at, kind, seconds, ok, detail, size))


def _operations() -> dict[str, str]:
    manifest = json.loads(MANIFEST.read_text())
    return {op["name"]: op["id"] for op in manifest["operations"]}


class Workload:
    """What each request sends, drawn from the seeded data set."""

    def __init__(self, data: Dataset, keys: DevKeys, seed: int = 1) -> None:
        self.keys = keys
        self._tokens: dict[str, str] = {}
        self.rng = random.Random(seed)
        self.ids = _operations()
        self.learners = [u["id"] for u in data.users if u["role"] == "LEARNER"]
        self.courses = [c["id"] for c in data.courses]
        self.lessons = [lesson["id"] for lesson in data.lessons]

    def persisted(self, name: str, variables: dict[str, Any]) -> dict[str, Any]:
        """A request body naming the manifest operation ``name`` by its id."""
        extensions = {"persistedQuery": {"version": 1, "sha256Hash": self.ids[name]}}
        return {"operationName": name, "variables": variables, "extensions": extensions}

    def headers(self, user: str) -> dict[str, str]:
        """A learner's bearer token (minted once per learner, valid for the run)."""
        token = self._tokens.get(user)
        if token is None:
            token = self._tokens[user] = self.keys.mint(user, lifetime_seconds=24 * 3600)
        return {"authorization": f"Bearer {token}"}

    def query(self) -> tuple[str, dict[str, Any], str]:
        name = self.rng.choice(["Home", "Profile", "CourseCatalogue", "CourseDetail"])
        variables: dict[str, Any] = {}
        if name == "CourseDetail":
            variables = {"id": self.rng.choice(self.courses)}
        elif name == "CourseCatalogue":
            variables = {"first": 10}
        return name, self.persisted(name, variables), self.rng.choice(self.learners)

    def mutation(self) -> tuple[str, dict[str, Any], str]:
        user = self.rng.choice(self.learners)
        mutation_id = uuid.uuid4().hex[:16]
        if self.rng.random() < 0.5:
            event = {"lessonId": self.rng.choice(self.lessons), "clientMutationId": mutation_id}
            return "CompleteLesson", self.persisted("CompleteLesson", {"input": event}), user
        events = [
            {"lessonId": self.rng.choice(self.lessons), "clientMutationId": f"{mutation_id}-{i}"}
            for i in range(3)
        ]
        return "SyncProgress", self.persisted("SyncProgress", {"events": events}), user

    def hostile(self) -> tuple[str, bytes]:
        """A document or body that must be refused with a 4xx, quickly."""
        kind = self.rng.choice(["deep", "aliases", "syntax", "unknown-field", "bad-json"])
        if kind == "deep":
            text = "{ me { " * 300 + "id" + " }" * 300 + " }"
        elif kind == "aliases":
            text = "{ " + " ".join(f"a{i}: __typename" for i in range(3000)) + " }"
        elif kind == "syntax":
            text = "{ me { id "
        elif kind == "unknown-field":
            text = "{ me { passwordHash } }"
        else:
            return kind, b'{"query": "{ me { id } }"'
        return kind, json.dumps({"query": text}).encode()


class _Client(httpx.AsyncClient):
    """An HTTP client that knows the one URL it posts to."""

    def __init__(self, url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url = url


async def _post(
    client: _Client, recorder: Recorder, kind: str, body: bytes, headers: dict[str, str]
) -> None:
    started = time.monotonic()
    try:
        response = await client.post(
            client.url, content=body, headers={"content-type": "application/json", **headers}
        )
    except httpx.HTTPError as error:
        recorder.record(kind, time.monotonic() - started, False, type(error).__name__)
        return
    except asyncio.CancelledError:
        recorder.record(kind, time.monotonic() - started, False, "unfinished at the end")
        raise
    elapsed = time.monotonic() - started
    status = response.status_code
    try:
        answer = response.json()
    except ValueError:
        recorder.record(kind, elapsed, False, f"HTTP {status}, not JSON: {response.text[:60]!r}")
        return
    if status >= 500:
        recorder.record(kind, elapsed, False, f"HTTP {status}")
    elif kind.startswith("hostile"):
        # Refused with a client error (or a GraphQL error list): never data, never a 5xx.
        refused = 400 <= status < 500 or (bool(answer.get("errors")) and "data" not in answer)
        recorder.record(kind, elapsed, refused, f"HTTP {status}")
    else:
        errors = answer.get("errors")
        detail = ""
        if errors:
            code = errors[0].get("extensions", {}).get("code", "")
            detail = f"{code} {str(errors[0].get('message', ''))[:90]}"
        ok = status == 200 and not errors
        recorder.record(kind, elapsed, ok, detail, len(response.content))


async def requests(
    url: str,
    workload: Workload,
    recorder: Recorder,
    rate: float,
    until: float,
    hostile_share: float = 0.03,
    mutation_share: float = 0.2,
) -> None:
    """Send requests at ``rate`` per second until ``time.monotonic() >= until``; those
    still running ``GRACE`` seconds later are cancelled and counted as errors."""
    # Idle connections expire before the gateway's keep-alive timeout (uvicorn: 5 s), so a
    # request never races the server closing its connection (a client-side error).
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=100, keepalive_expiry=3)
    async with _Client(url, timeout=REQUEST_TIMEOUT, limits=limits) as client:
        tasks: set[asyncio.Task[None]] = set()
        interval = 1.0 / rate
        next_at = time.monotonic()
        for _ in itertools.count():
            if next_at >= until:
                break
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
            next_at += interval
            draw = workload.rng.random()
            if draw < hostile_share:
                kind, body = workload.hostile()
                coroutine = _post(client, recorder, f"hostile:{kind}", body, {})
            else:
                pick = (
                    workload.mutation if draw < hostile_share + mutation_share else workload.query
                )
                name, payload, user = pick()
                body = json.dumps(payload).encode()
                coroutine = _post(client, recorder, name, body, workload.headers(user))
            task = asyncio.create_task(coroutine)
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        await _finish(tasks)


async def _finish(tasks: set[asyncio.Task[None]] | list[asyncio.Task[None]]) -> None:
    """Wait ``GRACE`` seconds for ``tasks``, then cancel the rest (they record why)."""
    if not tasks:
        return
    _, pending = await asyncio.wait(set(tasks), timeout=GRACE)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)


async def _subscription(
    ws_url: str, workload: Workload, recorder: Recorder, stop: asyncio.Event
) -> None:
    """One client: connect, subscribe to its learner's progress, read events until told
    to stop (churn) or the run ends."""
    user = workload.rng.choice(workload.learners)
    try:
        protocols = [PROTOCOL]
        async with connect(
            ws_url,
            subprotocols=protocols,  # type: ignore[arg-type]
            open_timeout=REQUEST_TIMEOUT,
        ) as ws:
            await ws.send(
                json.dumps({"type": "connection_init", "payload": workload.headers(user)})
            )
            ack = json.loads(await asyncio.wait_for(ws.recv(), REQUEST_TIMEOUT))
            if ack.get("type") != "connection_ack":
                recorder.subscription_errors.append(f"no ack: {ack}")
                return
            persisted = workload.persisted("ProgressUpdated", {})
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": persisted}))
            recorder.subscriptions_opened += 1
            await _read_events(ws, recorder, stop)
            recorder.subscriptions_closed += 1
    except (OSError, TimeoutError, WebSocketException) as error:
        recorder.subscription_errors.append(type(error).__name__)
    except asyncio.CancelledError:
        recorder.subscription_errors.append("unfinished at the end")
        raise


async def _read_events(ws: ClientConnection, recorder: Recorder, stop: asyncio.Event) -> None:
    stopping = asyncio.ensure_future(stop.wait())
    try:
        while True:
            receiving = asyncio.ensure_future(ws.recv())
            done, _ = await asyncio.wait({receiving, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if receiving not in done:
                receiving.cancel()
                await ws.send(json.dumps({"id": "1", "type": "complete"}))
                return
            message = json.loads(receiving.result())
            if message.get("type") == "next":
                recorder.events += 1
            elif message.get("type") in ("error", "complete"):
                recorder.subscription_errors.append(f"{message.get('type')}: {message}"[:200])
                return
    finally:
        stopping.cancel()


async def subscriptions(
    ws_url: str,
    workload: Workload,
    recorder: Recorder,
    count: int,
    churn_per_minute: float,
    until: float,
    spawn: Callable[..., asyncio.Task[None]] = asyncio.create_task,
) -> None:
    """Keep ``count`` subscriptions open; every second, close and replace a share of
    them (``churn_per_minute`` of the population per minute)."""
    live: list[tuple[asyncio.Event, asyncio.Task[None]]] = []
    every: list[asyncio.Task[None]] = []

    def open_one() -> None:
        stop = asyncio.Event()
        task = spawn(_subscription(ws_url, workload, recorder, stop))
        live.append((stop, task))
        every.append(task)

    for _ in range(count):
        open_one()
        await asyncio.sleep(0.01)  # ramp up, not a thundering herd
    carry = 0.0
    while time.monotonic() < until:
        await asyncio.sleep(1.0)
        live = [(stop, task) for stop, task in live if not task.done()]
        carry += churn_per_minute / 60
        for _ in range(int(carry)):
            if live:
                stop, _task = live.pop(workload.rng.randrange(len(live)))
                stop.set()
        carry -= int(carry)
        while len(live) < count:
            open_one()
    for stop, _ in live:
        stop.set()
    await _finish(every)
