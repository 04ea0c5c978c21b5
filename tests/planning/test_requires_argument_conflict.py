# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""`@requires` of fields with arguments (after Hive Router's
requires-with-argument-conflict fixture): two requirements of one field with different
arguments, a requirement next to the client's own selection of that field with other
arguments, and a nested requirement with an argument. Every value reaches its place: the
client sees its own arguments' values, each requiring field gets the value it asked for."""

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
    ["a", "b"],
    r"""
type Category
  @join__type(graph: A)
  @join__type(graph: B)
{
  averagePrice(currency: String!): Int @join__field(graph: A, external: true) @join__field(graph: B)
  label: String @join__field(graph: B)
}

type Product
  @join__type(graph: A, key: "upc")
  @join__type(graph: B, key: "upc")
{
  upc: String!
  weight: Int @join__field(graph: A, external: true) @join__field(graph: B)
  price(currency: String!): Int @join__field(graph: A, external: true) @join__field(graph: B)
  shippingEstimate: Int @join__field(graph: A, requires: "price(currency: \"USD\") weight")
  shippingEstimateEUR: Int @join__field(graph: A, requires: "price(currency: \"EUR\") weight")
  category: Category @join__field(graph: A, external: true) @join__field(graph: B)
  isExpensiveCategory: Boolean @join__field(graph: A, requires: "category { averagePrice(currency: \"USD\") }")
  name: String @join__field(graph: B)
}

type Query
  @join__type(graph: A)
  @join__type(graph: B)
{
  products: [Product] @join__field(graph: B)
}
""",
)

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@external", "@requires", "@shareable"])\n'
)


def _shipping(source: dict[str, Any], _info: Any) -> int | None:
    # One formula for both currencies: only the required price differs.
    if source.get("weight") is None or source.get("price") is None:
        return None
    return int(source["price"]) // 10 + int(source["weight"])


def _expensive(source: dict[str, Any], _info: Any) -> bool | None:
    category = source.get("category")
    return None if category is None else category["averagePrice"] > 300


