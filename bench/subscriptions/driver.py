"""The driver: learners complete lessons through the gateway, each a new completion (an
already completed lesson sends no event), and the time each response arrived is kept.

``Lessons`` hands out, per learner, lessons the seeded data set has not completed, so
every mutation the driver sends announces exactly one event to that learner's
subscribers. One ``Lessons`` serves a whole benchmark run (every gateway and row shares
the subgraphs' database).
"""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from subgraphs.seed import Dataset

ROOT = Path(__file__).resolve().parents[2]
MUTATION = (ROOT / "persisted_queries" / "CompleteLesson.graphql").read_text()
#: Seconds one mutation may take before it counts as failed.
TIMEOUT = 30.0

#: A learner's credentials as HTTP headers.
Headers = Callable[[str], dict[str, str]]


class Lessons:
    """Lessons each learner has not completed yet, in catalogue order."""

    def __init__(self, data: Dataset) -> None:
        done: dict[str, set[str]] = {}
        for row in data.completions:
            done.setdefault(row["user_id"], set()).add(row["lesson_id"])
        self._all = [lesson["id"] for lesson in data.lessons]
        self._done = done
        self._next: dict[str, Iterator[str]] = {}

    def next_for(self, learner: str) -> str:
        if learner not in self._next:
            completed = self._done.get(learner, set())
            self._next[learner] = (lesson for lesson in self._all if lesson not in completed)
        try:
            return next(self._next[learner])
        except StopIteration:
            raise RuntimeError(f"{learner} has completed every lesson: seed more") from None


@dataclass
class Completions:
    """What the driver sent: when each (learner, lesson) mutation's response arrived."""

    answered: dict[tuple[str, str], float] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)


class Driver:
    def __init__(self, url: str, headers: Headers, lessons: Lessons) -> None:
        self.url = url
        self.headers = headers
        self.lessons = lessons

    async def complete(
        self, client: httpx.AsyncClient, learner: str, completions: Completions
    ) -> None:
        """Complete the next lesson of ``learner``; record the response's arrival."""
        lesson = self.lessons.next_for(learner)
        variables = {"input": {"lessonId": lesson, "clientMutationId": uuid.uuid4().hex}}
        body = {"query": MUTATION, "variables": variables}
        try:
            response = await client.post(self.url, json=body, headers=self.headers(learner))
            at = time.monotonic()
            answer: dict[str, Any] = response.json()
        except (httpx.HTTPError, ValueError) as error:
            completions.errors[f"mutation: {type(error).__name__}"] += 1
            return
        progress = ((answer.get("data") or {}).get("completeLesson") or {}).get("progress")
        if response.status_code != 200 or answer.get("errors") or not progress:
            detail = str(answer.get("errors") or response.status_code)[:120]
            completions.errors[f"mutation: {detail}"] += 1
            return
        completions.answered[(learner, lesson)] = at

    async def once_each(self, learners: list[str], at_once: int = 8) -> Completions:
        """One completion per learner, ``at_once`` in flight (the readiness probe)."""
        completions = Completions()
        gate = asyncio.Semaphore(at_once)

        async def one(client: httpx.AsyncClient, learner: str) -> None:
            async with gate:
                await self.complete(client, learner, completions)

        async with _client(at_once) as client:
            await asyncio.gather(*(one(client, learner) for learner in learners))
        return completions

    async def steady(self, learners: list[str], rate: float, duration: float) -> Completions:
        """Completions at ``rate`` per second for ``duration`` seconds, learners in turn.
        Open loop: a slow gateway makes responses late, not the rate lower."""
        completions = Completions()
        tasks: list[asyncio.Task[None]] = []
        turn = itertools.cycle(learners)
        async with _client(64) as client:
            started = time.monotonic()
            for number in itertools.count():
                due = started + number / rate
                if due >= started + duration:
                    break
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                tasks.append(asyncio.create_task(self.complete(client, next(turn), completions)))
            await asyncio.gather(*tasks)
        return completions


def _client(connections: int) -> httpx.AsyncClient:
    # Idle connections expire before the gateway's keep-alive timeout (uvicorn: 5 s).
    limits = httpx.Limits(
        max_connections=connections, max_keepalive_connections=connections, keepalive_expiry=3
    )
    return httpx.AsyncClient(timeout=TIMEOUT, limits=limits)
