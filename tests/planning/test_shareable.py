"""`@shareable`: a field several subgraphs resolve is taken from the one that saves fetches."""

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
    ["catalog", "offers", "shops"],
    """
type Product
  @join__type(graph: CATALOG, key: "upc")
  @join__type(graph: OFFERS, key: "upc")
{
  upc: String!
  name: String! @join__field(graph: CATALOG) @join__field(graph: OFFERS)
  color: String! @join__field(graph: CATALOG)
  price: Int! @join__field(graph: OFFERS)
}

type Query
  @join__type(graph: CATALOG)
  @join__type(graph: OFFERS)
  @join__type(graph: SHOPS)
{
  products: [Product!]! @join__field(graph: CATALOG)
  deal: Product! @join__field(graph: OFFERS)
  shop: Shop! @join__field(graph: CATALOG) @join__field(graph: SHOPS)
}

type Shop
  @join__type(graph: CATALOG)
  @join__type(graph: SHOPS)
{
  name: String!
  address: String! @join__field(graph: SHOPS)
}
""",
)

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@shareable"])\n'
)


def make_subgraphs() -> list[KitSubgraph]:
    catalog = KitSubgraph(
        "catalog",
        FED
        + """
        type Query { products: [Product!]! shop: Shop! @shareable }
        type Product @key(fields: "upc") { upc: String! name: String! @shareable color: String! }
        type Shop @shareable { name: String! }
        """,
        {
            "Product": [
                {"upc": "1", "name": "Table", "color": "oak"},
                {"upc": "2", "name": "Couch", "color": "grey"},
            ]
        },
        {
            "Query.products": lambda _s, _i: catalog.rows("Product"),
            "Query.shop": lambda _s, _i: {"name": "Furniture & Co"},
        },
    )
    offers = KitSubgraph(
        "offers",
        FED
        + """
        type Query { deal: Product! }
        type Product @key(fields: "upc") { upc: String! name: String! @shareable price: Int! }
        """,
        {
            "Product": [
                {"upc": "1", "name": "Table", "price": 899},
                {"upc": "2", "name": "Couch", "price": 1299},
            ]
        },
        {"Query.deal": lambda _s, _i: {"upc": "2"}},
    )
    shops = KitSubgraph(
        "shops",
        FED
        + """
        type Query { shop: Shop! @shareable }
        type Shop @shareable { name: String! address: String! }
        """,
        resolvers={"Query.shop": lambda _s, _i: {"name": "Furniture & Co", "address": "1 Main St"}},
    )
    return [catalog, offers, shops]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_shareable_field_from_the_subgraph_already_fetching(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products { name color } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "catalog") {
    {
      products {
        name
        color
      }
    }
  },
}\
""")
    assert body == snapshot(
        {
            "data": {
                "products": [{"name": "Table", "color": "oak"}, {"name": "Couch", "color": "grey"}]
            }
        }
    )


async def test_shareable_field_from_the_other_side_too(gw: KitGateway) -> None:
    plan, body = await gw.run("{ deal { name price } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "offers") {
    {
      deal {
        name
        price
      }
    }
  },
}\
""")
    assert body == snapshot({"data": {"deal": {"name": "Couch", "price": 1299}}})
    assert sorted(gw.sent()) == snapshot(["offers"])


async def test_shareable_root_field_goes_where_all_its_fields_are(gw: KitGateway) -> None:
    plan, body = await gw.run("{ shop { name address } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "shops") {
    {
      shop {
        name
        address
      }
    }
  },
}\
""")
    assert body == snapshot({"data": {"shop": {"name": "Furniture & Co", "address": "1 Main St"}}})
    assert sorted(gw.sent()) == snapshot(["shops"])


async def test_shareable_root_field_joins_a_fetch_already_planned(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products { color } shop { name } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "catalog") {
    {
      products {
        color
      }
      shop {
        name
      }
    }
  },
}\
""")
    assert body == snapshot(
        {
            "data": {
                "products": [{"color": "oak"}, {"color": "grey"}],
                "shop": {"name": "Furniture & Co"},
            }
        }
    )
    assert sorted(gw.sent()) == snapshot(["catalog"])


async def test_only_the_jump_for_the_unshared_field(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products { name price } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "catalog") {
      {
        products {
          name
          __typename
          upc
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "offers") {
        {
          ... on Product {
            __typename
            upc
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
        {"data": {"products": [{"name": "Table", "price": 899}, {"name": "Couch", "price": 1299}]}}
    )
