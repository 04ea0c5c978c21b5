"""Third-party clients receive live progress through the gateway, with fields from all
three subgraphs (lesson and course titles from courses, the learner's name from users):
the npm ``graphql-ws`` client (``tests/subscriptions/js``, installed by ``make
test-deps``) and Python's ``gql`` over websockets (graphql-transport-ws)."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path
from typing import Any

from gql import Client, gql
from gql.transport.websockets import WebsocketsTransport

from tests.subscriptions.helpers import Platform, as_user, fresh_learner, lessons_of

HERE = Path(__file__).parent / "js"
LIVE = """subscription Live($courseId: ID) {
  progressUpdated(courseId: $courseId) {
    occurredAt
    lesson { id title }
    course { id title }
    progress { completedLessons user { id name } }
  }
}"""


def expected_event(platform: Platform, user: str, course: str, lesson: str) -> dict[str, Any]:
    data = platform.subgraphs.data
    return {
        "lesson": {
            "id": lesson,
            "title": next(x for x in data.lessons if x["id"] == lesson)["title"],
        },
        "course": {
            "id": course,
            "title": next(c for c in data.courses if c["id"] == course)["title"],
        },
        "progress": {
            "completedLessons": 1,
            "user": {"id": user, "name": next(u for u in data.users if u["id"] == user)["name"]},
        },
    }


async def test_npm_graphql_ws_client(platform: Platform) -> None:
    node = shutil.which("node")
    assert node is not None, "Node.js is required"
    assert (HERE / "node_modules" / "graphql-ws").is_dir(), "run `make test-deps`"
    user = fresh_learner(platform.subgraphs)
    course = platform.subgraphs.data.courses[0]["id"]
    lesson = lessons_of(platform.subgraphs, course)[0]["id"]
    token = as_user(user)["authorization"].removeprefix("Bearer ")
    process = await asyncio.create_subprocess_exec(
        node, str(HERE / "live-progress.mjs"), platform.ws_url, token, LIVE,
        json.dumps({"courseId": course}), "1",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None
    try:

        async def line() -> Any:
            raw = await asyncio.wait_for(process.stdout.readline(), 30)  # type: ignore[union-attr]
            assert raw, "the client exited"
            return json.loads(raw)

        assert await line() == {"connected": True}
        await platform.wait_for_subscribers(user, 1)
        await platform.complete_lesson(user, lesson)
        message = await line()
        assert "next" in message, message
        event = message["next"]["data"]["progressUpdated"]
        assert {k: event[k] for k in ("lesson", "course", "progress")} == expected_event(
            platform, user, course, lesson
        )
        assert await line() == {"complete": True}
        assert await asyncio.wait_for(process.wait(), 30) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    await platform.wait_for_subscribers(user, 0)


async def test_python_gql_client(platform: Platform) -> None:
    user = fresh_learner(platform.subgraphs)
    course = platform.subgraphs.data.courses[0]["id"]
    lesson = lessons_of(platform.subgraphs, course)[0]["id"]
    transport = WebsocketsTransport(
        url=platform.ws_url,
        init_payload=as_user(user),
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
    )
    async with Client(transport=transport) as session:
        request = gql(LIVE)
        request.variable_values = {"courseId": course}
        events = session.subscribe(request)

        async def first() -> dict[str, Any]:
            async for result in events:
                return result
            raise AssertionError("the subscription ended without an event")

        receiving = asyncio.create_task(first())
        await platform.wait_for_subscribers(user, 1)
        await platform.complete_lesson(user, lesson)
        result = await asyncio.wait_for(receiving, 30)
    event = result["progressUpdated"]
    assert {k: event[k] for k in ("lesson", "course", "progress")} == expected_event(
        platform, user, course, lesson
    )
    await platform.wait_for_subscribers(user, 0)
