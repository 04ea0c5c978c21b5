"""An upstream subscription that subscribes again, after the last cursor, when it breaks.

``ResumingUpstream`` wraps ``UpstreamSubscription``. When the subgraph's connection is
lost or closed abnormally (a replica restarts, a deploy) and the subscription is
resumable (``cursor.py``), it waits a bounded, jittered backoff and subscribes again with
``after`` set to the cursor of the last event it returned; the subgraph replays the events
after it, then goes on live. Only when ``subscriptions.resume_attempts`` attempts in a row
failed (no event arrived in between) does ``next`` raise ``UpstreamFailed``.

Duplicates: the subgraph may send an event twice (a replay racing a live event, a replay
after a reconnect that overlaps what was sent). The last ``RECENT_CURSORS`` cursors
returned are remembered and an event with one of them is dropped, so a cursor reaches the
stream at most once. Cursors are opaque: they are compared for equality only.

Not resumable (no cursor, or ``resume_attempts: 0``): a break raises ``UpstreamFailed`` at
once, as does a failure of the first ``open`` (nothing was delivered: the client may just
subscribe again).
"""

from __future__ import annotations

import asyncio
import random
from collections import deque
from typing import Any

from gateway.canonical import canonical_json
from gateway.subscriptions.config import SubscriptionsConfig
from gateway.subscriptions.cursor import Resumable
from gateway.subscriptions.upstream import UpstreamFailed, UpstreamSubscription
from gateway.types import JSONObject

#: Cursors remembered to drop duplicates (a replay overlaps at most a few events).
RECENT_CURSORS = 1024


class ResumingUpstream:
    def __init__(
        self,
        url: str,
        operation: str,
        variables: dict[str, Any],
        headers: dict[str, str],
        config: SubscriptionsConfig,
        resumable: Resumable | None,
    ) -> None:
        self.url = url
        self.resumable = resumable if config.resume_attempts > 0 else None
        self.operation = self.resumable.operation if self.resumable else operation
        self.variables = dict(variables)
        self.headers = headers
        self.config = config
        #: The cursor of the last event returned by ``next`` (the client's ``after`` first).
        self.cursor: Any = resumable.initial if resumable else None
        #: Times the upstream was subscribed again after a break.
        self.resumes = 0
        self._upstream: UpstreamSubscription | None = None
        self._failures = 0  # attempts in a row without an event in between
        self._recent: deque[Any] = deque(maxlen=RECENT_CURSORS)
        self._recent_set: set[Any] = set()

    async def open(self) -> None:
        """Subscribe; ``UpstreamFailed`` when it fails (no retry: nothing was sent yet)."""
        self._upstream = await self._subscribe()

    async def next(self) -> JSONObject | None:
        """The next new event (its cursor taken out); None once the subgraph completes."""
        while True:
            assert self._upstream is not None, "open() first"
            try:
                event = await self._upstream.next()
            except UpstreamFailed as failure:
                if self.resumable is None:
                    raise
                await self._resume(failure)
                continue
            if event is None or self.resumable is None:
                return event
            cursor = _hashable(self.resumable.take_cursor(event))
            if cursor is None:
                return event
            self._failures = 0
            if cursor in self._recent_set:
                continue  # already delivered: a replay overlapping what was sent
            self._remember(cursor)
            return event

    async def close(self) -> None:
        if self._upstream is not None:
            await self._upstream.close()

    async def _resume(self, failure: UpstreamFailed) -> None:
        assert self._upstream is not None
        await self._upstream.close()
        last: UpstreamFailed = failure
        while self._failures < self.config.resume_attempts:
            await asyncio.sleep(self._backoff(self._failures))
            self._failures += 1
            try:
                self._upstream = await self._subscribe()
            except UpstreamFailed as again:
                last = again
                continue
            self.resumes += 1
            return
        raise UpstreamFailed(
            f"{failure}; {self.config.resume_attempts} attempts to subscribe again failed "
            f"(the last: {last})"
        )

    async def _subscribe(self) -> UpstreamSubscription:
        variables = dict(self.variables)
        if self.resumable is not None:
            variables[self.resumable.variable] = self.cursor
        return await UpstreamSubscription.open(
            self.url,
            self.operation,
            {k: v for k, v in variables.items() if v is not None or k in self.variables},
            self.headers,
            self.config.upstream_connect_timeout_seconds,
        )

    def _backoff(self, attempt: int) -> float:
        config = self.config
        growth = 2.0 ** min(attempt, 30)  # bounded: 2.0 ** 10000 overflows
        delay = min(config.resume_backoff_max_seconds, config.resume_backoff_seconds * growth)
        jitter = random.uniform(0, delay / 2)
        return delay / 2 + jitter

    def _remember(self, cursor: Any) -> None:
        if len(self._recent) == self._recent.maxlen:
            self._recent_set.discard(self._recent[0])
        self._recent.append(cursor)
        self._recent_set.add(cursor)
        self.cursor = cursor if not isinstance(cursor, _Json) else cursor.value


class _Json:
    """A cursor that is not a plain scalar (a custom scalar's JSON), compared as JSON."""

    def __init__(self, value: Any) -> None:
        self.value = value
        self._text = canonical_json(value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Json) and other._text == self._text

    def __hash__(self) -> int:
        return hash(self._text)


def _hashable(cursor: Any) -> Any:
    if cursor is None or isinstance(cursor, str | int | float | bool):
        return cursor
    return _Json(cursor)
