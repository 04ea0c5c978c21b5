# ruff: noqa: E501 -- SDL is data.
"""No planner failure reaches the client as anything but ``QUERY_PLANNING_FAILED``: a bug
inside planning (an exception of any type, or unbounded recursion) becomes that request
error, named and logged with the operation's hash, over real HTTP."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from graphql import parse, print_ast

from gateway.http.app import create_app
from gateway.planning import walk
from tests.planning.header import supergraph
from tests.planning.helpers import KitGateway, KitSubgraph, kit_gateway
from tests.servers import running_app

pytestmark = pytest.mark.asyncio(loop_scope="module")

SUPERGRAPH = supergraph(
    ["products"],
    """
type Product @join__type(graph: PRODUCTS, key: "upc") { upc: String! name: String! }
type Query @join__type(graph: PRODUCTS) { products: [Product!]! }
""",
)


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    products = KitSubgraph(
        "products",
        'type Query { products: [Product!]! } type Product @key(fields: "upc") { upc: String! name: String! }',
        {"Product": [{"upc": "1", "name": "Table"}]},
        {"Query.products": lambda _s, _i: products.rows("Product")},
    )
    async with kit_gateway(SUPERGRAPH, products) as gateway:
        yield gateway


@pytest.mark.parametrize(
    ("exception", "reason"),
    [(ValueError("boom"), "ValueError"), (RecursionError(), "planning went too deep")],
)
async def test_an_exception_inside_planning_is_query_planning_failed(
    gw: KitGateway,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    exception: BaseException,
    reason: str,
) -> None:
    def broken(_self: object) -> None:
        raise exception

    monkeypatch.setattr(walk.Walk, "plan_root", broken)
    query = f"query Broken{reason.split()[0].capitalize()} {{ products {{ name }} }}"
    app = create_app(gw.gateway.config, gateway=gw.gateway)
    with caplog.at_level(logging.WARNING, logger="gateway.planning"):
        async with running_app(app) as base, httpx.AsyncClient() as client:
            response = await client.post(
                f"{base}/graphql",
                json={"query": query},
                headers={"accept": "application/graphql-response+json"},
            )
    assert response.status_code == 400
    body = response.json()
    assert list(body) == ["errors"]
    [error] = body["errors"]
    assert error["extensions"] == {"code": "QUERY_PLANNING_FAILED"}
    assert reason in error["message"]
    assert "Traceback" not in response.text
    digest = hashlib.sha256(print_ast(parse(query).definitions[0]).encode()).hexdigest()
    assert [r.operation_hash for r in caplog.records] == [digest]  # type: ignore[attr-defined]
    assert gw.sent() == {}
