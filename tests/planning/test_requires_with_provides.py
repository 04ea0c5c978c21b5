# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""`@requires` and `@provides` in one operation (after Hive Router's requires-provides
fixture): a provided field saves the hop to its owner only on the providing path, a
field next to it that is not provided still needs the owner, and a field with
`@requires` further down the same path waits for its required fields from a third
subgraph."""

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
    ["accounts", "inventory", "products", "reviews"],
    """
type Product
  @join__type(graph: INVENTORY, key: "upc")
  @join__type(graph: PRODUCTS, key: "upc")
  @join__type(graph: REVIEWS, key: "upc")
{
  upc: String!
  name: String! @join__field(graph: PRODUCTS)
  price: Int! @join__field(graph: INVENTORY, external: true) @join__field(graph: PRODUCTS)
  weight: Int! @join__field(graph: INVENTORY, external: true) @join__field(graph: PRODUCTS)
  inStock: Boolean! @join__field(graph: INVENTORY)
  shippingEstimate: Int! @join__field(graph: INVENTORY, requires: "price weight")
}

type Query
  @join__type(graph: ACCOUNTS)
  @join__type(graph: INVENTORY)
  @join__type(graph: PRODUCTS)
  @join__type(graph: REVIEWS)
{
  me: User @join__field(graph: ACCOUNTS)
}

type Review
  @join__type(graph: REVIEWS, key: "id")
{
  id: ID!
  body: String!
  author: User! @join__field(graph: REVIEWS, provides: "username")
  product: Product!
}

type User
  @join__type(graph: ACCOUNTS, key: "id")
  @join__type(graph: REVIEWS, key: "id")
{
  id: ID!
  name: String! @join__field(graph: ACCOUNTS)
  username: String! @join__field(graph: ACCOUNTS) @join__field(graph: REVIEWS, external: true)
  reviews: [Review!]! @join__field(graph: REVIEWS)
}
""",
)

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@external", "@requires", "@provides"])\n'
)


def _shipping(source: dict[str, Any], _info: Any) -> int:
    return 0 if source["price"] > 100 else int(source["weight"]) * 2


def make_subgraphs() -> list[KitSubgraph]:
    accounts = KitSubgraph(
        "accounts",
        FED
        + """
        type Query { me: User }
        type User @key(fields: "id") { id: ID! name: String! username: String! }
        """,
        {
            "User": [
                {"id": "u1", "name": "Ann Lee", "username": "ann"},
                {"id": "u2", "name": "Bob Ray", "username": "bob"},
            ]
        },
        {"Query.me": lambda _s, _i: accounts.rows("User")[0]},
    )
    reviews = KitSubgraph(
        "reviews",
        FED
        + """
        type User @key(fields: "id") { id: ID! username: String! @external reviews: [Review!]! }
        type Review @key(fields: "id") { id: ID! body: String! author: User! @provides(fields: "username") product: Product! }
        type Product @key(fields: "upc") { upc: String! }
        """,
        {
            "User": [
                {"id": "u1", "reviews": [{"id": "r1"}, {"id": "r2"}]},
                {"id": "u2", "reviews": []},
            ],
            "Review": [
                {
                    "id": "r1",
                    "body": "Great",
                    "author": {"id": "u1", "username": "ann"},
                    "product": {"upc": "p1"},
                },
                {
                    "id": "r2",
                    "body": "Meh",
                    "author": {"id": "u2", "username": "bob"},
                    "product": {"upc": "p2"},
                },
            ],
        },
    )
    products = KitSubgraph(
        "products",
        FED
        + 'type Product @key(fields: "upc") { upc: String! name: String! price: Int! weight: Int! }',
        {
            "Product": [
                {"upc": "p1", "name": "Lamp", "price": 120, "weight": 3},
                {"upc": "p2", "name": "Desk", "price": 40, "weight": 20},
            ]
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
          inStock: Boolean!
          shippingEstimate: Int! @requires(fields: "price weight")
        }
        """,
        {"Product": [{"upc": "p1", "inStock": True}, {"upc": "p2", "inStock": False}]},
        {"Product.shippingEstimate": _shipping},
    )
    return [accounts, inventory, products, reviews]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


def _counts(gw: KitGateway) -> dict[str, int]:
    return {name: len(requests) for name, requests in gw.sent().items()}


