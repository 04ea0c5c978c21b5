"""``python -m tests.subscriptions.ticks_subgraph PORT MODE``: a resumable subgraph process.

``ticks(after: String): Tick!`` sends ticks 1, 2, 3, ... (``cursor`` is the number as a
string), one every ``INTERVAL`` seconds; ``after: "k"`` starts at k+1, as a durable
stream replays what came after a cursor. MODE ``overlap`` starts at k-1 instead: it sends
two ticks the client already has, as an at-least-once replay may; MODE ``fast`` sends
without a pause. Each subscription is
reported on stdout (``subscribed <after>``) once the process printed ``listening``.
It runs in its own process so a test can kill it (SIGKILL) and start it again.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncGenerator

import strawberry
import uvicorn
from strawberry.asgi import GraphQL

INTERVAL = 0.03


@strawberry.type
class Tick:
    n: int
    cursor: str

    @strawberry.field
    def padding(self) -> str:
        """64 KiB: a few ticks fill a socket's buffers (the slow-consumer test)."""
        return "x" * 65536


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "ticks"


def make_schema(mode: str) -> strawberry.Schema:
    @strawberry.type
    class Subscription:
        @strawberry.subscription
        async def ticks(self, after: str | None = None) -> AsyncGenerator[Tick, None]:
            print(f"subscribed {after}", flush=True)
            n = 1 if after is None else int(after) + (-1 if mode == "overlap" else 1)
            while True:
                yield Tick(n=n, cursor=str(n))
                n += 1
                await asyncio.sleep(0 if mode == "fast" else INTERVAL)

    return strawberry.Schema(query=Query, subscription=Subscription)


async def main(port: int, mode: str) -> None:
    config = uvicorn.Config(
        GraphQL(make_schema(mode)), host="127.0.0.1", port=port, log_level="error"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    print("listening", flush=True)
    await task


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
