"""Nulls and errors from entity fetches along a chain of three subgraphs (products ->
reviews -> users): an entity a subgraph does not know comes back `null` and only its
fields are null (bubbling where they are non-null); a subgraph that fails leaves its
fields null with its error, keeps everything else, and the fetches that depended on it
have nothing to ask about."""

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
    ["products", "reviews", "users"],
    """
type Product
  @join__type(graph: PRODUCTS, key: "upc")
  @join__type(graph: REVIEWS, key: "upc")
{
  upc: String!
  name: String! @join__field(graph: PRODUCTS)
  reviews: [Review!] @join__field(graph: REVIEWS)
  topReview: Review @join__field(graph: REVIEWS)
}

type Query
  @join__type(graph: PRODUCTS)
  @join__type(graph: REVIEWS)
  @join__type(graph: USERS)
{
  products: [Product] @join__field(graph: PRODUCTS)
}

type Review
  @join__type(graph: REVIEWS, key: "id")
{
  id: ID!
  body: String!
  author: User!
}

type User
  @join__type(graph: REVIEWS, key: "id")
  @join__type(graph: USERS, key: "id")
{
  id: ID!
  name: String @join__field(graph: USERS)
  handle: String! @join__field(graph: USERS)
}
""",
)

#: Subgraphs a test takes down: their `_entities` answers only an error.
DOWN: set[str] = set()


def _entities(subgraph: KitSubgraph) -> Any:
    def resolve(source: Any, info: Any, representations: Any) -> Any:
        if subgraph.name in DOWN:
            return subgraph_error(f"{subgraph.name} is down", "DOWN")
        return subgraph._entities(source, info, representations)

    return resolve


def make_subgraphs() -> list[KitSubgraph]:
    products = KitSubgraph(
        "products",
        """
        type Query { products: [Product] }
        type Product @key(fields: "upc") { upc: String! name: String! }
        """,
        {
            "Product": [
                {"upc": "p1", "name": "Lamp"},
                {"upc": "p2", "name": "Desk"},
                {"upc": "p3", "name": "Chair"},
            ]
        },
        {"Query.products": lambda _s, _i: products.rows("Product")},
    )
    reviews = KitSubgraph(
        "reviews",
        """
        type Product @key(fields: "upc") { upc: String! reviews: [Review!] topReview: Review }
        type Review @key(fields: "id") { id: ID! body: String! author: User! }
        type User @key(fields: "id") { id: ID! }
        """,
        {
            # p3 is unknown here; u9 is unknown to users.
            "Product": [
                {"upc": "p1", "reviews": [{"id": "r1"}, {"id": "r2"}], "topReview": {"id": "r1"}},
                {"upc": "p2", "reviews": [], "topReview": None},
            ],
            "Review": [
                {"id": "r1", "body": "Bright", "author": {"__typename": "User", "id": "u1"}},
                {"id": "r2", "body": "Dim", "author": {"__typename": "User", "id": "u9"}},
            ],
        },
    )
    users = KitSubgraph(
        "users",
        """type User @key(fields: "id") { id: ID! name: String handle: String! }""",
        {"User": [{"id": "u1", "name": "Ann", "handle": "@ann"}]},
    )
    for subgraph in (reviews, users):
        subgraph.resolvers["Query._entities"] = _entities(subgraph)
    return [products, reviews, users]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


@pytest.fixture(autouse=True)
def all_up() -> None:
    DOWN.clear()


async def test_unknown_entity_leaves_its_nullable_list_null(gw: KitGateway) -> None:
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
    assert body == {
        "data": {
            "products": [
                {"name": "Lamp", "reviews": [{"body": "Bright"}, {"body": "Dim"}]},
                {"name": "Desk", "reviews": []},
                {"name": "Chair", "reviews": None},
            ]
        }
    }


