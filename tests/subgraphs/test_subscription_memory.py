"""A subscription's events leave nothing behind: what one event's execution caches
goes with it (``subgraphs/_shared/schema.py``: ``EventExecutionContext``)."""

from __future__ import annotations

import gc
from collections.abc import AsyncGenerator

import strawberry
from graphql.execution.collect_fields import FieldDetails

from subgraphs._shared.schema import subgraph_schema


@strawberry.type
class Progress:
    done: int
    total: int


@strawberry.type
class Tick:
    n: int
    progress: Progress


@strawberry.type
class Query:
    ok: bool = True


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def ticks(self) -> AsyncGenerator[Tick, None]:
        n = 0
        while True:
            n += 1
            yield Tick(n=n, progress=Progress(done=n, total=n + 1))


def field_details() -> int:
    gc.collect()
    return sum(isinstance(o, FieldDetails) for o in gc.get_objects())


async def test_a_long_subscription_holds_no_more_after_many_events() -> None:
    schema = subgraph_schema(query=Query, subscription=Subscription)
    stream = await schema.subscribe("subscription { ticks { n progress { done total } } }")
    assert isinstance(stream, AsyncGenerator)
    try:
        for _ in range(50):
            result = await anext(stream)
        held = field_details()
        for _ in range(1000):
            result = await anext(stream)
        assert result.errors is None
        assert result.data == {"ticks": {"n": 1050, "progress": {"done": 1050, "total": 1051}}}
        # Before: graphql-core's per-event executors shared one cache, and each event
        # added its field lists to it (~2 FieldDetails a field): thousands here.
        assert field_details() - held < 20
    finally:
        await stream.aclose()
