"""The outbox behind every streamed response (no server needed): bounded for data,
never blocking for control chunks, silence as keep-alives."""

from __future__ import annotations

import asyncio

from gateway.http.event_stream import Outbox


async def test_a_full_outbox_makes_writers_wait() -> None:
    outbox = Outbox(size=2)
    await outbox.put(b"1")
    await outbox.put(b"2")
    third = asyncio.create_task(outbox.put(b"3"))
    await asyncio.sleep(0.01)
    assert not third.done()  # the client is behind: the writer waits
    outbox.put_now(b"end")  # control chunks never wait
    assert [await outbox.get(1), await outbox.get(1)] == [b"1", b"2"]
    await asyncio.wait_for(third, 1)  # room again
    assert [await outbox.get(1), await outbox.get(1)] == [b"end", b"3"]


async def test_silence_is_a_keepalive_and_finish_drains_first() -> None:
    outbox = Outbox()
    assert await outbox.get(0.01) == b""  # nothing to send: the pump sends a keep-alive
    await outbox.put(b"event")
    outbox.finish(b"last")
    outbox.put_now(b"ignored")  # nothing after the end
    assert [await outbox.get(1) for _ in range(3)] == [b"event", b"last", None]


async def test_finishing_releases_a_waiting_writer() -> None:
    outbox = Outbox(size=1)
    await outbox.put(b"1")
    waiting = asyncio.create_task(outbox.put(b"2"))
    await asyncio.sleep(0.01)
    outbox.finish()  # the client went away
    await asyncio.wait_for(waiting, 1)
    assert [await outbox.get(1), await outbox.get(1)] == [b"1", None]
