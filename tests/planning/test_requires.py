# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""`@requires`: required fields (simple, with arguments, nested selections) fetched before
the dependent fetch and sent in its representations; `@external` fields are never
resolved by the subgraph that marks them external."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from inline_snapshot import snapshot

from tests.planning.header import supergraph
from tests.planning.helpers import KitGateway, KitSubgraph, kit_gateway, subgraph_error

#: One event loop per module: the module-scoped kit servers and gateway live in it.
pytestmark = pytest.mark.asyncio(loop_scope="module")

SUPERGRAPH = supergraph(
    ["inventory", "products", "reviews"],
    r"""
type Dimensions
  @join__type(graph: INVENTORY)
  @join__type(graph: PRODUCTS)
{
  width: Int! @join__field(graph: INVENTORY, external: true) @join__field(graph: PRODUCTS)
  height: Int! @join__field(graph: INVENTORY, external: true) @join__field(graph: PRODUCTS)
}

type Product
  @join__type(graph: INVENTORY, key: "upc")
  @join__type(graph: PRODUCTS, key: "upc")
  @join__type(graph: REVIEWS, key: "upc")
{
  upc: String!
  name: String! @join__field(graph: PRODUCTS)
  price: Int! @join__field(graph: INVENTORY, external: true) @join__field(graph: PRODUCTS)
  weight: Int! @join__field(graph: INVENTORY, external: true) @join__field(graph: PRODUCTS)
  dimensions: Dimensions! @join__field(graph: INVENTORY, external: true) @join__field(graph: PRODUCTS)
  amount(currency: String!): Float! @join__field(graph: INVENTORY, external: true) @join__field(graph: PRODUCTS)
  inStock: Boolean! @join__field(graph: INVENTORY)
  shippingEstimate: Int! @join__field(graph: INVENTORY, requires: "price weight")
  boxSize: String! @join__field(graph: INVENTORY, requires: "dimensions { width height }")
  eurLabel: String! @join__field(graph: INVENTORY, requires: "amount(currency: \"EUR\")")
  usdLabel: String! @join__field(graph: INVENTORY, requires: "amount(currency: \"USD\")")
}

type Query
  @join__type(graph: INVENTORY)
  @join__type(graph: PRODUCTS)
  @join__type(graph: REVIEWS)
{
  products: [Product!]! @join__field(graph: PRODUCTS)
  reviews: [Review!]! @join__field(graph: REVIEWS)
}

type Review
  @join__type(graph: REVIEWS, key: "id")
{
  id: ID!
  body: String!
  product: Product!
}
""",
)

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@external", "@requires", "@shareable"])\n'
)
RATES = {"EUR": 0.5, "USD": 0.6}


def _shipping(source: dict[str, Any], _info: object) -> int:
    # Needs both required fields: heavy or cheap things cost more to ship.
    return int(source["weight"]) * 2 + (0 if source["price"] > 1000 else 5)


