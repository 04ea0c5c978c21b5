# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""Keys: compound (`sku region`), several keys per type, nested (`id org { id }`), and an
entity reachable only through another subgraph's key (A keys x, B keys x and y, C only y)."""

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
    ["accounts", "billing", "catalog", "pricing", "stock", "wa", "wb", "wc"],
    """
type Account
  @join__type(graph: ACCOUNTS, key: "id org { id }")
  @join__type(graph: BILLING, key: "id org { id }")
{
  id: ID!
  org: Org!
  email: String! @join__field(graph: ACCOUNTS)
  balance: Int! @join__field(graph: BILLING)
}

type Item
  @join__type(graph: CATALOG, key: "sku region")
  @join__type(graph: CATALOG, key: "id")
  @join__type(graph: PRICING, key: "sku region")
  @join__type(graph: STOCK, key: "id")
{
  id: ID! @join__field(graph: CATALOG) @join__field(graph: STOCK)
  sku: String! @join__field(graph: CATALOG) @join__field(graph: PRICING)
  region: String! @join__field(graph: CATALOG) @join__field(graph: PRICING)
  title: String! @join__field(graph: CATALOG)
  price: Int! @join__field(graph: PRICING)
  inStock: Int! @join__field(graph: STOCK)
}

type Org
  @join__type(graph: ACCOUNTS)
  @join__type(graph: BILLING)
{
  id: ID!
  name: String! @join__field(graph: ACCOUNTS)
}

type Query
  @join__type(graph: ACCOUNTS)
  @join__type(graph: BILLING)
  @join__type(graph: CATALOG)
  @join__type(graph: PRICING)
  @join__type(graph: STOCK)
  @join__type(graph: WA)
  @join__type(graph: WB)
  @join__type(graph: WC)
{
  accounts: [Account!]! @join__field(graph: ACCOUNTS)
  items: [Item!]! @join__field(graph: CATALOG)
  cheapest: Item @join__field(graph: PRICING)
  widgets: [Widget!]! @join__field(graph: WA)
}

type Widget
  @join__type(graph: WA, key: "x")
  @join__type(graph: WB, key: "x")
  @join__type(graph: WB, key: "y")
  @join__type(graph: WC, key: "y")
{
  x: ID! @join__field(graph: WA) @join__field(graph: WB)
  y: ID! @join__field(graph: WB) @join__field(graph: WC)
  label: String! @join__field(graph: WA)
  z: String! @join__field(graph: WC)
}
""",
)

FED = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])\n'

ITEMS = [
    {"id": "i1", "sku": "A", "region": "eu", "title": "Lamp"},
    {"id": "i2", "sku": "A", "region": "us", "title": "Lamp (US)"},
    {"id": "i3", "sku": "B", "region": "eu", "title": "Desk"},
]


