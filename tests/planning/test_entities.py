"""Entities across subgraphs: `_entities` calls built from simple `@key`s, `resolvable: false`
keys (a subgraph that only references an entity), deduplicated representations."""

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
    ["accounts", "products", "reviews"],
    """
type Product
  @join__type(graph: PRODUCTS, key: "upc")
  @join__type(graph: REVIEWS, key: "upc")
{
  upc: String!
  name: String! @join__field(graph: PRODUCTS)
  price: Int @join__field(graph: PRODUCTS)
  reviews: [Review!]! @join__field(graph: REVIEWS)
}

type Query
  @join__type(graph: ACCOUNTS)
  @join__type(graph: PRODUCTS)
  @join__type(graph: REVIEWS)
{
  me: User @join__field(graph: ACCOUNTS)
  products: [Product!]! @join__field(graph: PRODUCTS)
  product(upc: String!): Product @join__field(graph: PRODUCTS)
  reviews: [Review!]! @join__field(graph: REVIEWS)
}

type Review
  @join__type(graph: REVIEWS, key: "id")
{
  id: ID!
  body: String!
  author: User!
  product: Product!
}

type User
  @join__type(graph: ACCOUNTS, key: "id")
  @join__type(graph: REVIEWS, key: "id", resolvable: false)
{
  id: ID!
  name: String! @join__field(graph: ACCOUNTS)
  username: String! @join__field(graph: ACCOUNTS)
}
""",
)

ACCOUNTS_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { me: User }
type User @key(fields: "id") { id: ID! name: String! username: String! }
"""
PRODUCTS_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { products: [Product!]! product(upc: String!): Product }
type Product @key(fields: "upc") { upc: String! name: String! price: Int }
"""
REVIEWS_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { reviews: [Review!]! }
type Review @key(fields: "id") { id: ID! body: String! author: User! product: Product! }
type Product @key(fields: "upc") { upc: String! reviews: [Review!]! }
type User @key(fields: "id", resolvable: false) { id: ID! }
"""


def make_subgraphs() -> list[KitSubgraph]:
    accounts = KitSubgraph(
        "accounts",
        ACCOUNTS_SDL,
        {
            "User": [
                {"id": "u1", "name": "Ada Lovelace", "username": "ada"},
                {"id": "u2", "name": "Alan Turing", "username": "alan"},
            ]
        },
        {"Query.me": lambda _s, _i: {"id": "u1"}},
    )
    products = KitSubgraph(
        "products",
        PRODUCTS_SDL,
        {
            "Product": [
                {"upc": "1", "name": "Table", "price": 899},
                {"upc": "2", "name": "Couch", "price": 1299},
                {"upc": "3", "name": "Chair", "price": 54},
            ]
        },
        {
            "Query.products": lambda _s, _i: products.rows("Product"),
            "Query.product": lambda _s, _i, upc: products.find("Product", {"upc": upc}),
        },
    )
    reviews = KitSubgraph(
        "reviews",
        REVIEWS_SDL,
        {
            "Review": [
                {"id": "r1", "body": "Love it", "author": {"id": "u1"}, "product": {"upc": "1"}},
                {"id": "r2", "body": "Too big", "author": {"id": "u2"}, "product": {"upc": "1"}},
                {"id": "r3", "body": "Comfy", "author": {"id": "u1"}, "product": {"upc": "2"}},
            ],
            "Product": [
                {"upc": "1", "reviews": [{"id": "r1"}, {"id": "r2"}]},
                {"upc": "2", "reviews": [{"id": "r3"}]},
                {"upc": "3", "reviews": []},
            ],
        },
        {"Query.reviews": lambda _s, _i: reviews.rows("Review")},
    )
    return [accounts, products, reviews]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_root_field_of_one_subgraph_is_one_fetch(gw: KitGateway) -> None:
    plan, body = await gw.run("{ me { name username } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "accounts") {
    {
      me {
        name
        username
      }
    }
  },
}\
""")
    assert body == snapshot({"data": {"me": {"name": "Ada Lovelace", "username": "ada"}}})
    assert [r.query for r in gw["accounts"].requests] == snapshot(["query{me {name username}}"])


