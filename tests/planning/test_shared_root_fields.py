# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""Shared root fields returning a key-less type: `product` and `products` are `@shareable`
in three subgraphs (category, name, price), each adding a field of its own to Product.
Product has no key, so nothing can be joined through `_entities`: every subgraph that
owns a selected field is asked for the root field and the answers are merged, none lost.
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
    ["category", "name", "price"],
    """
type Category @join__type(graph: CATEGORY) {
  id: ID!
  label: String!
}

type Name @join__type(graph: NAME) {
  id: ID!
  brand: String!
  model: String
}

type Price @join__type(graph: PRICE) {
  id: ID!
  amount: Int!
  currency: String!
}

type Product
  @join__type(graph: CATEGORY)
  @join__type(graph: NAME)
  @join__type(graph: PRICE)
{
  id: ID!
  category: Category! @join__field(graph: CATEGORY)
  name: Name! @join__field(graph: NAME)
  price: Price @join__field(graph: PRICE)
}

type Query
  @join__type(graph: CATEGORY)
  @join__type(graph: NAME)
  @join__type(graph: PRICE)
{
  product: Product!
  products: [Product!]!
}
""",
)

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@shareable"])\n'
)
ROOT = "type Query { product: Product! @shareable products: [Product!]! @shareable }\n"

#: The same three products, in the same order, in every subgraph (a shareable field must
#: answer the same wherever it is resolved); each subgraph knows only its own fields.
IDS = ["p1", "p2", "p3"]


def make_subgraphs() -> list[KitSubgraph]:
    category = KitSubgraph(
        "category",
        FED
        + ROOT
        + """type Product @shareable { id: ID! category: Category! }
        type Category { id: ID! label: String! }""",
        {
            "Product": [
                {"id": "p1", "category": {"id": "c1", "label": "Chairs"}},
                {"id": "p2", "category": {"id": "c2", "label": "Tables"}},
                {"id": "p3", "category": {"id": "c1", "label": "Chairs"}},
            ]
        },
        {
            "Query.product": lambda _s, _i: category.rows("Product")[0],
            "Query.products": lambda _s, _i: category.rows("Product"),
        },
    )
    name = KitSubgraph(
        "name",
        FED
        + ROOT
        + """type Product @shareable { id: ID! name: Name! }
        type Name { id: ID! brand: String! model: String }""",
        {
            "Product": [
                {"id": "p1", "name": {"id": "n1", "brand": "Oak&Co", "model": "Windsor"}},
                {"id": "p2", "name": {"id": "n2", "brand": "Oak&Co", "model": None}},
                {"id": "p3", "name": {"id": "n3", "brand": "Birch", "model": "Low"}},
            ]
        },
        {
            "Query.product": lambda _s, _i: name.rows("Product")[0],
            "Query.products": lambda _s, _i: name.rows("Product"),
        },
    )
    price = KitSubgraph(
        "price",
        FED
        + ROOT
        + """type Product @shareable { id: ID! price: Price }
        type Price { id: ID! amount: Int! currency: String! }""",
        {
            "Product": [
                {"id": "p1", "price": {"id": "r1", "amount": 120, "currency": "EUR"}},
                {"id": "p2", "price": None},
                {"id": "p3", "price": {"id": "r3", "amount": 40, "currency": "EUR"}},
            ]
        },
        {
            "Query.product": lambda _s, _i: price.rows("Product")[0],
            "Query.products": lambda _s, _i: price.rows("Product"),
        },
    )
    return [category, name, price]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_fields_of_three_subgraphs_under_one_shared_root(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ product { id name { brand model } price { amount currency } category { label } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Parallel {
    Fetch(service: "name") {
      {
        product {
          id
          name {
            brand
            model
          }
        }
      }
    },
    Fetch(service: "price") {
      {
        product {
          price {
            amount
            currency
          }
        }
      }
    },
    Fetch(service: "category") {
      {
        product {
          category {
            label
          }
        }
      }
    },
  },
}\
""")
    assert body == {
        "data": {
            "product": {
                "id": "p1",
                "name": {"brand": "Oak&Co", "model": "Windsor"},
                "price": {"amount": 120, "currency": "EUR"},
                "category": {"label": "Chairs"},
            }
        }
    }
    assert sorted(gw.sent()) == ["category", "name", "price"]


async def test_fields_of_two_subgraphs_under_a_shared_list(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products { id name { brand } price { amount } } }")
    assert plan == snapshot("""\
QueryPlan {
  Parallel {
    Fetch(service: "name") {
      {
        products {
          id
          name {
            brand
          }
        }
      }
    },
    Fetch(service: "price") {
      {
        products {
          price {
            amount
          }
        }
      }
    },
  },
}\
""")
    assert body == {
        "data": {
            "products": [
                {"id": "p1", "name": {"brand": "Oak&Co"}, "price": {"amount": 120}},
                {"id": "p2", "name": {"brand": "Oak&Co"}, "price": None},
                {"id": "p3", "name": {"brand": "Birch"}, "price": {"amount": 40}},
            ]
        }
    }
    # Product has no key: the name and price subgraphs are each asked for the root field.
    assert sorted(gw.sent()) == ["name", "price"]


async def test_shared_fields_only_is_one_fetch(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products { id } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "category") {
    {
      products {
        id
      }
    }
  },
}\
""")
    assert body == snapshot({"data": {"products": [{"id": "p1"}, {"id": "p2"}, {"id": "p3"}]}})
    assert len([r for rs in gw.sent().values() for r in rs]) == 1


