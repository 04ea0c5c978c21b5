# ruff: noqa: E501 -- plan snapshots are data.
"""A recursive field typed by an interface on the interface (`Product.samePriceProduct:
Product`) and by the implementation on the implementation (`Book.samePriceProduct: Book`):
selected both ways under one response name, the selections merge (both are composite, no
conflict) and `price`, from b, is fetched for every level that asks for it.
"""

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
    ["a", "b"],
    """
type Book implements Product
  @join__implements(graph: A, interface: "Product")
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id")
{
  id: ID!
  samePriceProduct: Book @join__field(graph: A)
  price: Float @join__field(graph: B)
}

interface Product
  @join__type(graph: A)
{
  samePriceProduct: Product
}

type Query
  @join__type(graph: A)
  @join__type(graph: B)
{
  product: Product @join__field(graph: A)
}
""",
)

FED = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'


def make_subgraphs() -> list[KitSubgraph]:
    a = KitSubgraph(
        "a",
        FED
        + """
        type Query { product: Product }
        interface Product { samePriceProduct: Product }
        type Book implements Product @key(fields: "id") { id: ID! samePriceProduct: Book }
        """,
        {
            "Book": [
                {"id": "k1", "samePriceProduct": {"id": "k2"}},
                {"id": "k2", "samePriceProduct": {"id": "k3"}},
                {"id": "k3", "samePriceProduct": None},
            ]
        },
        {"Query.product": lambda _s, _i: {"__typename": "Book", "id": "k1"}},
    )
    b = KitSubgraph(
        "b",
        FED + 'type Book @key(fields: "id") { id: ID! price: Float }',
        {
            "Book": [
                {"id": "k1", "price": 9.5},
                {"id": "k2", "price": 9.5},
                {"id": "k3", "price": None},
            ]
        },
    )
    return [a, b]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_interface_typed_and_implementation_typed_selections_merge(
    gw: KitGateway,
) -> None:
    plan, body = await gw.run(
        """{ product {
              __typename
              samePriceProduct {
                __typename
                ... on Book { id }
                samePriceProduct { __typename ... on Book { id } }
              }
              ... on Book { __typename id price samePriceProduct { id price } }
        } }"""
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        product {
          __typename
          ... on Book {
            __typename
            samePriceProduct {
              __typename
              id
              samePriceProduct {
                __typename
                id
              }
            }
            id
          }
        }
      }
    },
    Flatten(paths: ["product.samePriceProduct", "product"]) {
      Fetch(service: "b") {
        {
          ... on Book {
            __typename
            id
          }
        } =>
        {
          ... on Book {
            price
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "product": {
                "__typename": "Book",
                "samePriceProduct": {
                    "__typename": "Book",
                    "id": "k2",
                    "samePriceProduct": {"__typename": "Book", "id": "k3"},
                    "price": 9.5,
                },
                "id": "k1",
                "price": 9.5,
            }
        }
    }


async def test_remote_field_three_levels_down(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ product { ... on Book { samePriceProduct { samePriceProduct { id price } } } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        product {
          __typename
          ... on Book {
            samePriceProduct {
              samePriceProduct {
                id
                __typename
              }
            }
          }
        }
      }
    },
    Flatten(path: "product.samePriceProduct.samePriceProduct") {
      Fetch(service: "b") {
        {
          ... on Book {
            __typename
            id
          }
        } =>
        {
          ... on Book {
            price
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {"product": {"samePriceProduct": {"samePriceProduct": {"id": "k3", "price": None}}}}
    }
    assert gw["b"].requests[0].variables == {
        "representations": [{"__typename": "Book", "id": "k3"}]
    }


async def test_remote_field_at_two_levels_and_a_null_end(gw: KitGateway) -> None:
    plan, body = await gw.run(
        """{ product {
              samePriceProduct {
                ... on Book { price samePriceProduct { price samePriceProduct { id } } }
              }
              ... on Book { price }
        } }"""
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        product {
          __typename
          ... on Book {
            samePriceProduct {
              __typename
              id
              samePriceProduct {
                __typename
                id
                samePriceProduct {
                  id
                }
              }
            }
            __typename
            id
          }
        }
      }
    },
    Flatten(paths: ["product.samePriceProduct", "product.samePriceProduct.samePriceProduct", "product"]) {
      Fetch(service: "b") {
        {
          ... on Book {
            __typename
            id
          }
        } =>
        {
          ... on Book {
            price
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "product": {
                "samePriceProduct": {
                    "price": 9.5,
                    "samePriceProduct": {"price": None, "samePriceProduct": None},
                },
                "price": 9.5,
            }
        }
    }
