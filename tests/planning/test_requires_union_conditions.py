# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""`@requires` through type conditions on a union inside a list: `items { ... on Gadget
{ weight } }` must reach the requiring subgraph with the weights of gadgets only, even
when books have a `weight` too and the client (or another requirement) selects it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from inline_snapshot import snapshot

from tests.planning.header import supergraph
from tests.planning.helpers import KitGateway, KitSubgraph, kit_gateway

#: One event loop per module: the module-scoped kit servers and gateway live in it.
pytestmark = pytest.mark.asyncio(loop_scope="module")

SUPERGRAPH = supergraph(
    ["shipping", "shop"],
    """
type Book
  @join__type(graph: SHIPPING)
  @join__type(graph: SHOP)
{
  isbn: String!
  title: String! @join__field(graph: SHOP)
  weight: Int!
}

type Gadget
  @join__type(graph: SHIPPING)
  @join__type(graph: SHOP)
{
  sku: String! @join__field(graph: SHOP)
  weight: Int!
  voltage: Int! @join__field(graph: SHOP)
}

union Item
  @join__type(graph: SHIPPING)
  @join__type(graph: SHOP)
  @join__unionMember(graph: SHIPPING, member: "Book")
  @join__unionMember(graph: SHIPPING, member: "Gadget")
  @join__unionMember(graph: SHOP, member: "Book")
  @join__unionMember(graph: SHOP, member: "Gadget")
 = Book | Gadget

type Order
  @join__type(graph: SHIPPING, key: "id")
  @join__type(graph: SHOP, key: "id")
{
  id: ID!
  items: [Item!]! @join__field(graph: SHIPPING, external: true) @join__field(graph: SHOP)
  isbns: [String!]! @join__field(graph: SHIPPING, requires: "items { ... on Book { isbn } }")
  gadgetWeight: Int! @join__field(graph: SHIPPING, requires: "items { ... on Gadget { weight } }")
  totalWeight: Int! @join__field(graph: SHIPPING, requires: "items { ... on Book { weight } ... on Gadget { weight } }")
}

type Query
  @join__type(graph: SHIPPING)
  @join__type(graph: SHOP)
{
  orders: [Order!]! @join__field(graph: SHOP)
}
""",
)

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@external", "@requires", "@shareable"])\n'
)


def _weights(source: dict[str, Any]) -> int:
    # Every weight the representation carries counts: a leaked book weight shows.
    return sum(item.get("weight", 0) for item in source["items"])


def make_subgraphs() -> list[KitSubgraph]:
    shop = KitSubgraph(
        "shop",
        FED
        + """
        type Query { orders: [Order!]! }
        type Order @key(fields: "id") { id: ID! items: [Item!]! }
        union Item = Book | Gadget
        type Book @shareable { isbn: String! title: String! weight: Int! }
        type Gadget @shareable { sku: String! weight: Int! voltage: Int! }
        """,
        {
            "Order": [
                {
                    "id": "o1",
                    "items": [
                        {"__typename": "Book", "isbn": "111", "title": "Dune", "weight": 2},
                        {"__typename": "Gadget", "sku": "g1", "weight": 5, "voltage": 230},
                    ],
                },
                {
                    "id": "o2",
                    "items": [{"__typename": "Gadget", "sku": "g2", "weight": 1, "voltage": 110}],
                },
                {"id": "o3", "items": []},
            ]
        },
        {"Query.orders": lambda _s, _i: shop.rows("Order")},
    )
    shipping = KitSubgraph(
        "shipping",
        FED
        + """
        type Order @key(fields: "id") {
          id: ID!
          items: [Item!]! @external
          isbns: [String!]! @requires(fields: "items { ... on Book { isbn } }")
          gadgetWeight: Int! @requires(fields: "items { ... on Gadget { weight } }")
          totalWeight: Int! @requires(fields: "items { ... on Book { weight } ... on Gadget { weight } }")
        }
        union Item = Book | Gadget
        type Book @shareable { isbn: String! weight: Int! }
        type Gadget @shareable { weight: Int! }
        """,
        {},
        {
            "Order.isbns": lambda s, _i: [i["isbn"] for i in s["items"] if "isbn" in i],
            "Order.gadgetWeight": lambda s, _i: _weights(s),
            "Order.totalWeight": lambda s, _i: _weights(s),
        },
    )
    return [shipping, shop]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


GADGET_WEIGHTS = {
    "representations": [
        {
            "__typename": "Order",
            "id": "o1",
            "items": [{"__typename": "Book"}, {"__typename": "Gadget", "weight": 5}],
        },
        {"__typename": "Order", "id": "o2", "items": [{"__typename": "Gadget", "weight": 1}]},
        {"__typename": "Order", "id": "o3", "items": []},
    ]
}


async def test_requirement_under_one_union_member(gw: KitGateway) -> None:
    plan, body = await gw.run("{ orders { gadgetWeight } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "shop") {
      {
        orders {
          __typename
          id
          items {
            __typename
            ... on Gadget {
              weight
            }
          }
        }
      }
    },
    Flatten(path: "orders.@") {
      Fetch(service: "shipping") {
        {
          ... on Order {
            __typename
            id
            items {
              ... on Gadget {
                weight
              }
            }
          }
        } =>
        {
          ... on Order {
            gadgetWeight
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {"orders": [{"gadgetWeight": 5}, {"gadgetWeight": 1}, {"gadgetWeight": 0}]}
    }
    assert gw["shipping"].requests[0].variables == GADGET_WEIGHTS


async def test_client_selects_the_same_field_on_both_members(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ orders { items { ... on Book { weight } ... on Gadget { weight } } gadgetWeight } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "shop") {
      {
        orders {
          items {
            __typename
            ... on Book {
              weight
            }
            ... on Gadget {
              weight
            }
          }
          __typename
          id
        }
      }
    },
    Flatten(path: "orders.@") {
      Fetch(service: "shipping") {
        {
          ... on Order {
            __typename
            id
            items {
              ... on Gadget {
                weight
              }
            }
          }
        } =>
        {
          ... on Order {
            gadgetWeight
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "orders": [
                {"items": [{"weight": 2}, {"weight": 5}], "gadgetWeight": 5},
                {"items": [{"weight": 1}], "gadgetWeight": 1},
                {"items": [], "gadgetWeight": 0},
            ]
        }
    }
    assert gw["shipping"].requests[0].variables == GADGET_WEIGHTS


async def test_two_requirements_with_overlapping_type_conditions(gw: KitGateway) -> None:
    plan, body = await gw.run("{ orders { totalWeight gadgetWeight } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "shop") {
      {
        orders {
          __typename
          id
          items {
            __typename
            ... on Book {
              weight
            }
            ... on Gadget {
              weight
            }
          }
        }
      }
    },
    Parallel {
      Flatten(path: "orders.@") {
        Fetch(service: "shipping") {
          {
            ... on Order {
              __typename
              id
              items {
                ... on Book {
                  weight
                }
                ... on Gadget {
                  weight
                }
              }
            }
          } =>
          {
            ... on Order {
              totalWeight
            }
          }
        },
      },
      Flatten(path: "orders.@") {
        Fetch(service: "shipping") {
          {
            ... on Order {
              __typename
              id
              items {
                ... on Gadget {
                  weight
                }
              }
            }
          } =>
          {
            ... on Order {
              gadgetWeight
            }
          }
        },
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "orders": [
                {"totalWeight": 7, "gadgetWeight": 5},
                {"totalWeight": 1, "gadgetWeight": 1},
                {"totalWeight": 0, "gadgetWeight": 0},
            ]
        }
    }


async def test_requirements_under_different_members(gw: KitGateway) -> None:
    plan, body = await gw.run("{ orders { id isbns gadgetWeight } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "shop") {
      {
        orders {
          id
          __typename
          items {
            __typename
            ... on Book {
              isbn
            }
            ... on Gadget {
              weight
            }
          }
        }
      }
    },
    Parallel {
      Flatten(path: "orders.@") {
        Fetch(service: "shipping") {
          {
            ... on Order {
              __typename
              id
              items {
                ... on Book {
                  isbn
                }
              }
            }
          } =>
          {
            ... on Order {
              isbns
            }
          }
        },
      },
      Flatten(path: "orders.@") {
        Fetch(service: "shipping") {
          {
            ... on Order {
              __typename
              id
              items {
                ... on Gadget {
                  weight
                }
              }
            }
          } =>
          {
            ... on Order {
              gadgetWeight
            }
          }
        },
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "orders": [
                {"id": "o1", "isbns": ["111"], "gadgetWeight": 5},
                {"id": "o2", "isbns": [], "gadgetWeight": 1},
                {"id": "o3", "isbns": [], "gadgetWeight": 0},
            ]
        }
    }