async def test_provided_field_and_a_field_of_a_third_subgraph(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ me { reviews { id author { id username } product { inStock } } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "accounts") {
      {
        me {
          __typename
          id
        }
      }
    },
    Flatten(path: "me") {
      Fetch(service: "reviews") {
        {
          ... on User {
            __typename
            id
          }
        } =>
        {
          ... on User {
            reviews {
              id
              author {
                id
                username
              }
              product {
                __typename
                upc
              }
            }
          }
        }
      },
    },
    Flatten(path: "me.reviews.@.product") {
      Fetch(service: "inventory") {
        {
          ... on Product {
            __typename
            upc
          }
        } =>
        {
          ... on Product {
            inStock
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "me": {
                "reviews": [
                    {
                        "id": "r1",
                        "author": {"id": "u1", "username": "ann"},
                        "product": {"inStock": True},
                    },
                    {
                        "id": "r2",
                        "author": {"id": "u2", "username": "bob"},
                        "product": {"inStock": False},
                    },
                ]
            }
        }
    }
    # The usernames come with the reviews: accounts is asked only for `me`.
    assert _counts(gw) == {"accounts": 1, "inventory": 1, "reviews": 1}


async def test_unprovided_field_next_to_the_provided_one(gw: KitGateway) -> None:
    plan, body = await gw.run("{ me { reviews { author { username name } } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "accounts") {
      {
        me {
          __typename
          id
        }
      }
    },
    Flatten(path: "me") {
      Fetch(service: "reviews") {
        {
          ... on User {
            __typename
            id
          }
        } =>
        {
          ... on User {
            reviews {
              author {
                username
                __typename
                id
              }
            }
          }
        }
      },
    },
    Flatten(path: "me.reviews.@.author") {
      Fetch(service: "accounts") {
        {
          ... on User {
            __typename
            id
          }
        } =>
        {
          ... on User {
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
            "me": {
                "reviews": [
                    {"author": {"username": "ann", "name": "Ann Lee"}},
                    {"author": {"username": "bob", "name": "Bob Ray"}},
                ]
            }
        }
    }
    assert _counts(gw) == {"accounts": 2, "reviews": 1}


async def test_requirement_down_the_path_of_a_provides(gw: KitGateway) -> None:
    plan, body = await gw.run("{ me { reviews { product { shippingEstimate } } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "accounts") {
      {
        me {
          __typename
          id
        }
      }
    },
    Flatten(path: "me") {
      Fetch(service: "reviews") {
        {
          ... on User {
            __typename
            id
          }
        } =>
        {
          ... on User {
            reviews {
              product {
                __typename
                upc
              }
            }
          }
        }
      },
    },
    Flatten(path: "me.reviews.@.product") {
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
    Flatten(path: "me.reviews.@.product") {
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
    assert body == {
        "data": {
            "me": {
                "reviews": [
                    {"product": {"shippingEstimate": 0}},
                    {"product": {"shippingEstimate": 40}},
                ]
            }
        }
    }
    assert gw["inventory"].requests[0].variables == {
        "representations": [
            {"__typename": "Product", "upc": "p1", "price": 120, "weight": 3},
            {"__typename": "Product", "upc": "p2", "price": 40, "weight": 20},
        ]
    }


async def test_requirement_and_a_plain_field_of_one_subgraph_together(gw: KitGateway) -> None:
    plan, body = await gw.run("{ me { reviews { product { inStock shippingEstimate } } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "accounts") {
      {
        me {
          __typename
          id
        }
      }
    },
    Flatten(path: "me") {
      Fetch(service: "reviews") {
        {
          ... on User {
            __typename
            id
          }
        } =>
        {
          ... on User {
            reviews {
              product {
                __typename
                upc
              }
            }
          }
        }
      },
    },
    Flatten(path: "me.reviews.@.product") {
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
    Flatten(path: "me.reviews.@.product") {
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
            inStock
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
            "me": {
                "reviews": [
                    {"product": {"inStock": True, "shippingEstimate": 0}},
                    {"product": {"inStock": False, "shippingEstimate": 40}},
                ]
            }
        }
    }


async def test_everything_at_once(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ me { username reviews { body author { username } product { name shippingEstimate inStock } } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "accounts") {
      {
        me {
          username
          __typename
          id
        }
      }
    },
    Flatten(path: "me") {
      Fetch(service: "reviews") {
        {
          ... on User {
            __typename
            id
          }
        } =>
        {
          ... on User {
            reviews {
              body
              author {
                username
              }
              product {
                __typename
                upc
              }
            }
          }
        }
      },
    },
    Flatten(path: "me.reviews.@.product") {
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
            price
            weight
          }
        }
      },
    },
    Flatten(path: "me.reviews.@.product") {
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
    assert body == {
        "data": {
            "me": {
                "username": "ann",
                "reviews": [
                    {
                        "body": "Great",
                        "author": {"username": "ann"},
                        "product": {"name": "Lamp", "shippingEstimate": 0, "inStock": True},
                    },
                    {
                        "body": "Meh",
                        "author": {"username": "bob"},
                        "product": {"name": "Desk", "shippingEstimate": 40, "inStock": False},
                    },
                ],
            }
        }
    }
    assert _counts(gw) == {"accounts": 1, "inventory": 1, "products": 1, "reviews": 1}