def make_subgraphs() -> list[KitSubgraph]:
    a = KitSubgraph(
        "a",
        FED
        + """
        type Product @key(fields: "upc") {
          upc: String!
          weight: Int @external
          price(currency: String!): Int @external
          shippingEstimate: Int @requires(fields: "price(currency: \\"USD\\") weight")
          shippingEstimateEUR: Int @requires(fields: "price(currency: \\"EUR\\") weight")
          category: Category @external
          isExpensiveCategory: Boolean @requires(fields: "category { averagePrice(currency: \\"USD\\") }")
        }
        type Category @shareable { averagePrice(currency: String!): Int @external }
        """,
        {},
        {
            "Product.shippingEstimate": _shipping,
            "Product.shippingEstimateEUR": _shipping,
            "Product.isExpensiveCategory": _expensive,
        },
    )
    b = KitSubgraph(
        "b",
        FED
        + """
        type Query { products: [Product] }
        type Product @key(fields: "upc") {
          upc: String! weight: Int price(currency: String!): Int category: Category name: String
        }
        type Category @shareable { averagePrice(currency: String!): Int label: String }
        """,
        {
            "Product": [
                {
                    "upc": "p1",
                    "name": "Lamp",
                    "weight": 10,
                    "prices": {"USD": 100, "EUR": 90},
                    "category": {"label": "Light", "averages": {"USD": 500, "EUR": 450}},
                },
                {
                    "upc": "p2",
                    "name": "Pen",
                    "weight": None,
                    "prices": {"USD": 20, "EUR": 18},
                    "category": None,
                },
            ]
        },
        {
            "Query.products": lambda _s, _i: [b.rows("Product")[0], None, b.rows("Product")[1]],
            "Product.price": lambda s, _i, currency: s["prices"][currency],
            "Category.averagePrice": lambda s, _i, currency: s["averages"][currency],
        },
    )
    return [a, b]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_requirement_with_an_argument_and_a_plain_field(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products { shippingEstimate } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "b") {
      {
        products {
          __typename
          upc
          price(currency: "USD")
          weight
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "a") {
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
    assert body == {
        "data": {"products": [{"shippingEstimate": 20}, None, {"shippingEstimate": None}]}
    }
    assert gw["a"].requests[0].variables == {
        "representations": [
            {"__typename": "Product", "upc": "p1", "price": 100, "weight": 10},
            {"__typename": "Product", "upc": "p2", "price": 20, "weight": None},
        ]
    }


async def test_the_other_argument_of_the_same_field(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products { shippingEstimateEUR } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "b") {
      {
        products {
          __typename
          upc
          price(currency: "EUR")
          weight
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "a") {
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
            shippingEstimateEUR
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {"products": [{"shippingEstimateEUR": 19}, None, {"shippingEstimateEUR": None}]}
    }


async def test_two_requirements_of_one_field_with_different_arguments(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products { shippingEstimate shippingEstimateEUR } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "b") {
      {
        products {
          __typename
          upc
          price(currency: "USD")
          weight
          _gw_price: price(currency: "EUR")
        }
      }
    },
    Parallel {
      Flatten(path: "products.@") {
        Fetch(service: "a") {
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
      Flatten(path: "products.@") {
        Fetch(service: "a") {
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
              shippingEstimateEUR
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
            "products": [
                {"shippingEstimate": 20, "shippingEstimateEUR": 19},
                None,
                {"shippingEstimate": None, "shippingEstimateEUR": None},
            ]
        }
    }


async def test_client_selects_the_required_field_with_another_argument(gw: KitGateway) -> None:
    plan, body = await gw.run('{ products { price(currency: "EUR") shippingEstimate } }')
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "b") {
      {
        products {
          price(currency: "EUR")
          __typename
          upc
          _gw_price: price(currency: "USD")
          weight
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "a") {
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
    assert body == {
        "data": {
            "products": [
                {"price": 90, "shippingEstimate": 20},
                None,
                {"price": 18, "shippingEstimate": None},
            ]
        }
    }


async def test_client_alias_of_the_required_field_with_the_same_argument(gw: KitGateway) -> None:
    plan, body = await gw.run(
        '{ products { usd: price(currency: "USD") shippingEstimateEUR name } }'
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "b") {
      {
        products {
          usd: price(currency: "USD")
          __typename
          upc
          price(currency: "EUR")
          weight
          name
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "a") {
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
            shippingEstimateEUR
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "products": [
                {"usd": 100, "shippingEstimateEUR": 19, "name": "Lamp"},
                None,
                {"usd": 20, "shippingEstimateEUR": None, "name": "Pen"},
            ]
        }
    }


async def test_nested_requirement_next_to_the_same_field_with_another_argument(
    gw: KitGateway,
) -> None:
    plan, body = await gw.run(
        '{ products { isExpensiveCategory category { label averagePrice(currency: "EUR") } } }'
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "b") {
      {
        products {
          __typename
          upc
          category {
            _gw_averagePrice: averagePrice(currency: "USD")
            label
            averagePrice(currency: "EUR")
          }
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "a") {
        {
          ... on Product {
            __typename
            upc
            category {
              averagePrice
            }
          }
        } =>
        {
          ... on Product {
            isExpensiveCategory
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "products": [
                {
                    "isExpensiveCategory": True,
                    "category": {"label": "Light", "averagePrice": 450},
                },
                None,
                {"isExpensiveCategory": None, "category": None},
            ]
        }
    }


async def test_flat_and_nested_requirements_together(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products { name shippingEstimate isExpensiveCategory } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "b") {
      {
        products {
          name
          __typename
          upc
          price(currency: "USD")
          weight
          category {
            averagePrice(currency: "USD")
          }
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "a") {
        {
          ... on Product {
            __typename
            upc
            price
            weight
            category {
              averagePrice
            }
          }
        } =>
        {
          ... on Product {
            shippingEstimate
            isExpensiveCategory
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "products": [
                {"name": "Lamp", "shippingEstimate": 20, "isExpensiveCategory": True},
                None,
                {"name": "Pen", "shippingEstimate": None, "isExpensiveCategory": None},
            ]
        }
    }
    # Both requirements come from b and are computed by a: one fetch each way.
    assert {name: len(r) for name, r in gw.sent().items()} == {"a": 1, "b": 1}