def make_subgraphs() -> list[KitSubgraph]:
    products = KitSubgraph(
        "products",
        FED
        + """
        type Query { products: [Product!]! }
        type Product @key(fields: "upc") {
          upc: String! name: String! price: Int! weight: Int! dimensions: Dimensions!
          amount(currency: String!): Float!
        }
        type Dimensions @shareable { width: Int! height: Int! }
        """,
        {
            "Product": [
                {
                    "upc": "1",
                    "name": "Table",
                    "price": 899,
                    "weight": 40,
                    "dimensions": {"width": 120, "height": 75},
                },
                {
                    "upc": "2",
                    "name": "Couch",
                    "price": 1299,
                    "weight": 80,
                    "dimensions": {"width": 200, "height": 90},
                },
            ]
        },
        {
            "Query.products": lambda _s, _i: products.rows("Product"),
            "Product.amount": lambda s, _i, currency: s["price"] * RATES[currency],
        },
    )
    inventory = KitSubgraph(
        "inventory",
        FED
        + """
        type Product @key(fields: "upc") {
          upc: String!
          price: Int! @external
          weight: Int! @external
          dimensions: Dimensions! @external
          amount(currency: String!): Float! @external
          inStock: Boolean!
          shippingEstimate: Int! @requires(fields: "price weight")
          boxSize: String! @requires(fields: "dimensions { width height }")
          eurLabel: String! @requires(fields: "amount(currency: \\"EUR\\")")
          usdLabel: String! @requires(fields: "amount(currency: \\"USD\\")")
        }
        type Dimensions @shareable { width: Int! height: Int! }
        """,
        {"Product": [{"upc": "1", "inStock": True}, {"upc": "2", "inStock": False}]},
        {
            "Product.shippingEstimate": _shipping,
            "Product.boxSize": lambda s, _i: (
                f"{s['dimensions']['width']}x{s['dimensions']['height']}"
            ),
            "Product.eurLabel": lambda s, _i: f"EUR {s['amount']}",
            "Product.usdLabel": lambda s, _i: f"USD {s['amount']}",
        },
    )
    reviews = KitSubgraph(
        "reviews",
        FED
        + """
        type Query { reviews: [Review!]! }
        type Review @key(fields: "id") { id: ID! body: String! product: Product! }
        type Product @key(fields: "upc") { upc: String! }
        """,
        {
            "Review": [
                {"id": "r1", "body": "Sturdy", "product": {"upc": "1"}},
                {"id": "r2", "body": "Heavy", "product": {"upc": "2"}},
            ]
        },
        {"Query.reviews": lambda _s, _i: reviews.rows("Review")},
    )
    return [inventory, products, reviews]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_requires_simple_fields(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products { name shippingEstimate } }")
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
          weight
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
            weight
          }
        } =>
        {
          ... on Product {
            shippingEstimate
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
                    {"name": "Table", "shippingEstimate": 85},
                    {"name": "Couch", "shippingEstimate": 160},
                ]
            }
        }
    )
    assert gw["inventory"].requests[0].variables == snapshot(
        {
            "representations": [
                {"__typename": "Product", "upc": "1", "price": 899, "weight": 40},
                {"__typename": "Product", "upc": "2", "price": 1299, "weight": 80},
            ]
        }
    )


async def test_required_fields_fetched_from_a_third_subgraph_first(gw: KitGateway) -> None:
    plan, body = await gw.run("{ reviews { body product { shippingEstimate inStock } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "reviews") {
      {
        reviews {
          body
          product {
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
            weight
          }
        }
      },
    },
    Flatten(path: "reviews.@.product") {
      Fetch(service: "inventory") {
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
            shippingEstimate
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
                "reviews": [
                    {"body": "Sturdy", "product": {"shippingEstimate": 85, "inStock": True}},
                    {"body": "Heavy", "product": {"shippingEstimate": 160, "inStock": False}},
                ]
            }
        }
    )
    assert [(r.query, r.variables) for r in gw["products"].requests] == snapshot(
        [
            (
                "query($representations: [_Any!]!){_entities(representations: $representations){...on Product {price weight}}}",
                {
                    "representations": [
                        {"__typename": "Product", "upc": "1"},
                        {"__typename": "Product", "upc": "2"},
                    ]
                },
            )
        ]
    )


async def test_requires_nested_selection(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products { boxSize } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "products") {
      {
        products {
          __typename
          upc
          dimensions {
            width
            height
          }
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "inventory") {
        {
          ... on Product {
            __typename
            upc
            dimensions {
              width
              height
            }
          }
        } =>
        {
          ... on Product {
            boxSize
          }
        }
      },
    },
  },
}\
""")
    assert body == snapshot({"data": {"products": [{"boxSize": "120x75"}, {"boxSize": "200x90"}]}})
    assert gw["inventory"].requests[0].variables == snapshot(
        {
            "representations": [
                {"__typename": "Product", "upc": "1", "dimensions": {"width": 120, "height": 75}},
                {"__typename": "Product", "upc": "2", "dimensions": {"width": 200, "height": 90}},
            ]
        }
    )


async def test_requires_field_with_arguments(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products { eurLabel } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "products") {
      {
        products {
          __typename
          upc
          amount(currency: "EUR")
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "inventory") {
        {
          ... on Product {
            __typename
            upc
            amount
          }
        } =>
        {
          ... on Product {
            eurLabel
          }
        }
      },
    },
  },
}\
""")
    assert body == snapshot(
        {"data": {"products": [{"eurLabel": "EUR 449.5"}, {"eurLabel": "EUR 649.5"}]}}
    )
    assert gw["inventory"].requests[0].variables == snapshot(
        {
            "representations": [
                {"__typename": "Product", "upc": "1", "amount": 449.5},
                {"__typename": "Product", "upc": "2", "amount": 649.5},
            ]
        }
    )


