"""Subgraph names as composition allows them (`product-catalog`, enum PRODUCT_CATALOG):
the operations sent to them must still be valid GraphQL."""

from __future__ import annotations

import pytest
from inline_snapshot import snapshot

from tests.planning.header import supergraph
from tests.planning.helpers import KitSubgraph, kit_gateway

pytestmark = pytest.mark.asyncio(loop_scope="module")

SUPERGRAPH = supergraph(
    ["products"], "type Query @join__type(graph: PRODUCT_CATALOG) { hello: String }"
).replace(
    'PRODUCTS @join__graph(name: "products", url: "http://products.invalid/graphql")',
    'PRODUCT_CATALOG @join__graph(name: "product-catalog",'
    ' url: "http://product-catalog.invalid/graphql")',
)


async def test_named_operation_to_a_hyphenated_subgraph() -> None:
    sub = KitSubgraph(
        "product-catalog", "type Query { hello: String }", {}, {"Query.hello": lambda _s, _i: "hi"}
    )
    async with kit_gateway(SUPERGRAPH, sub) as gw:
        plan, body = await gw.run("query Named { hello }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "product-catalog") {
    {
      hello
    }
  },
}\
""")
    assert body == snapshot({"data": {"hello": "hi"}})
    assert sub.queries() == snapshot(["query Named__product_catalog__0{hello}"])
