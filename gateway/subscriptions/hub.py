"""One upstream stream per distinct subscription, fanned out to its subscribers.

    hub.subscribe(key, caller, produce)      (an async context manager)
      │  admits the subscriber (per-caller and per-gateway limits)
      ├─ key known: joins that ``SharedStream``
      └─ else: a new ``SharedStream`` whose task runs ``produce(publish)``: the upstream
         subscription and, per event, the rest of the plan; each ``publish(result)``
         puts the shaped result in every subscriber's bounded queue
      leaving: the last subscriber out cancels the stream's task (the upstream is completed
      and its socket closed) and the key is free again

Two subscriptions share a stream only when the key says they would get the same results
(``execution.share_key``: the document, the variables, the forwarded headers, which carry
the identity, the authorization outcome and the supergraph); a key of None never shares.

A subscriber whose queue is full (``subscriptions.subscriber_queue_size`` results waiting:
its client does not read, or its network is slower than the events) is dropped at once:
its queue is emptied, its task cancelled (it is stuck sending) and ``next`` raises
``SlowConsumer``. Memory per subscriber is bounded by the queue; the stream and the other
subscribers go on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter, deque
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable

from gateway.errors import GatewayError
from gateway.subscriptions.config import SubscriptionsConfig
from gateway.subscriptions.errors import (
    CallerSubscriptionLimit,
    GatewaySubscriptionLimit,
    SlowConsumer,
)
from gateway.types import JSONObject

log = logging.getLogger("gateway.subscriptions")

#: Hands one shaped result to every subscriber of a stream.
Publish = Callable[[JSONObject], None]
#: Runs a stream's upstream until it completes (returns) or fails (``GatewayError``).
Produce = Callable[[Publish], Awaitable[None]]


class Subscriber:
    """One subscription's place in a shared stream: a bounded queue of results."""

    def __init__(self, queue_size: int) -> None:
        self._queue: deque[JSONObject] = deque()
        self._queue_size = queue_size
        self._wake = asyncio.Event()
        self._ended = False
        self._error: GatewayError | None = None
        #: The task that reads ``next`` (cancelled when this subscriber is dropped).
        self.task = asyncio.current_task()
        #: Dropped for falling behind: ``error`` is the ``SlowConsumer`` to report.
        self.dropped = False

    @property
    def error(self) -> GatewayError | None:
        return self._error

    async def next(self) -> JSONObject | None:
        """The next result; None once the stream completed; raises the stream's error
        (after the results that came before it)."""
        while not self._queue:
            if self._ended:
                if self._error is not None:
                    raise self._error
                return None
            self._wake.clear()
            await self._wake.wait()
        return self._queue.popleft()

    def _put(self, result: JSONObject) -> bool:
        """Queue ``result``; False when the queue is full."""
        if len(self._queue) >= self._queue_size:
            return False
        self._queue.append(result)
        self._wake.set()
        return True

    def _finish(self, error: GatewayError | None) -> None:
        if not self._ended:
            self._ended = True
            self._error = error
            self._wake.set()

    def _drop(self) -> None:
        self._queue.clear()
        self._finish(
            SlowConsumer(
                "This subscription fell too far behind its events "
                "(subscriptions.subscriber_queue_size) and was stopped."
            )
        )
        self.dropped = True
        if self.task is not None and self.task is not asyncio.current_task():
            self.task.cancel()  # it is stuck handing a result to its client


