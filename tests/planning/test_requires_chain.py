# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""A chain of requirements: billing's tax requires shipping, which inventory computes from
price, which products owns: three fetches in order, each sending what the next needs."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from inline_snapshot import snapshot

from tests.planning.header import supergraph
from tests.planning.kit import KitGateway, KitSubgraph, kit_gateway

SUPERGRAPH = supergraph(
    ["billing", "inventory", "products"],
    """
type Product @join__type(graph: BILLING, key: "upc") @join__type(graph: INVENTORY, key: "upc") @join__type(graph: PRODUCTS, key: "upc") {
  upc: String!
  price: Int! @join__field(graph: INVENTORY, external: true) @join__field(graph: PRODUCTS)
  shipping: Int! @join__field(graph: BILLING, external: true) @join__field(graph: INVENTORY, requires: "price")
  tax: Int! @join__field(graph: BILLING, requires: "shipping")
  name: String! @join__field(graph: PRODUCTS)
}
type Query @join__type(graph: BILLING) @join__type(graph: INVENTORY) @join__type(graph: PRODUCTS) {
  products: [Product!]! @join__field(graph: PRODUCTS)
  billed: [Product!]! @join__field(graph: BILLING)
}
""",
)


def make_subgraphs() -> list[KitSubgraph]:
    p = KitSubgraph(
        "products",
        'type Query { products: [Product!]! } type Product @key(fields: "upc") { upc: String! price: Int! name: String! }',
        {
            "Product": [
                {"upc": "1", "price": 100, "name": "A"},
                {"upc": "2", "price": 200, "name": "B"},
            ]
        },
        {"Query.products": lambda s, _i: p.rows("Product")},
    )
    inv = KitSubgraph(
        "inventory",
        'type Product @key(fields: "upc") { upc: String! price: Int! @external shipping: Int! @requires(fields: "price") }',
        {},
        {"Product.shipping": lambda s, _i: s["price"] // 10},
    )
    b = KitSubgraph(
        "billing",
        'type Query { billed: [Product!]! } type Product @key(fields: "upc") { upc: String! shipping: Int! @external tax: Int! @requires(fields: "shipping") }',
        {},
        {
            "Product.tax": lambda s, _i: s["shipping"] * 2,
            "Query.billed": lambda s, _i: [{"upc": "2"}],
        },
    )
    return [b, inv, p]


@pytest.fixture
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_requirement_computed_from_another_requirement(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products { name tax } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "products") {
      {
        products {
          name
          __typename
          upc
          price
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "inventory") {
        {
          ... on Product {
            __typename
            upc
            price
          }
        } =>
        {
          ... on Product {
            shipping
          }
        }
      },
    },
    Flatten(path: "products.@") {
      Fetch(service: "billing") {
        {
          ... on Product {
            __typename
            upc
            shipping
          }
        } =>
        {
          ... on Product {
            tax
          }
        }
      },
    },
  },
}\
""")
    assert body == snapshot(
        {"data": {"products": [{"name": "A", "tax": 20}, {"name": "B", "tax": 40}]}}
    )
    assert [r.variables for r in gw["inventory"].requests + gw["billing"].requests] == snapshot(
        [
            {
                "representations": [
                    {"__typename": "Product", "upc": "1", "price": 100},
                    {"__typename": "Product", "upc": "2", "price": 200},
                ]
            },
            {
                "representations": [
                    {"__typename": "Product", "upc": "1", "shipping": 10},
                    {"__typename": "Product", "upc": "2", "shipping": 20},
                ]
            },
        ]
    )