async def test_one_subgraph_own_field_is_asked_of_that_subgraph(gw: KitGateway) -> None:
    plan, body = await gw.run("{ product { category { id label } } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "category") {
    {
      product {
        category {
          id
          label
        }
      }
    }
  },
}\
""")
    assert body == snapshot({"data": {"product": {"category": {"id": "c1", "label": "Chairs"}}}})
    assert list(gw.sent()) == ["category"]


async def test_aliases_of_the_shared_root_each_from_their_subgraph(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ a: product { name { brand } } b: product { price { currency } } c: product { id } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Parallel {
    Fetch(service: "name") {
      {
        a: product {
          name {
            brand
          }
        }
        c: product {
          id
        }
      }
    },
    Fetch(service: "price") {
      {
        b: product {
          price {
            currency
          }
        }
      }
    },
  },
}\
""")
    assert body == {
        "data": {
            "a": {"name": {"brand": "Oak&Co"}},
            "b": {"price": {"currency": "EUR"}},
            "c": {"id": "p1"},
        }
    }


async def test_null_child_of_one_subgraph_next_to_fields_of_another(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products { price { amount } name { model } category { label } } }")
    assert plan == snapshot("""\
QueryPlan {
  Parallel {
    Fetch(service: "category") {
      {
        products {
          category {
            label
          }
        }
      }
    },
    Fetch(service: "name") {
      {
        products {
          name {
            model
          }
        }
      }
    },
    Fetch(service: "price") {
      {
        products {
          price {
            amount
          }
        }
      }
    },
  },
}\
""")
    assert body == {
        "data": {
            "products": [
                {
                    "price": {"amount": 120},
                    "name": {"model": "Windsor"},
                    "category": {"label": "Chairs"},
                },
                {"price": None, "name": {"model": None}, "category": {"label": "Tables"}},
                {
                    "price": {"amount": 40},
                    "name": {"model": "Low"},
                    "category": {"label": "Chairs"},
                },
            ]
        }
    }


async def test_fragment_mixing_fields_of_the_three_subgraphs(gw: KitGateway) -> None:
    plan, body = await gw.run(
        """
        query { product { ...Parts } }
        fragment Parts on Product { id ... on Product { name { brand } } category { label } price { amount } }
        """
    )
    assert plan == snapshot("""\
QueryPlan {
  Parallel {
    Fetch(service: "category") {
      {
        product {
          id
          category {
            label
          }
        }
      }
    },
    Fetch(service: "name") {
      {
        product {
          name {
            brand
          }
        }
      }
    },
    Fetch(service: "price") {
      {
        product {
          price {
            amount
          }
        }
      }
    },
  },
}\
""")
    assert body == {
        "data": {
            "product": {
                "id": "p1",
                "name": {"brand": "Oak&Co"},
                "category": {"label": "Chairs"},
                "price": {"amount": 120},
            }
        }
    }


async def test_typename_of_the_shared_type_needs_no_second_fetch(gw: KitGateway) -> None:
    plan, body = await gw.run("{ product { __typename category { __typename label } } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "category") {
    {
      product {
        __typename
        category {
          __typename
          label
        }
      }
    }
  },
}\
""")
    assert body == snapshot(
        {
            "data": {
                "product": {
                    "__typename": "Product",
                    "category": {"__typename": "Category", "label": "Chairs"},
                }
            }
        }
    )
    assert list(gw.sent()) == ["category"]
