# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""`@override`: a field moved to another subgraph is resolved there; progressive override
(`overrideLabel`) only applies when its label is enabled in the engine's configuration;
an override from a subgraph that does not exist changes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from inline_snapshot import snapshot

from gateway.engine_config import EngineConfig
from tests.planning.header import supergraph
from tests.planning.helpers import KitGateway, KitSubgraph, kit_gateway

#: One event loop per module: the module-scoped kit servers and gateway live in it.
pytestmark = pytest.mark.asyncio(loop_scope="module")

SUPERGRAPH = supergraph(
    ["fresh", "legacy"],
    """
type Product
  @join__type(graph: FRESH, key: "id")
  @join__type(graph: LEGACY, key: "id")
{
  id: ID!
  name: String! @join__field(graph: FRESH, override: "retired")
  price: Int! @join__field(graph: FRESH, override: "legacy")
  stock: Int! @join__field(graph: FRESH, override: "legacy", overrideLabel: "beta") @join__field(graph: LEGACY, overrideLabel: "beta")
  sku: String! @join__field(graph: LEGACY)
}

type Query
  @join__type(graph: FRESH)
  @join__type(graph: LEGACY)
{
  products: [Product!]! @join__field(graph: LEGACY)
}
""",
    version="0.5",
)

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7",'
    ' import: ["@key", "@override"])\n'
)


def make_subgraphs() -> list[KitSubgraph]:
    # Both subgraphs still hold every field; the values differ so the answer shows which
    # subgraph resolved it.
    fresh = KitSubgraph(
        "fresh",
        FED
        + """
        type Product @key(fields: "id") {
          id: ID!
          name: String! @override(from: "retired")
          price: Int! @override(from: "legacy")
          stock: Int! @override(from: "legacy", label: "beta")
        }
        """,
        {
            "Product": [
                {"id": "p1", "name": "Table", "price": 100, "stock": 11},
                {"id": "p2", "name": "Couch", "price": 200, "stock": 22},
            ]
        },
    )
    legacy = KitSubgraph(
        "legacy",
        FED
        + """
        type Query { products: [Product!]! }
        type Product @key(fields: "id") { id: ID! price: Int! stock: Int! sku: String! }
        """,
        {
            "Product": [
                {"id": "p1", "price": -1, "stock": -1, "sku": "T-1"},
                {"id": "p2", "price": -2, "stock": -2, "sku": "C-2"},
            ]
        },
        {"Query.products": lambda _s, _i: legacy.rows("Product")},
    )
    return [fresh, legacy]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_overridden_field_comes_from_the_new_subgraph(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products { sku price } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "legacy") {
      {
        products {
          sku
          __typename
          id
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "fresh") {
        {
          ... on Product {
            __typename
            id
          }
        } =>
        {
          ... on Product {
            price
          }
        }
      },
    },
  },
}\
""")
    assert body == snapshot(
        {"data": {"products": [{"sku": "T-1", "price": 100}, {"sku": "C-2", "price": 200}]}}
    )


async def test_labelled_override_is_off_by_default(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products { sku stock } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "legacy") {
    {
      products {
        sku
        stock
      }
    }
  },
}\
""")
    assert body == snapshot(
        {"data": {"products": [{"sku": "T-1", "stock": -1}, {"sku": "C-2", "stock": -2}]}}
    )
    assert sorted(gw.sent()) == snapshot(["legacy"])


async def test_labelled_override_when_its_label_is_enabled() -> None:
    engine = EngineConfig(override_labels=["beta"])
    async with kit_gateway(SUPERGRAPH, *make_subgraphs(), engine=engine) as gw:
        plan, body = await gw.run("{ products { sku stock } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "legacy") {
      {
        products {
          sku
          __typename
          id
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "fresh") {
        {
          ... on Product {
            __typename
            id
          }
        } =>
        {
          ... on Product {
            stock
          }
        }
      },
    },
  },
}\
""")
    assert body == snapshot(
        {"data": {"products": [{"sku": "T-1", "stock": 11}, {"sku": "C-2", "stock": 22}]}}
    )


async def test_override_from_an_unknown_subgraph_is_the_field_own(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products { name } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "legacy") {
      {
        products {
          __typename
          id
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "fresh") {
        {
          ... on Product {
            __typename
            id
          }
        } =>
        {
          ... on Product {
            name
          }
        }
      },
    },
  },
}\
""")
    assert body == snapshot({"data": {"products": [{"name": "Table"}, {"name": "Couch"}]}})