def make_subgraphs() -> list[KitSubgraph]:
    accounts = KitSubgraph(
        "accounts",
        FED
        + """
        type Query { accounts: [Account!]! }
        type Account @key(fields: "id org { id }") { id: ID! org: Org! email: String! }
        type Org @shareable { id: ID! name: String! }
        """,
        {
            "Account": [
                {"id": "a1", "org": {"id": "o1", "name": "Acme"}, "email": "a1@acme"},
                {"id": "a1", "org": {"id": "o2", "name": "Globex"}, "email": "a1@globex"},
            ]
        },
        {"Query.accounts": lambda _s, _i: accounts.rows("Account")},
    )
    billing = KitSubgraph(
        "billing",
        FED
        + """
        type Account @key(fields: "id org { id }") { id: ID! org: Org! balance: Int! }
        type Org @shareable { id: ID! }
        """,
        {
            "Account": [
                {"id": "a1", "org": {"id": "o1"}, "balance": 10},
                {"id": "a1", "org": {"id": "o2"}, "balance": 20},
            ]
        },
    )
    catalog = KitSubgraph(
        "catalog",
        FED
        + """
        type Query { items: [Item!]! }
        type Item @key(fields: "sku region") @key(fields: "id") {
          id: ID! sku: String! region: String! title: String!
        }
        """,
        {"Item": ITEMS},
        {"Query.items": lambda _s, _i: catalog.rows("Item")},
    )
    pricing = KitSubgraph(
        "pricing",
        FED
        + """
        type Query { cheapest: Item }
        type Item @key(fields: "sku region") { sku: String! region: String! price: Int! }
        """,
        {
            "Item": [
                {"sku": "A", "region": "eu", "price": 30},
                {"sku": "A", "region": "us", "price": 35},
                {"sku": "B", "region": "eu", "price": 120},
            ]
        },
        {"Query.cheapest": lambda _s, _i: {"sku": "A", "region": "eu"}},
    )
    stock = KitSubgraph(
        "stock",
        FED + 'type Item @key(fields: "id") { id: ID! inStock: Int! }',
        {
            "Item": [
                {"id": "i1", "inStock": 4},
                {"id": "i2", "inStock": 0},
                {"id": "i3", "inStock": 7},
            ]
        },
    )
    wa = KitSubgraph(
        "wa",
        FED
        + """
        type Query { widgets: [Widget!]! }
        type Widget @key(fields: "x") { x: ID! label: String! }
        """,
        {"Widget": [{"x": "x1", "label": "first"}, {"x": "x2", "label": "second"}]},
        {"Query.widgets": lambda _s, _i: wa.rows("Widget")},
    )
    wb = KitSubgraph(
        "wb",
        FED + 'type Widget @key(fields: "x") @key(fields: "y") { x: ID! y: ID! }',
        {"Widget": [{"x": "x1", "y": "y1"}, {"x": "x2", "y": "y2"}]},
    )
    wc = KitSubgraph(
        "wc",
        FED + 'type Widget @key(fields: "y") { y: ID! z: String! }',
        {"Widget": [{"y": "y1", "z": "zed one"}, {"y": "y2", "z": "zed two"}]},
    )
    return [accounts, billing, catalog, pricing, stock, wa, wb, wc]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_compound_key(gw: KitGateway) -> None:
    plan, body = await gw.run("{ items { title price } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "catalog") {
      {
        items {
          title
          __typename
          sku
          region
        }
      }
    },
    Flatten(path: "items.@") {
      Fetch(service: "pricing") {
        {
          ... on Item {
            __typename
            sku
            region
          }
        } =>
        {
          ... on Item {
            price
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
                "items": [
                    {"title": "Lamp", "price": 30},
                    {"title": "Lamp (US)", "price": 35},
                    {"title": "Desk", "price": 120},
                ]
            }
        }
    )
    assert gw["pricing"].requests[0].variables == snapshot(
        {
            "representations": [
                {"__typename": "Item", "sku": "A", "region": "eu"},
                {"__typename": "Item", "sku": "A", "region": "us"},
                {"__typename": "Item", "sku": "B", "region": "eu"},
            ]
        }
    )


async def test_multiple_keys_the_target_subgraph_key_is_used(gw: KitGateway) -> None:
    plan, body = await gw.run("{ items { title inStock } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "catalog") {
      {
        items {
          title
          __typename
          id
        }
      }
    },
    Flatten(path: "items.@") {
      Fetch(service: "stock") {
        {
          ... on Item {
            __typename
            id
          }
        } =>
        {
          ... on Item {
            inStock
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
                "items": [
                    {"title": "Lamp", "inStock": 4},
                    {"title": "Lamp (US)", "inStock": 0},
                    {"title": "Desk", "inStock": 7},
                ]
            }
        }
    )
    assert gw["stock"].requests[0].variables == snapshot(
        {
            "representations": [
                {"__typename": "Item", "id": "i1"},
                {"__typename": "Item", "id": "i2"},
                {"__typename": "Item", "id": "i3"},
            ]
        }
    )


async def test_two_subgraphs_with_different_keys_in_parallel(gw: KitGateway) -> None:
    plan, body = await gw.run("{ items { price inStock } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "catalog") {
      {
        items {
          __typename
          sku
          region
          id
        }
      }
    },
    Parallel {
      Flatten(path: "items.@") {
        Fetch(service: "pricing") {
          {
            ... on Item {
              __typename
              sku
              region
            }
          } =>
          {
            ... on Item {
              price
            }
          }
        },
      },
      Flatten(path: "items.@") {
        Fetch(service: "stock") {
          {
            ... on Item {
              __typename
              id
            }
          } =>
          {
            ... on Item {
              inStock
            }
          }
        },
      },
    },
  },
}\
""")
    assert body == snapshot(
        {
            "data": {
                "items": [
                    {"price": 30, "inStock": 4},
                    {"price": 35, "inStock": 0},
                    {"price": 120, "inStock": 7},
                ]
            }
        }
    )


async def test_nested_key(gw: KitGateway) -> None:
    plan, body = await gw.run("{ accounts { email org { name } balance } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "accounts") {
      {
        accounts {
          email
          org {
            name
            id
          }
          __typename
          id
        }
      }
    },
    Flatten(path: "accounts.@") {
      Fetch(service: "billing") {
        {
          ... on Account {
            __typename
            id
            org {
              id
            }
          }
        } =>
        {
          ... on Account {
            balance
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
                "accounts": [
                    {"email": "a1@acme", "org": {"name": "Acme"}, "balance": 10},
                    {"email": "a1@globex", "org": {"name": "Globex"}, "balance": 20},
                ]
            }
        }
    )
    assert gw["billing"].requests[0].variables == snapshot(
        {
            "representations": [
                {"__typename": "Account", "id": "a1", "org": {"id": "o1"}},
                {"__typename": "Account", "id": "a1", "org": {"id": "o2"}},
            ]
        }
    )


async def test_key_not_available_locally_is_fetched_through_another_key(gw: KitGateway) -> None:
    # pricing knows Item only by (sku, region); stock only by id: catalog bridges the two.
    plan, body = await gw.run("{ cheapest { price inStock } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "pricing") {
      {
        cheapest {
          price
          __typename
          sku
          region
        }
      }
    },
    Flatten(path: "cheapest") {
      Fetch(service: "catalog") {
        {
          ... on Item {
            __typename
            sku
            region
          }
        } =>
        {
          ... on Item {
            id
          }
        }
      },
    },
    Flatten(path: "cheapest") {
      Fetch(service: "stock") {
        {
          ... on Item {
            __typename
            id
          }
        } =>
        {
          ... on Item {
            inStock
          }
        }
      },
    },
  },
}\
""")
    assert body == snapshot({"data": {"cheapest": {"price": 30, "inStock": 4}}})
    assert gw["stock"].requests[0].variables == snapshot(
        {"representations": [{"__typename": "Item", "id": "i1"}]}
    )


async def test_entity_reachable_only_through_another_entity_key(gw: KitGateway) -> None:
    plan, body = await gw.run("{ widgets { label z } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "wa") {
      {
        widgets {
          label
          __typename
          x
        }
      }
    },
    Flatten(path: "widgets.@") {
      Fetch(service: "wb") {
        {
          ... on Widget {
            __typename
            x
          }
        } =>
        {
          ... on Widget {
            y
          }
        }
      },
    },
    Flatten(path: "widgets.@") {
      Fetch(service: "wc") {
        {
          ... on Widget {
            __typename
            y
          }
        } =>
        {
          ... on Widget {
            z
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
                "widgets": [{"label": "first", "z": "zed one"}, {"label": "second", "z": "zed two"}]
            }
        }
    )
    assert [r.variables for r in gw["wb"].requests + gw["wc"].requests] == snapshot(
        [
            {
                "representations": [
                    {"__typename": "Widget", "x": "x1"},
                    {"__typename": "Widget", "x": "x2"},
                ]
            },
            {
                "representations": [
                    {"__typename": "Widget", "y": "y1"},
                    {"__typename": "Widget", "y": "y2"},
                ]
            },
        ]
    )