async def test_entity_fields_from_another_subgraph_through_entities(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products { name reviews { body } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "products") {
      {
        products {
          name
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
              body
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
                    {"name": "Table", "reviews": [{"body": "Love it"}, {"body": "Too big"}]},
                    {"name": "Couch", "reviews": [{"body": "Comfy"}]},
                    {"name": "Chair", "reviews": []},
                ]
            }
        }
    )
    assert gw["reviews"].requests[0].variables == snapshot(
        {
            "representations": [
                {"__typename": "Product", "upc": "1"},
                {"__typename": "Product", "upc": "2"},
                {"__typename": "Product", "upc": "3"},
            ]
        }
    )


async def test_two_entity_jumps_from_one_fetch_run_in_parallel(gw: KitGateway) -> None:
    plan, body = await gw.run("{ reviews { body author { name } product { name price } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "reviews") {
      {
        reviews {
          body
          author {
            __typename
            id
          }
          product {
            __typename
            upc
          }
        }
      }
    },
    Parallel {
      Flatten(path: "reviews.@.author") {
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
              name
              price
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
                "reviews": [
                    {
                        "body": "Love it",
                        "author": {"name": "Ada Lovelace"},
                        "product": {"name": "Table", "price": 899},
                    },
                    {
                        "body": "Too big",
                        "author": {"name": "Alan Turing"},
                        "product": {"name": "Table", "price": 899},
                    },
                    {
                        "body": "Comfy",
                        "author": {"name": "Ada Lovelace"},
                        "product": {"name": "Couch", "price": 1299},
                    },
                ]
            }
        }
    )
    # Representations are deduplicated: u1 wrote two reviews, product 1 has two.
    assert gw["accounts"].requests[0].variables == snapshot(
        {
            "representations": [
                {"__typename": "User", "id": "u1"},
                {"__typename": "User", "id": "u2"},
            ]
        }
    )
    assert gw["products"].requests[0].variables == snapshot(
        {
            "representations": [
                {"__typename": "Product", "upc": "1"},
                {"__typename": "Product", "upc": "2"},
            ]
        }
    )


