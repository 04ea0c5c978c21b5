"""Batches: a JSON array body, each operation through the pipeline, answers in order."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.http.hello_subgraph import Concurrency, hello_app, supergraph_for
from tests.http.helpers import gateway_server
from tests.servers import ThreadedServer

GQL = "application/graphql-response+json"


@pytest.fixture(scope="module")
def gateway_url(hello_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The gateway with batching turned on (it is off by default)."""
    directory = tmp_path_factory.mktemp("gw")
    with gateway_server(supergraph_for(hello_url), directory, batching={"enabled": True}) as url:
        yield url


async def test_batching_is_off_by_default(hello_url: str, tmp_path: Path) -> None:
    for mode in ("dev", "production"):
        with gateway_server(supergraph_for(hello_url), tmp_path, mode) as url:
            async with httpx.AsyncClient(base_url=url, timeout=30) as client:
                response = await client.post("/graphql", json=[{"query": "{ hello }"}] * 2)
                assert response.status_code == 400
                error = response.json()["errors"][0]
                assert error["extensions"]["code"] == "BATCHING_DISABLED"


async def test_batch_answers_in_order(client: httpx.AsyncClient) -> None:
    batch = [
        {"query": "{ hello }"},
        {"query": "query($n: String!) { greet(name: $n) }", "variables": {"n": "two"}},
        {"query": "query A { add(a: 1, b: 2) } query B { hello }", "operationName": "A"},
    ]
    response = await client.post("/graphql", json=batch, headers={"accept": GQL})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(GQL)
    assert response.json() == [
        {"data": {"hello": "world"}},
        {"data": {"greet": "hello, two"}},
        {"data": {"add": 3}},
    ]


async def test_bad_items_are_answered_in_their_place(client: httpx.AsyncClient) -> None:
    batch = [
        {"query": "{ hello }"},
        42,
        {"variables": {}},
        {"query": "{ nope }"},
        {"query": "{ hello"},
        {"query": "{ add(a: 1, b: 1) }"},
    ]
    response = await client.post("/graphql", json=batch, headers={"accept": GQL})
    assert response.status_code == 200
    items = response.json()
    assert len(items) == 6
    assert items[0] == {"data": {"hello": "world"}}
    codes = [item.get("errors", [{}])[0].get("extensions", {}).get("code") for item in items]
    assert codes[1:5] == [
        "INVALID_REQUEST_BODY",
        "MISSING_QUERY",
        "GRAPHQL_VALIDATION_FAILED",
        "GRAPHQL_PARSE_FAILED",
    ]
    assert items[5] == {"data": {"add": 2}}


async def test_batch_limits(hello_url: str, tmp_path: Path) -> None:
    sdl = supergraph_for(hello_url)
    with gateway_server(sdl, tmp_path, batching={"enabled": True, "max_size": 3}) as url:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            fits = await client.post("/graphql", json=[{"query": "{ hello }"}] * 3)
            assert fits.status_code == 200
            assert fits.json() == [{"data": {"hello": "world"}}] * 3

            too_many = await client.post(
                "/graphql", json=[{"query": "{ hello }"}] * 4, headers={"accept": GQL}
            )
            assert too_many.status_code == 400
            error = too_many.json()["errors"][0]
            assert error["extensions"] == {"code": "BATCH_TOO_LARGE", "maxBatchSize": 3}

            empty = await client.post("/graphql", json=[], headers={"accept": GQL})
            assert empty.status_code == 400
            assert empty.json()["errors"][0]["extensions"]["code"] == "INVALID_REQUEST_BODY"


async def test_batching_disabled(hello_url: str, tmp_path: Path) -> None:
    sdl = supergraph_for(hello_url)
    with gateway_server(sdl, tmp_path, batching={"enabled": False}) as url:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            response = await client.post("/graphql", json=[{"query": "{ hello }"}])
            assert response.status_code == 400
            assert response.json()["errors"][0]["extensions"]["code"] == "BATCHING_DISABLED"
            single = await client.post("/graphql", json={"query": "{ hello }"})
            assert single.json() == {"data": {"hello": "world"}}


@pytest.mark.parametrize(("parallel", "peak"), [(False, 1), (True, 3)])
async def test_sequential_and_parallel_batches(tmp_path: Path, parallel: bool, peak: int) -> None:
    # The subgraph counts how many of the batch's operations it serves at once.
    counter = Concurrency()
    # Distinct operations: the engine would rightly merge identical in-flight ones.
    seconds = (0.2, 0.21, 0.22)
    batch = [{"query": f"{{ slow(seconds: {s}) }}"} for s in seconds]
    with ThreadedServer(hello_app(counter)) as hello:
        sdl = supergraph_for(f"{hello.url}/graphql")
        with gateway_server(sdl, tmp_path, batching={"enabled": True, "parallel": parallel}) as url:
            async with httpx.AsyncClient(base_url=url, timeout=30) as client:
                response = await client.post("/graphql", json=batch)
    assert response.json() == [{"data": {"slow": f"slept {s}"}} for s in seconds]
    assert counter.total == 3
    assert counter.peak == peak