async def test_unknown_entity_two_jumps_away_has_null_fields(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products { reviews { author { name } } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "products") {
      {
        products {
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
              author {
                __typename
                id
              }
            }
          }
        }
      },
    },
    Flatten(path: "products.@.reviews.@.author") {
      Fetch(service: "users") {
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
            "products": [
                {"reviews": [{"author": {"name": "Ann"}}, {"author": {"name": None}}]},
                {"reviews": []},
                {"reviews": None},
            ]
        }
    }


async def test_unknown_entity_with_a_non_null_field_bubbles_to_the_nullable_list(
    gw: KitGateway,
) -> None:
    # handle is non-null, author is non-null, the review is non-null in its list: the
    # null goes up to the list, which may be null.
    plan, body = await gw.run("{ products { reviews { author { handle } } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "products") {
      {
        products {
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
              author {
                __typename
                id
              }
            }
          }
        }
      },
    },
    Flatten(path: "products.@.reviews.@.author") {
      Fetch(service: "users") {
        {
          ... on User {
            __typename
            id
          }
        } =>
        {
          ... on User {
            handle
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {"products": [{"reviews": None}, {"reviews": []}, {"reviews": None}]},
        "errors": [
            {
                "message": "Cannot return null for non-nullable field User.handle.",
                "path": ["products", 0, "reviews", 1, "author", "handle"],
                "extensions": {"code": "NON_NULL_FIELD_IS_NULL"},
            }
        ],
    }


async def test_null_single_entity_and_unknown_entity_side_by_side(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products { upc topReview { body author { name } } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "products") {
      {
        products {
          upc
          __typename
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
            topReview {
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
    Flatten(path: "products.@.topReview.author") {
      Fetch(service: "users") {
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
            "products": [
                {"upc": "p1", "topReview": {"body": "Bright", "author": {"name": "Ann"}}},
                {"upc": "p2", "topReview": None},
                {"upc": "p3", "topReview": None},
            ]
        }
    }


async def test_typename_of_entities_around_an_unknown_one(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products { __typename upc reviews { __typename id } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "products") {
      {
        products {
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
              __typename
              id
            }
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
                    "__typename": "Product",
                    "upc": "p1",
                    "reviews": [
                        {"__typename": "Review", "id": "r1"},
                        {"__typename": "Review", "id": "r2"},
                    ],
                },
                {"__typename": "Product", "upc": "p2", "reviews": []},
                {"__typename": "Product", "upc": "p3", "reviews": None},
            ]
        }
    }


async def test_last_subgraph_of_the_chain_down(gw: KitGateway) -> None:
    DOWN.add("users")
    plan, body = await gw.run("{ products { name reviews { body author { name } } } }")
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
              author {
                __typename
                id
              }
            }
          }
        }
      },
    },
    Flatten(path: "products.@.reviews.@.author") {
      Fetch(service: "users") {
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
            "products": [
                {
                    "name": "Lamp",
                    "reviews": [
                        {"body": "Bright", "author": {"name": None}},
                        {"body": "Dim", "author": {"name": None}},
                    ],
                },
                {"name": "Desk", "reviews": []},
                {"name": "Chair", "reviews": None},
            ]
        },
        "errors": [
            {"message": "users is down", "extensions": {"code": "DOWN", "service": "users"}}
        ],
    }


async def test_middle_subgraph_down_the_next_one_is_not_asked(gw: KitGateway) -> None:
    DOWN.add("reviews")
    plan, body = await gw.run("{ products { name reviews { body author { name } } } }")
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
              author {
                __typename
                id
              }
            }
          }
        }
      },
    },
    Flatten(path: "products.@.reviews.@.author") {
      Fetch(service: "users") {
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
            "products": [
                {"name": "Lamp", "reviews": None},
                {"name": "Desk", "reviews": None},
                {"name": "Chair", "reviews": None},
            ]
        },
        "errors": [
            {"message": "reviews is down", "extensions": {"code": "DOWN", "service": "reviews"}}
        ],
    }
    assert sorted(gw.sent()) == ["products", "reviews"]
