"""Stop a request's work when its client goes away.

A client that gives up (a phone entering a tunnel, an app timing out) leaves its request
running: Starlette does not cancel a handler when the connection closes. Under load that
is how a slow subgraph becomes an outage — every abandoned request keeps its subgraph
fetches in flight until their own timeout, so the subgraph gets more work the slower it
is. ``unless_disconnected`` runs the work and cancels it when the ASGI server reports
``http.disconnect``; the pipeline decides what a cancellation may stop (a mutation is
never cut in half: see ``Gateway.respond``; work shared by identical queries goes on for
the callers still waiting: ``gateway.execution.inflight``).

Only after the request body has been read: then the server's ``receive`` has nothing
else to deliver but the disconnect.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from typing import TypeVar

from starlette.responses import Response
from starlette.types import Receive

T = TypeVar("T")

#: The status access logs show for a request whose client left before the answer
#: (nginx's convention; nobody receives it).
CLIENT_CLOSED_REQUEST = 499


async def _disconnected(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass  # an empty ``http.request`` (a GET's body) is not a disconnect


async def unless_disconnected(receive: Receive, work: Awaitable[T]) -> T | None:
    """``work``'s result, or None when the client disconnected first (``work`` is then
    cancelled and awaited)."""
    task = asyncio.ensure_future(work)
    watcher = asyncio.ensure_future(_disconnected(receive))
    try:
        await asyncio.wait({task, watcher}, return_when=asyncio.FIRST_COMPLETED)
    except BaseException:
        task.cancel()
        raise
    finally:
        watcher.cancel()
    if task.done():
        return task.result()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return None


def client_gone() -> Response:
    """What the endpoint returns for a request whose client disconnected."""
    return Response(status_code=CLIENT_CLOSED_REQUEST)
