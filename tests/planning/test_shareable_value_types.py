# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""A shareable value type (Dimensions, no key) whose fields differ between subgraphs: fields
the current subgraph lacks are fetched through the parent entity's key."""

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
    ["inventory", "products"],
    """
type Dimensions @join__type(graph: INVENTORY) @join__type(graph: PRODUCTS) {
  width: Int!
  depth: Int! @join__field(graph: INVENTORY)
  unit: Unit! @join__field(graph: PRODUCTS)
}
type Unit @join__type(graph: PRODUCTS) { name: String! }
type Product @join__type(graph: INVENTORY, key: "upc") @join__type(graph: PRODUCTS, key: "upc") {
  upc: String!
  name: String! @join__field(graph: PRODUCTS)
  dimensions: Dimensions!
}
type Query @join__type(graph: INVENTORY) @join__type(graph: PRODUCTS) {
  products: [Product!]! @join__field(graph: PRODUCTS)
  stock: [Product!]! @join__field(graph: INVENTORY)
}
""",
)


def make_subgraphs() -> list[KitSubgraph]:
    p = KitSubgraph(
        "products",
        """type Query { products: [Product!]! } type Product @key(fields: "upc") { upc: String! name: String! dimensions: Dimensions! @shareable }
       type Dimensions @shareable { width: Int! unit: Unit! } type Unit { name: String! }""",
        {
            "Product": [
                {"upc": "1", "name": "Table", "dimensions": {"width": 100, "unit": {"name": "cm"}}}
            ]
        },
        {"Query.products": lambda _s, _i: p.rows("Product")},
    )
    inv = KitSubgraph(
        "inventory",
        """type Query { stock: [Product!]! } type Product @key(fields: "upc") { upc: String! dimensions: Dimensions! @shareable }
       type Dimensions @shareable { width: Int! depth: Int! }""",
        {"Product": [{"upc": "1", "dimensions": {"width": 100, "depth": 60}}]},
        {"Query.stock": lambda _s, _i: inv.rows("Product")},
    )
    return [inv, p]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_value_type_field_of_the_other_subgraph_through_the_parent_key(
    gw: KitGateway,
) -> None:
    plan, body = await gw.run("{ products { name dimensions { width depth } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "products") {
      {
        products {
          name
          __typename
          upc
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "inventory") {
        {
          ... on Product {
            __typename
            upc
          }
        } =>
        {
          ... on Product {
            dimensions {
              width
              depth
            }
          }
        }
      },
    },
  },
}\
""")
    assert body == snapshot(
        {"data": {"products": [{"name": "Table", "dimensions": {"width": 100, "depth": 60}}]}}
    )


async def test_shared_value_type_fields_stay_in_each_root_subgraph(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ products { dimensions { width } } stock { dimensions { width } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Parallel {
    Fetch(service: "products") {
      {
        products {
          dimensions {
            width
          }
        }
      }
    },
    Fetch(service: "inventory") {
      {
        stock {
          dimensions {
            width
          }
        }
      }
    },
  },
}\
""")
    assert body == snapshot(
        {
            "data": {
                "products": [{"dimensions": {"width": 100}}],
                "stock": [{"dimensions": {"width": 100}}],
            }
        }
    )


async def test_value_type_field_only_in_the_other_subgraph(gw: KitGateway) -> None:
    plan, body = await gw.run("{ stock { dimensions { depth unit { name } } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "inventory") {
      {
        stock {
          dimensions {
            depth
          }
          __typename
          upc
        }
      }
    },
    Flatten(path: "stock.@") {
      Fetch(service: "products") {
        {
          ... on Product {
            __typename
            upc
          }
        } =>
        {
          ... on Product {
            dimensions {
              unit {
                name
              }
            }
          }
        }
      },
    },
  },
}\
""")
    assert body == snapshot(
        {"data": {"stock": [{"dimensions": {"depth": 60, "unit": {"name": "cm"}}}]}}
    )
