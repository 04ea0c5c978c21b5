"""Operations over the socket go through every request step of the HTTP path: persisted
queries, parse limits, validation, operation limits, cost; then a single result or a
stream. Refusals are ``error`` messages with the HTTP path's ``extensions.code``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.subscriptions.fixtures import PlatformFactory
from tests.subscriptions.helpers import (
    PROGRESS,
    Platform,
    as_user,
    fresh_learner,
    lessons_of,
    progress_unreachable,
    websocket,
)

MANIFEST = Path(__file__).parents[2] / "persisted_queries" / "manifest.json"


def manifest_id(name: str) -> str:
    operations = json.loads(MANIFEST.read_text())["operations"]
    found: str = next(o["id"] for o in operations if o["name"] == name)
    return found


def persisted(op_id: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": op_id}}


def codes(message: dict[str, Any]) -> list[str]:
    assert message["type"] == "error", message
    return [e["extensions"]["code"] for e in message["payload"]]


async def test_query_over_the_socket_is_one_next_then_complete(platform: Platform) -> None:
    course = platform.subgraphs.data.courses[0]
    query = "query Q($id: ID!) { course(id: $id) { title lessons: modules { title } } }"
    http_body = await platform.post(query, {"id": course["id"]})
    async with websocket(platform.ws_url) as client:
        await client.init()
        await client.subscribe("q", query, {"id": course["id"]})
        assert await client.receive() == {"id": "q", "type": "next", "payload": http_body}
        assert await client.receive() == {"id": "q", "type": "complete"}
    assert http_body["data"]["course"]["title"] == course["title"]


async def test_mutation_over_the_socket_reaches_a_subscription_on_it(platform: Platform) -> None:
    user = fresh_learner(platform.subgraphs)
    lesson = lessons_of(platform.subgraphs, platform.subgraphs.data.courses[0]["id"])[0]
    async with websocket(platform.ws_url) as client:
        await client.init({"headers": as_user(user)})
        await client.subscribe("s", PROGRESS)
        await platform.wait_for_subscribers(user, 1)
        mutation = """mutation($input: CompleteLessonInput!) {
            completeLesson(input: $input) { clientMutationId } }"""
        await client.subscribe(
            "m", mutation, {"input": {"lessonId": lesson["id"], "clientMutationId": "ws"}}
        )
        received = {}
        for _ in range(3):  # m: next + complete; s: next (in any order)
            message = await client.receive()
            received[(message["id"], message["type"])] = message
    assert set(received) == {("m", "next"), ("m", "complete"), ("s", "next")}
    assert received[("m", "next")]["payload"] == {
        "data": {"completeLesson": {"clientMutationId": "ws"}}
    }
    event = received[("s", "next")]["payload"]["data"]["progressUpdated"]
    assert event["lesson"]["title"] == lesson["title"]


async def test_request_errors_use_the_http_codes(platform: Platform) -> None:
    async with websocket(platform.ws_url) as client:
        await client.init()
        await client.subscribe("p", "subscription {")
        assert codes(await client.receive()) == ["GRAPHQL_PARSE_FAILED"]
        await client.subscribe("v", "subscription { progressUpdated { nope } }")
        assert codes(await client.receive()) == ["GRAPHQL_VALIDATION_FAILED"]
        await client.subscribe(
            "b", "subscription($c: ID!) { progressUpdated(courseId: $c) { occurredAt } }"
        )
        assert codes(await client.receive()) == ["BAD_USER_INPUT"]
        # An error ends the operation: its id is free again.
        await client.subscribe("p", "{ __typename }")
        assert (await client.receive())["payload"] == {"data": {"__typename": "Query"}}


async def test_depth_limit_refuses_a_subscription(make_platform: PlatformFactory) -> None:
    async with make_platform(limits={"depth": {"max": 2}}) as platform:
        async with websocket(platform.ws_url) as client:
            await client.init()
            await client.subscribe("d", PROGRESS)
            message = await client.receive()
        assert len(codes(message)) == 1 and "DEPTH" in codes(message)[0]
        http = await platform.post(PROGRESS)
        assert [e["extensions"]["code"] for e in http["errors"]] == codes(message)


async def test_persisted_subscription_by_hash_in_allowlist_mode(
    make_platform: PlatformFactory,
) -> None:
    config = {"persisted": {"mode": "allowlist", "manifest": str(MANIFEST)}}
    async with make_platform(**config) as platform:
        user = fresh_learner(platform.subgraphs)
        course = platform.subgraphs.data.courses[0]
        lesson = lessons_of(platform.subgraphs, course["id"])[0]
        async with websocket(platform.ws_url) as client:
            await client.init(as_user(user))
            # What the mobile app sends: the hash only.
            await client.subscribe(
                "app", None, {"courseId": course["id"]}, persisted(manifest_id("ProgressUpdated"))
            )
            await platform.wait_for_subscribers(user, 1)
            # Free-form text is refused in allowlist mode, over the socket as over HTTP.
            await client.subscribe("adhoc", PROGRESS)
            assert codes(await client.receive()) == ["PERSISTED_QUERY_NOT_IN_LIST"]
            await client.subscribe("unknown", None, None, persisted("0" * 64))
            assert codes(await client.receive()) == ["PERSISTED_QUERY_NOT_IN_LIST"]
            body = await platform.http.post(
                platform.url,
                json={
                    "variables": {"input": {"lessonId": lesson["id"], "clientMutationId": "a"}},
                    "extensions": persisted(manifest_id("CompleteLesson")),
                },
                headers=as_user(user),
            )
            assert "errors" not in body.json(), body.text
            message = await client.receive()
        assert message["id"] == "app"
        event = message["payload"]["data"]["progressUpdated"]
        # The manifest's text (Apollo codegen) asks for __typename everywhere.
        assert event["__typename"] == "ProgressEvent"
        assert event["lesson"] == {
            "id": lesson["id"],
            "title": lesson["title"],
            "__typename": "Lesson",
        }
        assert event["course"] == {
            "id": course["id"],
            "title": course["title"],
            "__typename": "Course",
        }


async def test_apq_hash_unknown_then_registered(platform: Platform) -> None:
    import hashlib

    query = "{ __typename }"
    digest = hashlib.sha256(query.encode()).hexdigest()
    async with websocket(platform.ws_url) as client:
        await client.init()
        await client.subscribe("1", None, None, persisted(digest))
        assert codes(await client.receive()) == ["PERSISTED_QUERY_NOT_FOUND"]
        await client.subscribe("2", query, None, persisted(digest))
        assert (await client.receive())["payload"] == {"data": {"__typename": "Query"}}
        assert await client.receive() == {"id": "2", "type": "complete"}
        await client.subscribe("3", None, None, persisted(digest))
        assert (await client.receive())["payload"] == {"data": {"__typename": "Query"}}


async def test_subscriptions_per_connection_limit(make_platform: PlatformFactory) -> None:
    async with make_platform(subscriptions={"max_subscriptions_per_connection": 2}) as platform:
        user = fresh_learner(platform.subgraphs)
        # Distinct subscriptions (identical ones would share one upstream).
        courses = [c["id"] for c in platform.subgraphs.data.courses[:4]]
        async with websocket(platform.ws_url) as client:
            await client.init(as_user(user))
            await client.subscribe("1", PROGRESS, {"course": courses[0]})
            await client.subscribe("2", PROGRESS, {"course": courses[1]})
            await platform.wait_for_subscribers(user, 2)
            await client.subscribe("3", PROGRESS, {"course": courses[2]})
            message = await client.receive()
            assert message["id"] == "3"
            assert codes(message) == ["TOO_MANY_SUBSCRIPTIONS"]
            assert message["payload"][0]["extensions"]["maxSubscriptionsPerConnection"] == 2
            # Queries are not counted, and completing one subscription frees a place.
            await client.subscribe("q", "{ __typename }")
            assert (await client.receive())["type"] == "next"
            assert await client.receive() == {"id": "q", "type": "complete"}
            await client.send({"id": "1", "type": "complete"})
            await platform.wait_for_subscribers(user, 1)
            await client.subscribe("4", PROGRESS, {"course": courses[3]})
            await platform.wait_for_subscribers(user, 2)
            assert platform.subscribers(user) == 2


async def test_unreachable_upstream_is_subgraph_fetch_failed(
    make_platform: PlatformFactory,
) -> None:
    async with (
        progress_unreachable(make_platform) as platform,
        websocket(platform.ws_url) as client,
    ):
        await client.init(as_user("usr_0100"))
        await client.subscribe("u", PROGRESS)
        message = await client.receive()
    assert codes(message) == ["SUBGRAPH_FETCH_FAILED"]
    assert message["payload"][0]["extensions"]["service"] == "progress"


async def test_subscription_over_http_points_at_the_websocket(platform: Platform) -> None:
    body = await platform.post(PROGRESS)
    [error] = body["errors"]
    assert error["extensions"]["code"] == "SUBSCRIPTION_NOT_SUPPORTED_OVER_HTTP"
    assert "graphql-transport-ws" in error["message"]
    assert "/graphql" in error["message"]
    assert "data" not in body
