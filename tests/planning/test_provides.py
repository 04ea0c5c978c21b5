"""`@provides`: a subgraph resolves an otherwise `@external` field on the path where it is
provided (saving the hop), and only there."""

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
    ["products", "reviews"],
    """
type Product
  @join__type(graph: PRODUCTS, key: "upc")
  @join__type(graph: REVIEWS, key: "upc")
{
  upc: String!
  name: String! @join__field(graph: PRODUCTS) @join__field(graph: REVIEWS, external: true)
  price: Int! @join__field(graph: PRODUCTS)
  reviews: [Review!]! @join__field(graph: REVIEWS)
}

type Query
  @join__type(graph: PRODUCTS)
  @join__type(graph: REVIEWS)
{
  products: [Product!]! @join__field(graph: PRODUCTS)
  reviews: [Review!]! @join__field(graph: REVIEWS)
  topProduct: Product @join__field(graph: REVIEWS)
}

type Review
  @join__type(graph: REVIEWS, key: "id")
{
  id: ID!
  body: String!
  product: Product! @join__field(graph: REVIEWS, provides: "name")
}
""",
)

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@external", "@provides"])\n'
)


def make_subgraphs() -> list[KitSubgraph]:
    products = KitSubgraph(
        "products",
        FED
        + """
        type Query { products: [Product!]! }
        type Product @key(fields: "upc") { upc: String! name: String! price: Int! }
        """,
        {
            "Product": [
                {"upc": "1", "name": "Table", "price": 899},
                {"upc": "2", "name": "Couch", "price": 1299},
            ]
        },
        {"Query.products": lambda _s, _i: products.rows("Product")},
    )
    reviews = KitSubgraph(
        "reviews",
        FED
        + """
        type Query { reviews: [Review!]! topProduct: Product }
        type Review @key(fields: "id") {
          id: ID! body: String! product: Product! @provides(fields: "name")
        }
        type Product @key(fields: "upc") {
          upc: String! name: String! @external reviews: [Review!]!
        }
        """,
        {
            # The provided name lives with the review (as a denormalized copy would).
            "Review": [
                {"id": "r1", "body": "Sturdy", "product": {"upc": "1", "name": "Table"}},
                {"id": "r2", "body": "Soft", "product": {"upc": "2", "name": "Couch"}},
            ],
            "Product": [
                {"upc": "1", "reviews": [{"id": "r1"}]},
                {"upc": "2", "reviews": [{"id": "r2"}]},
            ],
        },
        {
            "Query.reviews": lambda _s, _i: reviews.rows("Review"),
            # Not on a provides path: reviews has no name to give here.
            "Query.topProduct": lambda _s, _i: {"upc": "2"},
        },
    )
    return [products, reviews]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_provided_field_saves_the_hop(gw: KitGateway) -> None:
    plan, body = await gw.run("{ reviews { body product { name } } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "reviews") {
    {
      reviews {
        body
        product {
          name
        }
      }
    }
  },
}\
""")
    assert body == snapshot(
        {
            "data": {
                "reviews": [
                    {"body": "Sturdy", "product": {"name": "Table"}},
                    {"body": "Soft", "product": {"name": "Couch"}},
                ]
            }
        }
    )
    assert sorted(gw.sent()) == snapshot(["reviews"])


async def test_provided_and_unprovided_fields_together(gw: KitGateway) -> None:
    plan, body = await gw.run("{ reviews { product { name price } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "reviews") {
      {
        reviews {
          product {
            name
            __typename
            upc
          }
        }
      }
    },
    Flatten(path: "reviews.@.product") {
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
                "reviews": [
                    {"product": {"name": "Table", "price": 899}},
                    {"product": {"name": "Couch", "price": 1299}},
                ]
            }
        }
    )


async def test_external_field_off_the_provides_path_needs_its_owner(gw: KitGateway) -> None:
    plan, body = await gw.run("{ topProduct { upc name } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "reviews") {
      {
        topProduct {
          upc
          __typename
        }
      }
    },
    Flatten(path: "topProduct") {
      Fetch(service: "products") {
        {
          ... on Product {
            __typename
            upc
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
    assert body == snapshot({"data": {"topProduct": {"upc": "2", "name": "Couch"}}})


async def test_provides_inside_an_entity_fetch(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products { price reviews { product { name } } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "products") {
      {
        products {
          price
          __typename
          upc
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "reviews") {
        {
          ... on Product {
            __typename
            upc
          }
        } =>
        {
          ... on Product {
            reviews {
              product {
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
        {
            "data": {
                "products": [
                    {"price": 899, "reviews": [{"product": {"name": "Table"}}]},
                    {"price": 1299, "reviews": [{"product": {"name": "Couch"}}]},
                ]
            }
        }
    )
