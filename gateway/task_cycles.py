"""Cancelled tasks that free themselves: no reference cycle left for the collector.

A task cancelled while it awaits keeps the ``CancelledError`` it ended with (so that a
later ``await task`` re-raises it). That exception's traceback holds the task's frames,
whose locals hold the objects that hold the task: the subscription's ``Connection``
(``_keep_alive``), the hub's ``SharedStream`` and ``Subscriber`` (``task``), an
operation's own ``asyncio.current_task()``. Nothing outside references that ring once the
client has gone, yet reference counting cannot free it; only a pass of the cyclic
collector can, and the ring holds objects old enough (a connection open for minutes)
that only a *full* pass does. The soak (``python -m bench.soak``) found ~165 such objects
per closed subscription, the connection's socket, buffers and headers among them: the
gateway's memory rose between full passes (README, "Soak"), and each full pass had that
much more to walk while the event loop waited.

A task the loop creates here hands its ``CancelledError`` over as soon as it ends
(``Task.exception()`` gives it away: CPython keeps it only until it is first retrieved),
so the ring opens and reference counting frees it. ``await task`` still raises
``CancelledError`` (a new one: CPython 3.11 keeps the message given to ``cancel()`` only
in the one it hands over; nothing here passes one). Installed by the app's lifespan
(``gateway/http/app.py``) on the loop that serves; every task on it, the libraries'
(websockets, httpx) included, gets it. Cost: 0.5 µs more per task that finishes, 1.0 µs
per task cancelled (``python -m bench.task_cycles``, uvloop; a task alone costs 1.5 and 3.7).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any


def _hand_over_cancellation(task: asyncio.Future[Any]) -> None:
    if task.cancelled():
        # Retrieved, the exception is no longer kept by the task.
        with contextlib.suppress(asyncio.CancelledError):
            task.exception()


class _ReleasingTaskFactory:
    """Creates tasks as ``inner`` (or the loop) would, each releasing its cancellation."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __call__(self, loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> Any:
        if self.inner is not None:
            task = self.inner(loop, coro, **kwargs)
        else:
            task = asyncio.Task(coro, loop=loop, **kwargs)
        task.add_done_callback(_hand_over_cancellation)
        return task


def release_cancelled_tasks(loop: asyncio.AbstractEventLoop) -> None:
    """Make every task ``loop`` creates from now on free itself when cancelled (once per
    loop: a second call, from another app on the same loop, changes nothing)."""
    current = loop.get_task_factory()
    if not isinstance(current, _ReleasingTaskFactory):
        loop.set_task_factory(_ReleasingTaskFactory(current))
