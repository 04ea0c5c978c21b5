"""What the gateway's releasing task factory (``gateway/task_cycles.py``) costs per task.

    python -m bench.task_cycles [--tasks 200000] [--rounds 5]

On uvloop, as the gateway serves: tasks that run to their end (gathered 100 at a time)
and tasks cancelled while they wait (100 at a time), each timed without and with the
factory on a fresh loop, twice in alternation. Reported: the best round's microseconds
per task, and the difference. A request makes a handful of tasks (its fetches, the
server's own), so the difference times five is the cost per request.
"""

from __future__ import annotations

import argparse
import asyncio
import time

import uvloop

from gateway.task_cycles import release_cancelled_tasks

BATCH = 100


async def _finishes() -> None:
    return None


async def _waits() -> None:
    await asyncio.sleep(3600)


async def _measure(with_factory: bool, tasks: int, rounds: int) -> tuple[float, float]:
    """Best seconds per finished task and per cancelled task over ``rounds``."""
    loop = asyncio.get_running_loop()
    if with_factory:
        release_cancelled_tasks(loop)
    finished = cancelled = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(tasks // BATCH):
            await asyncio.gather(*(loop.create_task(_finishes()) for _ in range(BATCH)))
        finished = min(finished, (time.perf_counter() - started) / tasks)
        started = time.perf_counter()
        for _ in range(tasks // BATCH // 10):
            waiting = [loop.create_task(_waits()) for _ in range(BATCH)]
            await asyncio.sleep(0)  # each task starts and waits
            for task in waiting:
                task.cancel()
            await asyncio.gather(*waiting, return_exceptions=True)
        cancelled = min(cancelled, (time.perf_counter() - started) / (tasks // 10))
    return finished, cancelled


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.task_cycles", description=__doc__)
    parser.add_argument("--tasks", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    results: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    for with_factory in (False, True, False, True):
        results[with_factory].append(uvloop.run(_measure(with_factory, args.tasks, args.rounds)))
    print("| factory | finished task µs | cancelled task µs |")
    print("| --- | ---: | ---: |")
    best = {}
    for with_factory, runs in results.items():
        best[with_factory] = (min(r[0] for r in runs), min(r[1] for r in runs))
        finished, cancelled = best[with_factory]
        name = "on" if with_factory else "off"
        print(f"| {name} | {finished * 1e6:.2f} | {cancelled * 1e6:.2f} |")
    extra = [(best[True][i] - best[False][i]) * 1e6 for i in (0, 1)]
    print(f"| difference | {extra[0]:+.2f} | {extra[1]:+.2f} |")


if __name__ == "__main__":
    main()
