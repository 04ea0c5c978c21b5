"""The harness's own judgement: a wrong answer is caught and located, and a recorded plan's
fetches fall into the levels the gateway sent them in."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import orjson

from bench.harness import checks
from bench.harness.load import plan_levels
from bench.harness.workload import main
from bench.subgraphs import create_app
from tests.servers import ThreadedServer, running_app


def _answering(payload: bytes, status: int = 200) -> Any:
    """An ASGI app giving every request the same answer (a gateway that is wrong or right)."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": payload})

    return app


def test_check_accepts_the_expected_answer_and_locates_a_wrong_one() -> None:
    work = main()
    right = orjson.dumps(work.expected)
    wrong_data = orjson.loads(right)
    wrong_data["data"]["topProducts"][2]["reviews"] = []
    with ThreadedServer(_answering(right)) as server:
        ok = checks.check(server.url + "/graphql", work.body, work.expected)
    assert ok == checks.Check(True, len(right))
    with ThreadedServer(_answering(orjson.dumps(wrong_data))) as server:
        bad = checks.check(server.url + "/graphql", work.body, work.expected)
    assert not bad.ok
    assert bad.detail.startswith("wrong answer: $.data.topProducts[2].reviews: 0 items")
    with ThreadedServer(_answering(b"oops", status=500)) as server:
        failed = checks.check(server.url + "/graphql", work.body, work.expected)
    assert not failed.ok and failed.detail.startswith("HTTP 500")


async def test_recorded_fetches_group_into_levels() -> None:
    query = orjson.dumps({"query": "{ users { id } }"})
    async with running_app(create_app()) as url, httpx.AsyncClient(base_url=url) as client:
        await client.post("/_record?delay_ms=40")
        # Two fetches in parallel, then one that waits for both (a second level).
        await asyncio.gather(
            client.post("/accounts", content=query),
            client.post("/reviews", content=b'{"query":"{ _service { sdl } }"}'),
        )
        await client.post("/accounts", content=query)
        recorded = (await client.get("/_record")).json()["fetches"]
        after = await client.post("/accounts", content=query)
    levels = plan_levels(recorded, 40)
    assert [[f["subgraph"] for f in level] for level in levels] in (
        [["accounts", "reviews"], ["accounts"]],
        [["reviews", "accounts"], ["accounts"]],
    )
    assert levels[1][0]["length"] == len(after.content)
    assert orjson.loads(levels[1][0]["body"]) == {"query": "{ users { id } }"}