async def test_three_subgraphs_in_sequence(gw: KitGateway) -> None:
    plan, body = await gw.run('{ product(upc: "1") { name reviews { body author { username } } } }')
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "products") {
      {
        product(upc: "1") {
          name
          __typename
          upc
        }
      }
    },
    Flatten(path: "product") {
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
              body
              author {
                __typename
                id
              }
            }
          }
        }
      },
    },
    Flatten(path: "product.reviews.@.author") {
      Fetch(service: "accounts") {
        {
          ... on User {
            __typename
            id
          }
        } =>
        {
          ... on User {
            username
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
                "product": {
                    "name": "Table",
                    "reviews": [
                        {"body": "Love it", "author": {"username": "ada"}},
                        {"body": "Too big", "author": {"username": "alan"}},
                    ],
                }
            }
        }
    )


async def test_unresolvable_key_is_only_a_reference(gw: KitGateway) -> None:
    # reviews knows User only by id (resolvable: false): the id comes from reviews itself,
    # and no _entities call ever goes to reviews for a User.
    plan, body = await gw.run("{ me { id name } reviews { author { id } } }")
    assert plan == snapshot("""\
QueryPlan {
  Parallel {
    Fetch(service: "accounts") {
      {
        me {
          id
          name
        }
      }
    },
    Fetch(service: "reviews") {
      {
        reviews {
          author {
            id
          }
        }
      }
    },
  },
}\
""")
    assert body == snapshot(
        {
            "data": {
                "me": {"id": "u1", "name": "Ada Lovelace"},
                "reviews": [
                    {"author": {"id": "u1"}},
                    {"author": {"id": "u2"}},
                    {"author": {"id": "u1"}},
                ],
            }
        }
    )
    assert sorted(gw.sent()) == snapshot(["accounts", "reviews"])


async def test_key_field_only_needs_no_jump(gw: KitGateway) -> None:
    plan, body = await gw.run("{ reviews { product { upc } } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "reviews") {
    {
      reviews {
        product {
          upc
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
                    {"product": {"upc": "1"}},
                    {"product": {"upc": "1"}},
                    {"product": {"upc": "2"}},
                ]
            }
        }
    )


async def test_typename_of_entities_needs_no_jump(gw: KitGateway) -> None:
    plan, body = await gw.run("{ reviews { product { __typename } author { __typename } } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "reviews") {
    {
      reviews {
        product {
          __typename
        }
        author {
          __typename
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
                    {"product": {"__typename": "Product"}, "author": {"__typename": "User"}},
                    {"product": {"__typename": "Product"}, "author": {"__typename": "User"}},
                    {"product": {"__typename": "Product"}, "author": {"__typename": "User"}},
                ]
            }
        }
    )
    assert sorted(gw.sent()) == snapshot(["reviews"])


async def test_back_and_forth_between_subgraphs(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ products { name reviews { product { name reviews { author { name }"
        " product { price reviews { body } } } } } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "products") {
      {
        products {
          name
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
                __typename
                upc
                reviews {
                  author {
                    __typename
                    id
                  }
                  product {
                    __typename
                    upc
                    reviews {
                      body
                    }
                  }
                }
              }
            }
          }
        }
      },
    },
    Parallel {
      Flatten(path: "products.@.reviews.@.product") {
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
      Flatten(path: "products.@.reviews.@.product.reviews.@.author") {
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
      Flatten(path: "products.@.reviews.@.product.reviews.@.product") {
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
  },
}\
""")
    assert body == snapshot(
        {
            "data": {
                "products": [
                    {
                        "name": "Table",
                        "reviews": [
                            {
                                "product": {
                                    "name": "Table",
                                    "reviews": [
                                        {
                                            "author": {"name": "Ada Lovelace"},
                                            "product": {
                                                "price": 899,
                                                "reviews": [
                                                    {"body": "Love it"},
                                                    {"body": "Too big"},
                                                ],
                                            },
                                        },
                                        {
                                            "author": {"name": "Alan Turing"},
                                            "product": {
                                                "price": 899,
                                                "reviews": [
                                                    {"body": "Love it"},
                                                    {"body": "Too big"},
                                                ],
                                            },
                                        },
                                    ],
                                }
                            },
                            {
                                "product": {
                                    "name": "Table",
                                    "reviews": [
                                        {
                                            "author": {"name": "Ada Lovelace"},
                                            "product": {
                                                "price": 899,
                                                "reviews": [
                                                    {"body": "Love it"},
                                                    {"body": "Too big"},
                                                ],
                                            },
                                        },
                                        {
                                            "author": {"name": "Alan Turing"},
                                            "product": {
                                                "price": 899,
                                                "reviews": [
                                                    {"body": "Love it"},
                                                    {"body": "Too big"},
                                                ],
                                            },
                                        },
                                    ],
                                }
                            },
                        ],
                    },
                    {
                        "name": "Couch",
                        "reviews": [
                            {
                                "product": {
                                    "name": "Couch",
                                    "reviews": [
                                        {
                                            "author": {"name": "Ada Lovelace"},
                                            "product": {
                                                "price": 1299,
                                                "reviews": [{"body": "Comfy"}],
                                            },
                                        }
                                    ],
                                }
                            }
                        ],
                    },
                    {"name": "Chair", "reviews": []},
                ]
            }
        }
    )
    assert {name: len(requests) for name, requests in gw.sent().items()} == snapshot(
        {"accounts": 1, "products": 3, "reviews": 1}
    )


async def test_two_aliases_of_one_list_with_the_same_entity_fetch(gw: KitGateway) -> None:
    # Both branches send the same _entities request: the answer lands in both places.
    plan, body = await gw.run(
        "{ a: products { name reviews { body } } b: products { reviews { body } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "products") {
      {
        a: products {
          name
          __typename
          upc
        }
        b: products {
          __typename
          upc
        }
      }
    },
    Flatten(paths: ["a.@", "b.@"]) {
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
              body
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
                "a": [
                    {"name": "Table", "reviews": [{"body": "Love it"}, {"body": "Too big"}]},
                    {"name": "Couch", "reviews": [{"body": "Comfy"}]},
                    {"name": "Chair", "reviews": []},
                ],
                "b": [
                    {"reviews": [{"body": "Love it"}, {"body": "Too big"}]},
                    {"reviews": [{"body": "Comfy"}]},
                    {"reviews": []},
                ],
            }
        }
    )
    # One request for both places, each product's representation sent once.
    (request,) = gw["reviews"].requests
    assert [r["upc"] for r in request.variables["representations"]] == ["1", "2", "3"]
