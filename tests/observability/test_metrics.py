"""``/metrics`` on a running gateway in front of the real subgraphs, read with
prometheus-client's own text parser."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from subgraphs.progress.state import channel_for
from tests.observability.helpers import COURSE, Observed, observed_platform
from tests.servers import bound_socket
from tests.subscriptions.helpers import COMPLETE, as_user, websocket

FAMILIES = {
    "gateway_requests",
    "gateway_request_duration_seconds",
    "gateway_request_refusals",
    "gateway_subgraph_requests",
    "gateway_subgraph_request_duration_seconds",
    "gateway_subgraph_errors",
    "gateway_cache_lookups",
    "gateway_cache_entries",
    "gateway_cache_bytes",
    "gateway_persisted_queries",
    "gateway_inflight_dedup_hits",
    "gateway_websocket_connections",
    "gateway_subscriptions_started",
    "gateway_subscriptions_open",
    "gateway_subscription_events",
    "gateway_subscription_upstreams",
    "gateway_subscription_slow_consumers",
}


async def scrape(http: httpx.AsyncClient, platform: Observed) -> dict[str, Any]:
    """Every sample of ``/metrics``: {(name, sorted labels): value}, and the families."""
    response = await http.get(f"{platform.base}/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    families = list(text_string_to_metric_families(response.text))
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value for f in families for s in f.samples
    }
    return {"families": {f.name for f in families}, "samples": samples}


def value(scraped: dict[str, Any], name: str, **labels: str) -> float:
    return float(scraped["samples"].get((name, tuple(sorted(labels.items()))), 0.0))


async def post(
    http: httpx.AsyncClient, platform: Observed, body: dict[str, Any], **headers: str
) -> httpx.Response:
    return await http.post(platform.url, json=body, headers=headers)


async def test_requests_latency_subgraphs_caches_and_refusals() -> None:
    client = f"ios-{uuid.uuid4().hex[:8]}"
    limits = {"depth": {"max": 3}}
    async with observed_platform(limits=limits) as platform, httpx.AsyncClient() as http:
        course = platform.data.courses[0]["id"]
        before = await scrape(http, platform)
        assert before["families"] >= FAMILIES
        card = {"query": COURSE, "variables": {"id": course}}
        for _ in range(3):
            response = await post(
                http,
                platform,
                card,
                **{"apollographql-client-name": client, "apollographql-client-version": "1.2"},
            )
            assert response.status_code == 200
            assert "errors" not in response.json()
        # An APQ hash the gateway never saw, and a query deeper than limits.depth.max.
        unknown = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "ab" * 32}}}
        miss = (await post(http, platform, unknown)).json()
        assert miss["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
        deep = {"query": '{ course(id: "x") { modules { lessons { course { id } } } } }'}
        refused = (await post(http, platform, deep)).json()
        depth_code = refused["errors"][0]["extensions"]["code"]
        after = await scrape(http, platform)

    ok = {"operation": "CourseCard", "client_name": client, "client_version": "1.2"}
    assert value(after, "gateway_requests_total", **ok, outcome="ok") == 3
    assert (
        value(after, "gateway_request_duration_seconds_count", operation="CourseCard")
        - value(before, "gateway_request_duration_seconds_count", operation="CourseCard")
        == 3
    )
    for subgraph in ("courses", "users"):
        count = "gateway_subgraph_request_duration_seconds_count"
        assert value(after, count, subgraph=subgraph) - value(before, count, subgraph=subgraph) >= 3
        grown = value(after, "gateway_subgraph_requests_total", subgraph=subgraph, outcome="ok")
        assert (
            grown
            - value(before, "gateway_subgraph_requests_total", subgraph=subgraph, outcome="ok")
            >= 3
        )
    for code in ("PERSISTED_QUERY_NOT_FOUND", depth_code):
        name = "gateway_request_refusals_total"
        assert value(after, name, code=code) - value(before, name, code=code) == 1
    apq = "gateway_persisted_queries_total"
    assert value(after, apq, result="apq_miss") - value(before, apq, result="apq_miss") == 1
    # The document cache: parsed once, then hit twice (the refused ones missed).
    lookups = "gateway_cache_lookups_total"
    assert (
        value(after, lookups, cache="document", result="hit")
        - value(before, lookups, cache="document", result="hit")
        == 2
    )
    assert value(after, "gateway_cache_entries", cache="document") >= 2
    assert value(after, "gateway_cache_entries", cache="plan") >= 1
    assert value(after, "gateway_cache_bytes", cache="document") > 0
    assert value(after, "gateway_cache_bytes", cache="plan") > 0


async def test_subgraph_timeouts_and_failures_are_counted() -> None:
    closed = bound_socket()  # bound, never listening: connections are refused
    port = closed.getsockname()[1]
    overrides: dict[str, dict[str, Any]] = {
        "users": {"url": f"http://127.0.0.1:{port}/graphql"},
        "courses": {"timeout_seconds": 0.000001},
    }
    try:
        async with observed_platform(overrides) as platform, httpx.AsyncClient() as http:
            before = await scrape(http, platform)
            user = platform.data.users[0]["id"]
            for body in (
                {
                    "query": "query U($id: ID!) { user(id: $id) { name } }",
                    "variables": {"id": user},
                },
                {"query": "{ courses(first: 1) { nodes { id } } }"},
            ):
                response = (await post(http, platform, body)).json()
                assert response["data"] is None or "errors" in response
            after = await scrape(http, platform)
    finally:
        closed.close()
    name = "gateway_subgraph_errors_total"
    for subgraph, kind in (("users", "failed"), ("courses", "timeout")):
        assert (
            value(after, name, subgraph=subgraph, kind=kind)
            - value(before, name, subgraph=subgraph, kind=kind)
            == 1
        )
    outcome = "gateway_requests_total"
    assert (
        value(after, outcome, operation="U", client_name="", client_version="", outcome="errors")
        - value(before, outcome, operation="U", client_name="", client_version="", outcome="errors")
        == 1
    )


async def test_operation_and_client_labels_stay_bounded() -> None:
    observability = {"metrics": {"max_operation_names": 2, "max_clients": 1}}
    async with (
        observed_platform(observability=observability) as platform,
        httpx.AsyncClient() as http,
    ):
        names = [f"Bounded{uuid.uuid4().hex[:8]}" for _ in range(4)]
        clients = [f"web-{uuid.uuid4().hex[:8]}" for _ in range(3)]
        for name, client in zip(names, [*clients, clients[0]], strict=True):
            body = {"query": f"query {name} {{ courses(first: 1) {{ nodes {{ id }} }} }}"}
            response = await post(http, platform, body, **{"apollographql-client-name": client})
            assert response.status_code == 200
        scraped = await scrape(http, platform)
    operations = {
        dict(labels)["operation"]
        for (metric, labels) in scraped["samples"]
        if metric == "gateway_request_duration_seconds_count"
    }
    assert names[0] in operations and names[1] in operations
    assert names[2] not in operations and names[3] not in operations
    assert "other" in operations
    seen = {
        dict(labels)["client_name"]
        for (metric, labels) in scraped["samples"]
        if metric == "gateway_requests_total"
    }
    assert clients[0] in seen and clients[1] not in seen and clients[2] not in seen
    assert (
        value(
            scraped,
            "gateway_requests_total",
            operation="other",
            client_name="other",
            client_version="other",
            outcome="ok",
        )
        == 1
    )


async def test_allowlist_refusals_are_counted() -> None:
    manifest = Path(__file__).resolve().parents[2] / "persisted_queries" / "manifest.json"
    persisted = {"mode": "allowlist", "manifest": str(manifest)}
    async with observed_platform(persisted=persisted) as platform, httpx.AsyncClient() as http:
        before = await scrape(http, platform)
        body = {"query": "{ courses(first: 1) { nodes { id } } }"}
        refusal = (await post(http, platform, body)).json()
        after = await scrape(http, platform)
    assert refusal["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"
    name = "gateway_request_refusals_total"
    code = "PERSISTED_QUERY_NOT_IN_LIST"
    assert value(after, name, code=code) - value(before, name, code=code) == 1
    apq = "gateway_persisted_queries_total"
    assert value(after, apq, result="refused") - value(before, apq, result="refused") == 1


async def complete_lesson(
    platform: Observed, http: httpx.AsyncClient, user: str, lesson: str
) -> None:
    """Complete ``lesson`` as ``user`` through the gateway (the event a subscriber gets)."""
    response = await http.post(
        platform.url,
        json={
            "query": COMPLETE,
            "variables": {"input": {"lessonId": lesson, "clientMutationId": "m"}},
        },
        headers=as_user(user),
    )
    assert response.json() == {"data": {"completeLesson": {"clientMutationId": "m"}}}


async def test_websocket_connections_and_subscriptions() -> None:
    async with observed_platform() as platform, httpx.AsyncClient() as http:
        before = await scrape(http, platform)
        user = platform.data.users[0]["id"]
        ws_url = "ws" + platform.url.removeprefix("http")
        async with websocket(ws_url) as client:
            await client.init(as_user(user))
            await client.subscribe("s", "subscription Live { progressUpdated { occurredAt } }")
            for _ in range(500):  # subscribed once the progress subgraph has the subscriber
                if platform.subgraphs.apps["progress"].state.broker.subscriber_count(
                    channel_for(user)
                ):
                    break
                await asyncio.sleep(0.01)
            # One event: a lesson completed through the gateway reaches the subscriber.
            lesson = platform.data.lessons[0]["id"]
            await complete_lesson(platform, http, user, lesson)
            event = await client.receive()
            assert event["type"] == "next" and event["id"] == "s", event
            during = await scrape(http, platform)
            await client.send({"id": "s", "type": "complete"})
        for _ in range(200):  # the server notices the close on its own schedule
            after = await scrape(http, platform)
            if value(after, "gateway_websocket_connections") == 0:
                break
            await asyncio.sleep(0.01)
    assert value(during, "gateway_websocket_connections") == 1
    assert value(after, "gateway_websocket_connections") == 0
    assert value(during, "gateway_subscriptions_open") == 1
    assert value(after, "gateway_subscriptions_open") == 0
    assert value(during, "gateway_subscription_upstreams") == 1
    assert value(after, "gateway_subscription_upstreams") == 0
    events = "gateway_subscription_events_total"
    assert value(during, events) - value(before, events) == 1
    started = "gateway_subscriptions_started_total"
    assert value(during, started, operation="Live") - value(before, started, operation="Live") == 1
    requests = "gateway_requests_total"
    labels = {"operation": "Live", "client_name": "", "client_version": ""}
    assert (
        value(during, requests, **labels, outcome="subscribed")
        - value(before, requests, **labels, outcome="subscribed")
        == 1
    )
