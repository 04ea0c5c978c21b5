# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""Deep nesting and `__typename` everywhere: entity jumps four lists down
(`root.children.@.children.@.products.@`), back and forth between subgraphs at depth, one
entity at several depths, and `__typename` (aliased too) at every level, including the
root and a value type that only another subgraph resolves."""

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
    ["catalog", "pricing", "stock"],
    """
type Category
  @join__type(graph: CATALOG, key: "id")
{
  id: ID!
  name: String!
  children: [Category!]!
  products: [Product!]!
}

type Price
  @join__type(graph: PRICING)
{
  amount: Int!
  currency: String!
}

type Product
  @join__type(graph: CATALOG, key: "upc")
  @join__type(graph: PRICING, key: "upc")
  @join__type(graph: STOCK, key: "upc")
{
  upc: String!
  name: String! @join__field(graph: CATALOG)
  price: Price @join__field(graph: PRICING)
  warehouse: Warehouse @join__field(graph: STOCK)
}

type Query
  @join__type(graph: CATALOG)
  @join__type(graph: PRICING)
  @join__type(graph: STOCK)
{
  root: Category @join__field(graph: CATALOG)
}

type Warehouse
  @join__type(graph: CATALOG, key: "id")
  @join__type(graph: STOCK, key: "id")
{
  id: ID!
  name: String! @join__field(graph: CATALOG)
  city: String! @join__field(graph: STOCK)
}
""",
)


def make_subgraphs() -> list[KitSubgraph]:
    catalog = KitSubgraph(
        "catalog",
        """
        type Query { root: Category }
        type Category @key(fields: "id") { id: ID! name: String! children: [Category!]! products: [Product!]! }
        type Product @key(fields: "upc") { upc: String! name: String! }
        type Warehouse @key(fields: "id") { id: ID! name: String! }
        """,
        {
            "Category": [
                {
                    "id": "c0",
                    "name": "All",
                    "children": [{"id": "c1"}, {"id": "c2"}],
                    "products": [{"upc": "p1"}],
                },
                {
                    "id": "c1",
                    "name": "Home",
                    "children": [{"id": "c3"}],
                    "products": [{"upc": "p2"}],
                },
                {"id": "c2", "name": "Garden", "children": [], "products": []},
                {
                    "id": "c3",
                    "name": "Lights",
                    "children": [],
                    "products": [{"upc": "p1"}, {"upc": "p3"}],
                },
            ],
            "Product": [
                {"upc": "p1", "name": "Lamp"},
                {"upc": "p2", "name": "Desk"},
                {"upc": "p3", "name": "Vase"},
            ],
            "Warehouse": [{"id": "w1", "name": "North"}, {"id": "w2", "name": "South"}],
        },
        {"Query.root": lambda _s, _i: catalog.rows("Category")[0]},
    )
    pricing = KitSubgraph(
        "pricing",
        """
        type Product @key(fields: "upc") { upc: String! price: Price }
        type Price { amount: Int! currency: String! }
        """,
        {
            "Product": [
                {"upc": "p1", "price": {"amount": 10, "currency": "EUR"}},
                {"upc": "p2", "price": {"amount": 20, "currency": "USD"}},
                {"upc": "p3", "price": None},
            ]
        },
    )
    stock = KitSubgraph(
        "stock",
        """
        type Product @key(fields: "upc") { upc: String! warehouse: Warehouse }
        type Warehouse @key(fields: "id") { id: ID! city: String! }
        """,
        {
            "Product": [
                {"upc": "p1", "warehouse": {"id": "w1"}},
                {"upc": "p2", "warehouse": {"id": "w2"}},
                {"upc": "p3", "warehouse": None},
            ],
            "Warehouse": [{"id": "w1", "city": "Oslo"}, {"id": "w2", "city": "Rome"}],
        },
    )
    return [catalog, pricing, stock]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_entity_jump_four_lists_down(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ root { children { children { products { name price { amount } } } } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "catalog") {
      {
        root {
          children {
            children {
              products {
                name
                __typename
                upc
              }
            }
          }
        }
      }
    },
    Flatten(path: "root.children.@.children.@.products.@") {
      Fetch(service: "pricing") {
        {
          ... on Product {
            __typename
            upc
          }
        } =>
        {
          ... on Product {
            price {
              amount
            }
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "root": {
                "children": [
                    {
                        "children": [
                            {
                                "products": [
                                    {"name": "Lamp", "price": {"amount": 10}},
                                    {"name": "Vase", "price": None},
                                ]
                            }
                        ]
                    },
                    {"children": []},
                ]
            }
        }
    }


async def test_typename_at_every_level(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ __typename root { __typename children { __typename products { __typename price { __typename amount } } } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "catalog") {
      {
        root {
          __typename
          children {
            __typename
            products {
              __typename
              upc
            }
          }
        }
      }
    },
    Flatten(path: "root.children.@.products.@") {
      Fetch(service: "pricing") {
        {
          ... on Product {
            __typename
            upc
          }
        } =>
        {
          ... on Product {
            price {
              __typename
              amount
            }
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "__typename": "Query",
            "root": {
                "__typename": "Category",
                "children": [
                    {
                        "__typename": "Category",
                        "products": [
                            {
                                "__typename": "Product",
                                "price": {"__typename": "Price", "amount": 20},
                            }
                        ],
                    },
                    {"__typename": "Category", "products": []},
                ],
            },
        }
    }


async def test_aliased_typename_at_every_level(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ q: __typename r: root { t: __typename n: name kids: children { t: __typename n: name } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "catalog") {
    {
      r: root {
        t: __typename
        n: name
        kids: children {
          t: __typename
          n: name
        }
      }
    }
  },
}\
""")
    assert body == {
        "data": {
            "q": "Query",
            "r": {
                "t": "Category",
                "n": "All",
                "kids": [{"t": "Category", "n": "Home"}, {"t": "Category", "n": "Garden"}],
            },
        }
    }


