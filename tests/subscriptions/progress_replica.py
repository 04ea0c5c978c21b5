"""``python -m tests.subscriptions.progress_replica PORT``: one progress subgraph replica.

The real ``subgraphs.progress`` app (its database from ``PROGRESS_DATABASE_URL``, events
over ``REDIS_URL``, the gateway's signature checked with ``IDENTITY_SECRET``) on
127.0.0.1:PORT; prints ``listening`` once it serves, so a test knows when to go on.
"""

from __future__ import annotations

import asyncio
import sys

import uvicorn

from subgraphs import progress


async def main(port: int) -> None:
    config = uvicorn.Config(progress.create_app(), host="127.0.0.1", port=port, log_level="error")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
            return
        await asyncio.sleep(0.01)
    print("listening", flush=True)
    await task


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
