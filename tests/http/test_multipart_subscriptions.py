"""Apollo's multipart HTTP subscriptions against the real platform, read part by part
(the real Apollo Client is in test_stream_clients.py)."""

from __future__ import annotations

import time

from prometheus_client.parser import text_string_to_metric_families

from tests.auth.helpers import gateway_auth, identity_provider
from tests.http.helpers import (
    LIVE,
    MULTIPART,
    MultipartReader,
    expected_event,
    live_stream,
    wait_until,
    without_time,
)
from tests.subscriptions.fixtures import PlatformFactory
from tests.subscriptions.helpers import (
    Platform,
    as_user,
    fresh_learner,
    lessons_of,
    progress_unreachable,
)

MEDIA_TYPE = 'multipart/mixed;boundary="graphql";subscriptionSpec="1.0"'


async def metric(platform: Platform, name: str, **labels: str) -> float:
    response = await platform.http.get(platform.url.removesuffix("/graphql") + "/metrics")
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return float(sample.value)
    return 0.0


async def test_subscription_parts_with_fields_of_all_three_subgraphs(platform: Platform) -> None:
    data = platform.subgraphs.data
    user = fresh_learner(platform.subgraphs)
    lesson = lessons_of(platform.subgraphs, data.courses[0]["id"])[0]
    events = "gateway_subscription_events_total"
    before = await metric(platform, events, transport="multipart")
    async with platform.http.stream(
        "POST", platform.url, json={"query": LIVE}, headers={**MULTIPART, **as_user(user)}
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"] == MEDIA_TYPE
        parts = MultipartReader(response)
        assert await parts.next() == {}  # the first heartbeat goes out at once
        await platform.wait_for_subscribers(user, 1)
        await platform.complete_lesson(user, lesson["id"])
        part = await parts.next()
        assert parts.part_headers[-1] == "Content-Type: application/json; charset=utf-8"
        open_now = await metric(platform, "gateway_subscriptions_open", transport="multipart")
        delivered = await metric(platform, events, transport="multipart")
    assert list(part) == ["payload"]
    progress = part["payload"]["data"]["progressUpdated"]
    assert without_time(progress) == expected_event(data, user, lesson["id"], 1)
    assert open_now == 1
    assert delivered - before == 1
    await platform.wait_for_subscribers(user, 0)  # the client left: upstream closed
    await wait_until(lambda: platform.gateway.http_streams.open["multipart"] == 0, "no stream")
    assert await metric(platform, "gateway_subscriptions_open", transport="multipart") == 0


async def test_heartbeats_while_idle(make_platform: PlatformFactory) -> None:
    config = {"server": {"http_subscriptions": {"multipart_heartbeat_seconds": 0.05}}}
    async with (
        make_platform(**config) as platform,
        live_stream(platform, MULTIPART) as (_user, response),
    ):
        parts = MultipartReader(response)
        assert [await parts.next() for _ in range(4)] == [{}, {}, {}, {}]


async def test_upstream_failure_is_a_transport_error_then_the_end(
    make_platform: PlatformFactory,
) -> None:
    async with (
        progress_unreachable(make_platform) as platform,
        live_stream(platform, MULTIPART) as (_user, response),
    ):
        parts = MultipartReader(response)
        assert await parts.next() == {}
        failure = await parts.next()
        assert await parts.next() is None  # --graphql--
    assert failure["payload"] is None
    [error] = failure["errors"]
    assert error["extensions"] == {"code": "SUBGRAPH_FETCH_FAILED", "service": "progress"}


async def test_request_errors_are_an_ordinary_json_response(platform: Platform) -> None:
    body = {"query": "subscription { progressUpdated { nope } }"}
    legacy = await platform.http.post(platform.url, json=body, headers=MULTIPART)
    assert legacy.status_code == 200  # application/json: request errors are a 200
    assert legacy.headers["content-type"] == "application/json; charset=utf-8"
    assert legacy.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    modern = {"accept": 'multipart/mixed;subscriptionSpec="1.0",application/graphql-response+json'}
    strict = await platform.http.post(platform.url, json=body, headers=modern)
    assert strict.status_code == 400


async def test_a_query_is_answered_in_json(platform: Platform) -> None:
    course = platform.subgraphs.data.courses[0]
    query = {
        "query": "query Q($id: ID!) { course(id: $id) { title } }",
        "variables": {"id": course["id"]},
    }
    response = await platform.http.post(platform.url, json=query, headers=MULTIPART)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.json() == {"data": {"course": {"title": course["title"]}}}


async def test_closing_the_gateway_ends_the_stream(platform: Platform) -> None:
    async with live_stream(platform, MULTIPART) as (user, response):
        parts = MultipartReader(response)
        assert await parts.next() == {}
        await platform.wait_for_subscribers(user, 1)
        platform.gateway.http_streams.shutdown()  # what Gateway.close does first
        assert await parts.next() is None  # the closing delimiter: the client may reconnect
    await platform.wait_for_subscribers(user, 0)
    headers = {**MULTIPART, **as_user(user)}
    refused = await platform.http.post(platform.url, json={"query": LIVE}, headers=headers)
    assert refused.status_code == 503


async def test_the_stream_ends_when_the_token_expires(make_platform: PlatformFactory) -> None:
    async with make_platform(auth=gateway_auth(leeway_seconds=1)) as platform:
        user = fresh_learner(platform.subgraphs)
        token = identity_provider().token(user, exp=int(time.time()) + 2)
        headers = {**MULTIPART, "authorization": f"Bearer {token}"}
        started = time.monotonic()
        async with platform.http.stream(
            "POST", platform.url, json={"query": LIVE}, headers=headers
        ) as response:
            parts = MultipartReader(response)
            assert await parts.next() == {}
            await platform.wait_for_subscribers(user, 1)
            ended = await parts.next()
            assert await parts.next() is None
        # exp (2 s) plus the leeway (1 s), not before; nothing more is sent under it.
        assert 1.5 <= time.monotonic() - started < 6
        assert ended["payload"] is None
        assert [e["extensions"]["code"] for e in ended["errors"]] == ["UNAUTHENTICATED"]
        await platform.wait_for_subscribers(user, 0)