async def test_typename_of_a_value_type_only_another_subgraph_resolves(gw: KitGateway) -> None:
    plan, body = await gw.run("{ root { products { price { __typename } } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "catalog") {
      {
        root {
          products {
            __typename
            upc
          }
        }
      }
    },
    Flatten(path: "root.products.@") {
      Fetch(service: "pricing") {
        {
          ... on Product {
            __typename
            upc
          }
        } =>
        {
          ... on Product {
            price {
              __typename
            }
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"root": {"products": [{"price": {"__typename": "Price"}}]}}}
    assert sorted(gw.sent()) == ["catalog", "pricing"]


async def test_two_subgraphs_at_depth_in_parallel(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ root { children { products { upc price { currency } warehouse { city } } } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "catalog") {
      {
        root {
          children {
            products {
              upc
              __typename
            }
          }
        }
      }
    },
    Parallel {
      Flatten(path: "root.children.@.products.@") {
        Fetch(service: "pricing") {
          {
            ... on Product {
              __typename
              upc
            }
          } =>
          {
            ... on Product {
              price {
                currency
              }
            }
          }
        },
      },
      Flatten(path: "root.children.@.products.@") {
        Fetch(service: "stock") {
          {
            ... on Product {
              __typename
              upc
            }
          } =>
          {
            ... on Product {
              warehouse {
                city
              }
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
            "root": {
                "children": [
                    {
                        "products": [
                            {
                                "upc": "p2",
                                "price": {"currency": "USD"},
                                "warehouse": {"city": "Rome"},
                            }
                        ]
                    },
                    {"products": []},
                ]
            }
        }
    }


async def test_back_and_forth_four_lists_down(gw: KitGateway) -> None:
    # catalog (products) -> stock (warehouse, city) -> catalog (warehouse name).
    plan, body = await gw.run(
        "{ root { children { children { products { warehouse { city name } } } } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "catalog") {
      {
        root {
          children {
            children {
              products {
                __typename
                upc
              }
            }
          }
        }
      }
    },
    Flatten(path: "root.children.@.children.@.products.@") {
      Fetch(service: "stock") {
        {
          ... on Product {
            __typename
            upc
          }
        } =>
        {
          ... on Product {
            warehouse {
              city
              __typename
              id
            }
          }
        }
      },
    },
    Flatten(path: "root.children.@.children.@.products.@.warehouse") {
      Fetch(service: "catalog") {
        {
          ... on Warehouse {
            __typename
            id
          }
        } =>
        {
          ... on Warehouse {
            name
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "root": {
                "children": [
                    {
                        "children": [
                            {
                                "products": [
                                    {"warehouse": {"city": "Oslo", "name": "North"}},
                                    {"warehouse": None},
                                ]
                            }
                        ]
                    },
                    {"children": []},
                ]
            }
        }
    }


async def test_one_entity_at_two_depths(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ root { products { name price { amount } } children { children { products { name price { amount } } } } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "catalog") {
      {
        root {
          products {
            name
            __typename
            upc
          }
          children {
            children {
              products {
                name
                __typename
                upc
              }
            }
          }
        }
      }
    },
    Flatten(paths: ["root.products.@", "root.children.@.children.@.products.@"]) {
      Fetch(service: "pricing") {
        {
          ... on Product {
            __typename
            upc
          }
        } =>
        {
          ... on Product {
            price {
              amount
            }
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "root": {
                "products": [{"name": "Lamp", "price": {"amount": 10}}],
                "children": [
                    {
                        "children": [
                            {
                                "products": [
                                    {"name": "Lamp", "price": {"amount": 10}},
                                    {"name": "Vase", "price": None},
                                ]
                            }
                        ]
                    },
                    {"children": []},
                ],
            }
        }
    }
    # One fetch for both places, the entity asked about once.
    assert [r.variables for r in gw["pricing"].requests] == [
        {
            "representations": [
                {"__typename": "Product", "upc": "p1"},
                {"__typename": "Product", "upc": "p3"},
            ]
        }
    ]


async def test_typename_inside_an_entity_fetch_at_depth_with_fragments(gw: KitGateway) -> None:
    plan, body = await gw.run(
        """
        { root { children { ...Kid } } }
        fragment Kid on Category { __typename products { ... on Product { __typename warehouse { __typename id } } } }
        """
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "catalog") {
      {
        root {
          children {
            __typename
            products {
              __typename
              upc
            }
          }
        }
      }
    },
    Flatten(path: "root.children.@.products.@") {
      Fetch(service: "stock") {
        {
          ... on Product {
            __typename
            upc
          }
        } =>
        {
          ... on Product {
            warehouse {
              __typename
              id
            }
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "root": {
                "children": [
                    {
                        "__typename": "Category",
                        "products": [
                            {
                                "__typename": "Product",
                                "warehouse": {"__typename": "Warehouse", "id": "w2"},
                            }
                        ],
                    },
                    {"__typename": "Category", "products": []},
                ]
            }
        }
    }
