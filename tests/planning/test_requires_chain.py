# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""Requirements from several places. A chain: billing's tax requires shipping, which inventory computes from
price, which products owns: three fetches in order, each sending what the next needs. And a field requiring fields of
two other subgraphs."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from inline_snapshot import snapshot

from tests.planning.header import supergraph
from tests.planning.helpers import KitGateway, KitSubgraph, kit_gateway

#: One event loop per module: the module-scoped kit servers and gateway live in it.
pytestmark = pytest.mark.asyncio(loop_scope="module")

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


@pytest_asyncio.fixture(loop_scope="module", scope="module")
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


TWO_SOURCES = supergraph(
    ["products", "shipping", "weights"],
    """
type Product @join__type(graph: PRODUCTS, key: "upc") @join__type(graph: SHIPPING, key: "upc") @join__type(graph: WEIGHTS, key: "upc") {
  upc: String!
  name: String! @join__field(graph: PRODUCTS)
  price: Int! @join__field(graph: PRODUCTS) @join__field(graph: SHIPPING, external: true)
  weight: Int! @join__field(graph: WEIGHTS) @join__field(graph: SHIPPING, external: true)
  estimate: Int! @join__field(graph: SHIPPING, requires: "price weight")
  heavy: Boolean! @join__field(graph: WEIGHTS)
}
type Query @join__type(graph: PRODUCTS) @join__type(graph: SHIPPING) @join__type(graph: WEIGHTS) {
  products: [Product!]! @join__field(graph: PRODUCTS)
}
""",
)


def make_two_sources() -> list[KitSubgraph]:
    p = KitSubgraph(
        "products",
        'type Query { products: [Product!]! } type Product @key(fields: "upc") { upc: String! name: String! price: Int! }',
        {
            "Product": [
                {"upc": "1", "name": "A", "price": 100},
                {"upc": "2", "name": "B", "price": 200},
            ]
        },
        {"Query.products": lambda s, _i: p.rows("Product")},
    )
    w = KitSubgraph(
        "weights",
        'type Product @key(fields: "upc") { upc: String! weight: Int! heavy: Boolean! }',
        {
            "Product": [
                {"upc": "1", "weight": 5, "heavy": False},
                {"upc": "2", "weight": 50, "heavy": True},
            ]
        },
    )
    ship = KitSubgraph(
        "shipping",
        'type Product @key(fields: "upc") { upc: String! price: Int! @external weight: Int! @external estimate: Int! @requires(fields: "price weight") }',
        {},
        {"Product.estimate": lambda s, _i: s["price"] + s["weight"]},
    )
    return [p, ship, w]


async def test_requirements_from_two_subgraphs() -> None:
    # estimate (shipping) requires price (products) and weight (weights): shipping waits
    # for both; weights also answers the client's heavy in the same fetch.
    async with kit_gateway(TWO_SOURCES, *make_two_sources()) as gw:
        plan, body = await gw.run("{ products { name estimate heavy } }")
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
      Fetch(service: "weights") {
        {
          ... on Product {
            __typename
            upc
          }
        } =>
        {
          ... on Product {
            weight
            heavy
          }
        }
      },
    },
    Flatten(path: "products.@") {
      Fetch(service: "shipping") {
        {
          ... on Product {
            __typename
            upc
            price
            weight
          }
        } =>
        {
          ... on Product {
            estimate
          }
        }
      },
    },
  },
}\
""")
    assert body == snapshot(
        {
            "data": {
                "products": [
                    {"name": "A", "estimate": 105, "heavy": False},
                    {"name": "B", "estimate": 250, "heavy": True},
                ]
            }
        }
    )
    assert [r.variables for r in gw["shipping"].requests] == snapshot(
        [
            {
                "representations": [
                    {"__typename": "Product", "upc": "1", "price": 100, "weight": 5},
                    {"__typename": "Product", "upc": "2", "price": 200, "weight": 50},
                ]
            }
        ]
    )


async def test_requirement_chain_from_the_requiring_subgraph_root(gw: KitGateway) -> None:
    plan, body = await gw.run("{ billed { tax name } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "billing") {
      {
        billed {
          __typename
          upc
        }
      }
    },
    Flatten(path: "billed.@") {
      Fetch(service: "products") {
        {
          ... on Product {
            __typename
            upc
          }
        } =>
        {
          ... on Product {
            price
            name
          }
        }
      },
    },
    Flatten(path: "billed.@") {
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
    Flatten(path: "billed.@") {
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
    assert body == snapshot({"data": {"billed": [{"tax": 40, "name": "B"}]}})