class SharedStream:
    """One upstream subscription and the subscribers it feeds."""

    def __init__(self, hub: SubscriptionHub, key: Hashable, produce: Produce) -> None:
        self.hub = hub
        self.key = key
        self.subscribers: set[Subscriber] = set()
        self.task = asyncio.create_task(self._run(produce))

    def publish(self, result: JSONObject) -> None:
        for subscriber in list(self.subscribers):
            if not subscriber._put(result):
                self.subscribers.discard(subscriber)
                self.hub.dropped += 1
                subscriber._drop()

    async def remove(self, subscriber: Subscriber) -> None:
        """``subscriber`` leaves; the last one out stops the stream (and waits for it)."""
        self.subscribers.discard(subscriber)
        if self.subscribers or self.task.done():
            return
        self.hub._forget(self)
        self.task.cancel()
        await asyncio.wait({self.task})

    async def _run(self, produce: Produce) -> None:
        error: GatewayError | None = None
        try:
            await produce(self.publish)
        except GatewayError as failure:
            error = failure
        except asyncio.CancelledError:
            raise  # every subscriber left (or the hub is closing): nobody to tell
        except Exception:  # a bug ends this stream, never the gateway
            log.exception("subscription stream failed")
            error = GatewayError("Internal server error")
        finally:
            self.hub._forget(self)
        for subscriber in self.subscribers:
            subscriber._finish(error)
        self.subscribers.clear()


class SubscriptionHub:
    """The running streams of one gateway, and the limits every transport shares."""

    def __init__(self, config: SubscriptionsConfig) -> None:
        self.config = config
        self.streams: dict[Hashable, SharedStream] = {}
        self._callers: Counter[str] = Counter()
        #: Subscribers now (every transport).
        self.subscribers = 0
        #: Subscribers dropped as slow consumers, and results delivered, since start.
        self.dropped = 0
        self.events_delivered = 0

    def __len__(self) -> int:
        """Upstream streams running now."""
        return len(self.streams)

    @contextlib.asynccontextmanager
    async def subscribe(
        self, key: Hashable | None, caller: str | None, produce: Produce
    ) -> AsyncIterator[Subscriber]:
        """A subscriber of the stream for ``key`` (started with ``produce`` if none runs);
        ``caller`` counts toward ``max_subscriptions_per_caller`` (None: not counted)."""
        self._admit(caller)
        stream = self.streams.get(key) if key is not None else None
        if stream is None:
            stream_key = key if key is not None else object()
            stream = self.streams[stream_key] = SharedStream(self, stream_key, produce)
        subscriber = Subscriber(self.config.subscriber_queue_size)
        stream.subscribers.add(subscriber)
        self._count(caller, 1)
        try:
            yield subscriber
        finally:
            # The place is free as soon as the subscriber leaves; then the stream stops
            # if it was the last (waiting for its upstream to close).
            self._count(caller, -1)
            await stream.remove(subscriber)

    def _count(self, caller: str | None, change: int) -> None:
        self.subscribers += change
        if caller is not None:
            self._callers[caller] += change
            if not self._callers[caller]:
                del self._callers[caller]

    async def close(self) -> None:
        """Stop every stream; their subscribers see the end of the stream (complete)."""
        streams = list(self.streams.values())
        self.streams.clear()
        for stream in streams:
            stream.task.cancel()
            for subscriber in stream.subscribers:
                subscriber._finish(None)
        if streams:
            await asyncio.wait({s.task for s in streams})

    def _forget(self, stream: SharedStream) -> None:
        if self.streams.get(stream.key) is stream:
            del self.streams[stream.key]

    def _admit(self, caller: str | None) -> None:
        total = self.config.max_subscriptions
        if total is not None and self.subscribers >= total:
            raise GatewaySubscriptionLimit(
                f"This gateway runs {total} subscriptions, the most it allows "
                "(subscriptions.max_subscriptions); try again later.",
                extensions={"maxSubscriptions": total},
            )
        per_caller = self.config.max_subscriptions_per_caller
        if caller is not None and per_caller is not None and self._callers[caller] >= per_caller:
            raise CallerSubscriptionLimit(
                f"You already run {per_caller} subscriptions, the most allowed per caller "
                "(subscriptions.max_subscriptions_per_caller); complete one first.",
                extensions={"maxSubscriptionsPerCaller": per_caller},
            )
