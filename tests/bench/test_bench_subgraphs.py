"""The bench subgraphs answer federation requests the way the benchmark's data says,
over a real socket, whatever shape a gateway gives its documents."""

from __future__ import annotations

from typing import Any

import httpx
import orjson

from bench.harness.workload import scale
from bench.subgraphs import create_app
from bench.subgraphs.schema import published_sdl
from tests.servers import running_app

ENTITIES = "query($r: [_Any!]!) { _entities(representations: $r) { __typename %s } }"


async def _post(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> Any:
    response = await client.post(path, content=orjson.dumps(body))
    assert response.status_code == 200, response.text
    return response.json()


async def test_root_field_with_alias_fragment_and_default_argument() -> None:
    query = """
        fragment P on Product { upc name price weight }
        query { top: topProducts { __typename ...P } two: topProducts(first: 2) { upc } }
    """
    async with running_app(create_app()) as url, httpx.AsyncClient(base_url=url) as client:
        answer = await _post(client, "/products", {"query": query})
    assert answer["data"]["top"][0] == {
        "__typename": "Product",
        "upc": "1",
        "name": "Table",
        "price": 899,
        "weight": 100,
    }
    assert [p["upc"] for p in answer["data"]["top"]] == ["1", "2", "3", "4", "5"]
    assert answer["data"]["two"] == [{"upc": "1"}, {"upc": "2"}]


async def test_entities_of_several_types_in_one_request() -> None:
    selection = """
        ... on User { id reviews { id product { upc } } }
        ... on Product { reviews { id author { id username } } }
    """
    representations = [
        {"__typename": "User", "id": "3"},
        {"__typename": "Product", "upc": "4"},
        {"__typename": "Product", "upc": "9"},
    ]
    async with running_app(create_app()) as url, httpx.AsyncClient(base_url=url) as client:
        answer = await _post(
            client,
            "/reviews",
            {"query": ENTITIES % selection, "variables": {"r": representations}},
        )
    assert answer == {
        "data": {
            "_entities": [
                {
                    "__typename": "User",
                    "id": "3",
                    "reviews": [
                        {"id": "1", "product": {"upc": "1"}},
                        {"id": "2", "product": {"upc": "1"}},
                    ],
                },
                {
                    "__typename": "Product",
                    "reviews": [
                        {"id": "10", "author": {"id": "1", "username": "urigo"}},
                        {"id": "11", "author": {"id": "1", "username": "urigo"}},
                    ],
                },
                {"__typename": "Product", "reviews": []},
            ]
        }
    }


async def test_inventory_uses_stored_row_over_required_fields() -> None:
    # The benchmark's stored inventory rows have null price/weight, so shippingEstimate is
    # null even though the gateway sends price and weight (@requires).
    representations = [{"__typename": "Product", "upc": "1", "price": 899, "weight": 100}]
    async with (
        running_app(create_app(response_cache=0)) as url,
        httpx.AsyncClient(base_url=url) as client,
    ):
        answer = await _post(
            client,
            "/inventory",
            {
                "query": ENTITIES % "... on Product { inStock shippingEstimate }",
                "variables": {"r": representations},
            },
        )
    assert answer == {
        "data": {
            "_entities": [{"__typename": "Product", "inStock": True, "shippingEstimate": None}]
        }
    }


async def test_scale_workload_expected_answer_matches_what_subgraphs_serve() -> None:
    work = scale(7)
    async with running_app(create_app()) as url, httpx.AsyncClient(base_url=url) as client:
        root = await _post(
            client, "/products", {"query": "{ productList(count: 7) { upc name price weight } }"}
        )
        products = root["data"]["productList"]
        representations = [{"__typename": "Product", **p} for p in products]
        hop = await _post(
            client,
            "/inventory",
            {
                "query": ENTITIES % "... on Product { inStock shippingEstimate }",
                "variables": {"r": representations},
            },
        )
    merged = [
        {**p, "inStock": e["inStock"], "shippingEstimate": e["shippingEstimate"]}
        for p, e in zip(products, hop["data"]["_entities"], strict=True)
    ]
    assert {"data": {"productList": merged}} == work.expected
    assert any(p["shippingEstimate"] is not None for p in merged)


async def test_service_sdl_and_bad_requests() -> None:
    async with running_app(create_app()) as url, httpx.AsyncClient(base_url=url) as client:
        answer = await _post(client, "/accounts", {"query": "{ _service { sdl } }"})
        assert answer["data"]["_service"]["sdl"] == published_sdl("accounts")
        not_json = await client.post("/accounts", content=b"{nope")
        assert not_json.status_code == 400
        assert not_json.json()["errors"][0]["message"] == "request body is not JSON"
        invalid = await _post(client, "/accounts", {"query": "{ nope }"})
        assert "nope" in invalid["errors"][0]["message"]
        missing = await client.post("/nowhere", content=b"{}")
        assert missing.status_code == 404
