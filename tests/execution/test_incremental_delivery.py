"""``@defer`` over HTTP, read raw: ``multipart/mixed`` parts in order, the first before
the slow subgraph answers; clients without ``multipart/mixed`` in ``Accept`` (and batches)
get one whole response, as if nothing were deferred."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio

from gateway.http.app import create_app
from tests.execution.helpers import SUPERGRAPH, SlowSubgraph, make_subgraphs, read_multipart
from tests.planning.helpers import kit_gateway
from tests.servers import running_app

pytestmark = pytest.mark.asyncio(loop_scope="module")

#: The slow subgraph's delay (seconds): long enough that no scheduling hiccup on a busy
#: machine can make the fast part wait as long.
DELAY = 0.6
APOLLO_ACCEPT = "multipart/mixed;deferSpec=20220824,application/json"
QUERY = '{ courses { id title ... @defer(label: "ratings") { rating } } }'
WHOLE = {
    "data": {
        "courses": [
            {"id": "c1", "title": "Algebra", "rating": 4.5},
            {"id": "c2", "title": "Topology", "rating": None},
        ]
    }
}


class Served:
    def __init__(self, url: str, reviews: SlowSubgraph) -> None:
        self.url = url
        self.reviews = reviews


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def served() -> AsyncIterator[Served]:
    subgraphs = make_subgraphs(delay=DELAY)
    reviews = subgraphs[1]
    assert isinstance(reviews, SlowSubgraph)
    async with kit_gateway(SUPERGRAPH, *subgraphs) as gw:
        config = gw.gateway.config
        server = config.server
        batching = server.batching.model_copy(update={"enabled": True})
        server = server.model_copy(update={"batching": batching})
        app = create_app(config.model_copy(update={"server": server}), gw.gateway)
        async with running_app(app) as base:
            yield Served(f"{base}/graphql", reviews)


@pytest_asyncio.fixture(loop_scope="module")
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as http:
        yield http


async def test_first_part_arrives_before_the_slow_subgraph_answers(
    served: Served, client: httpx.AsyncClient
) -> None:
    served.reviews.answered.clear()
    response, parts = await read_multipart(client, served.url, QUERY, APOLLO_ACCEPT)
    assert response.status_code == 200
    assert response.headers["content-type"] == 'multipart/mixed;boundary="-";deferSpec=20220824'
    assert [part.body for part in parts] == [
        {
            "data": {
                "courses": [{"id": "c1", "title": "Algebra"}, {"id": "c2", "title": "Topology"}]
            },
            "hasNext": True,
        },
        {
            "incremental": [
                {"data": {"rating": 4.5}, "path": ["courses", 0], "label": "ratings"},
                {"data": {"rating": None}, "path": ["courses", 1], "label": "ratings"},
            ],
            "hasNext": False,
        },
    ]
    (answered,) = served.reviews.answered
    assert parts[0].arrived < answered <= parts[1].arrived
    assert parts[0].at < DELAY <= parts[1].at


@pytest.mark.parametrize(
    "accept", ["application/json", "application/graphql-response+json", "*/*", None]
)
async def test_client_without_multipart_gets_the_whole_response(
    served: Served, client: httpx.AsyncClient, accept: str | None
) -> None:
    headers = {"accept": accept} if accept is not None else {}
    response = await client.post(served.url, json={"query": QUERY}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] in (
        "application/json",
        "application/graphql-response+json",
    )
    assert response.json() == WHOLE


async def test_multipart_for_subscriptions_only_is_not_incremental(
    served: Served, client: httpx.AsyncClient
) -> None:
    accept = 'multipart/mixed;subscriptionSpec="1.0",application/json'
    response = await client.post(served.url, json={"query": QUERY}, headers={"accept": accept})
    assert response.json() == WHOLE


async def test_a_batch_is_answered_whole(served: Served, client: httpx.AsyncClient) -> None:
    response = await client.post(
        served.url, json=[{"query": QUERY}], headers={"accept": APOLLO_ACCEPT}
    )
    assert response.status_code == 200
    assert response.json() == [WHOLE]


async def test_multipart_only_accept_still_gets_parts(
    served: Served, client: httpx.AsyncClient
) -> None:
    _, parts = await read_multipart(client, served.url, QUERY, "multipart/mixed")
    assert [part.body["hasNext"] for part in parts] == [True, False]


async def test_errors_before_execution_are_json(served: Served, client: httpx.AsyncClient) -> None:
    response = await client.post(
        served.url,
        json={"query": "{ courses { ... @defer { nope } } }"},
        headers={"accept": APOLLO_ACCEPT},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == [
        "GRAPHQL_VALIDATION_FAILED"
    ]


def deferred_tasks() -> list[asyncio.Task[object]]:
    """The gateway's running deferred sub-plans (the gateway serves in this loop)."""
    return [
        task
        for task in asyncio.all_tasks()
        if getattr(task.get_coro(), "__qualname__", "") == "IncrementalDelivery._run"
    ]


async def test_a_client_that_goes_away_cancels_the_deferred_fetches(
    served: Served, client: httpx.AsyncClient
) -> None:
    served.reviews.answered.clear()
    async with client.stream(
        "POST", served.url, json={"query": QUERY}, headers={"accept": APOLLO_ACCEPT}
    ) as response:
        async for chunk in response.aiter_raw():
            assert b'"hasNext":true' in chunk  # the first part: then hang up
            break
        assert deferred_tasks()  # the slow fetch is running
    deadline = asyncio.get_running_loop().time() + DELAY / 2
    while deferred_tasks() and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.01)
    assert deferred_tasks() == []
    assert served.reviews.answered == []  # cancelled before the subgraph answered


async def test_a_get_request_is_delivered_in_parts_too(
    served: Served, client: httpx.AsyncClient
) -> None:
    async with client.stream(
        "GET",
        served.url,
        params={"query": QUERY},
        headers={"accept": APOLLO_ACCEPT, "apollo-require-preflight": "true"},
    ) as response:
        body = await response.aread()
    assert response.headers["content-type"].startswith("multipart/mixed")
    assert body.count(b"\r\n---\r\n") == 2 and body.endswith(b"\r\n-----\r\n")
