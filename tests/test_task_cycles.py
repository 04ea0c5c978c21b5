"""``gateway.task_cycles``: a cancelled task hands over its ``CancelledError``, so what
holds the task is freed by reference counting, not by a later GC pass."""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import Coroutine
from typing import Any

import pytest

from gateway.task_cycles import release_cancelled_tasks


class Owner:
    """Holds the task that runs its own method: the ring CPython leaves on cancel."""

    def __init__(self) -> None:
        self.task = asyncio.create_task(self._wait())

    async def _wait(self) -> None:
        await asyncio.Event().wait()


def owners_left_for_the_collector(release: bool) -> int:
    async def main() -> int:
        if release:
            release_cancelled_tasks(asyncio.get_running_loop())
        refs = []
        for _ in range(50):
            owner = Owner()
            await asyncio.sleep(0)
            owner.task.cancel()
            await asyncio.wait({owner.task})
            refs.append(weakref.ref(owner))
            del owner
        await asyncio.sleep(0)
        return sum(ref() is not None for ref in refs)

    gc.collect()
    gc.disable()
    try:
        return asyncio.run(main())
    finally:
        gc.enable()


def test_cancelled_tasks_free_what_holds_them() -> None:
    assert owners_left_for_the_collector(release=False) == 50  # CPython's own behaviour
    assert owners_left_for_the_collector(release=True) == 0


def test_awaiting_a_cancelled_task_still_raises() -> None:
    async def main() -> None:
        release_cancelled_tasks(asyncio.get_running_loop())
        task = asyncio.create_task(asyncio.sleep(10))
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert task.cancelled()
        with pytest.raises(asyncio.CancelledError):
            task.result()

    asyncio.run(main())


def test_it_wraps_the_loops_factory_once() -> None:
    made: list[str] = []

    def named(
        loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, Any], **kwargs: Any
    ) -> asyncio.Task[Any]:
        made.append("task")
        return asyncio.Task(coro, loop=loop, **kwargs)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        inner: Any = named
        loop.set_task_factory(inner)
        release_cancelled_tasks(loop)
        factory = loop.get_task_factory()
        release_cancelled_tasks(loop)  # another app on the same loop
        assert loop.get_task_factory() is factory
        await asyncio.create_task(asyncio.sleep(0))
        assert made == ["task"]  # made by the loop's own factory, once

    asyncio.run(main())