async def test_client_also_selects_the_required_field(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products { weight shippingEstimate price } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "products") {
      {
        products {
          weight
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
            weight
          }
        } =>
        {
          ... on Product {
            shippingEstimate
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
                    {"weight": 40, "shippingEstimate": 85, "price": 899},
                    {"weight": 80, "shippingEstimate": 160, "price": 1299},
                ]
            }
        }
    )


async def test_client_alias_holds_the_required_field_name(gw: KitGateway) -> None:
    # The client's "weight" is the product's name: the planner's own weight must not
    # collide with it, and must not reach the client.
    plan, body = await gw.run("{ products { weight: name shippingEstimate } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "products") {
      {
        products {
          weight: name
          __typename
          upc
          price
          _gw_weight: weight
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
            weight
          }
        } =>
        {
          ... on Product {
            shippingEstimate
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
                    {"weight": "Table", "shippingEstimate": 85},
                    {"weight": "Couch", "shippingEstimate": 160},
                ]
            }
        }
    )
    assert gw["inventory"].requests[0].variables == snapshot(
        {
            "representations": [
                {"__typename": "Product", "upc": "1", "price": 899, "weight": 40},
                {"__typename": "Product", "upc": "2", "price": 1299, "weight": 80},
            ]
        }
    )


async def test_two_fields_require_one_field_with_different_arguments(gw: KitGateway) -> None:
    # Each requirement must reach inventory with its own value of amount(currency:).
    plan, body = await gw.run("{ products { eurLabel usdLabel } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "products") {
      {
        products {
          __typename
          upc
          amount(currency: "EUR")
          _gw_amount: amount(currency: "USD")
        }
      }
    },
    Parallel {
      Flatten(path: "products.@") {
        Fetch(service: "inventory") {
          {
            ... on Product {
              __typename
              upc
              amount
            }
          } =>
          {
            ... on Product {
              eurLabel
            }
          }
        },
      },
      Flatten(path: "products.@") {
        Fetch(service: "inventory") {
          {
            ... on Product {
              __typename
              upc
              amount
            }
          } =>
          {
            ... on Product {
              usdLabel
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
                "products": [
                    {"eurLabel": "EUR 449.5", "usdLabel": "USD 539.4"},
                    {"eurLabel": "EUR 649.5", "usdLabel": "USD 779.4"},
                ]
            }
        }
    )
    # The two fetches run in parallel: compare in a fixed order.
    assert sorted((r.variables for r in gw["inventory"].requests), key=repr) == snapshot(
        [
            {
                "representations": [
                    {"__typename": "Product", "upc": "1", "amount": 449.5},
                    {"__typename": "Product", "upc": "2", "amount": 649.5},
                ]
            },
            {
                "representations": [
                    {"__typename": "Product", "upc": "1", "amount": 539.4},
                    {"__typename": "Product", "upc": "2", "amount": 779.4},
                ]
            },
        ]
    )


async def test_error_on_an_internally_aliased_requirement() -> None:
    # The required weight is fetched as an internal alias (the client's "weight" is the
    # name): its error must not show that alias to the client.
    subgraphs = make_subgraphs()
    subgraphs[1].resolvers["Product.weight"] = lambda s, _i: (
        subgraph_error("scale broken", "SCALE") if s["upc"] == "2" else s["weight"]
    )
    async with kit_gateway(SUPERGRAPH, *subgraphs) as gw:
        _, body = await gw.run("{ products { weight: name shippingEstimate } }")
    # products' own schema has [Product!]!: the subgraph itself nulls the whole list.
    assert body == snapshot(
        {
            "data": None,
            "errors": [
                {
                    "message": "scale broken",
                    "path": ["products", 1, "weight"],
                    "extensions": {"code": "SCALE", "service": "products"},
                }
            ],
        }
    )
