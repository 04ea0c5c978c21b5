# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""Key fields that are `@external` where the walk is. Product's `sku` is stock's only key,
but `@external` in links: on `linked` links provides it (straight to stock), elsewhere it
is reached through catalog, which has both keys. User's `id` is `@external` in reviews
(a type extension, Federation 1 style) yet it is reviews' own key: reviews can return it
and be entered by it. The same `@provides` of `sku` also works below an entity fetch
(`User.favorites`). None of these is a key cycle.
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
    ["accounts", "catalog", "links", "reviews", "stock"],
    """
type Product
  @join__type(graph: CATALOG, key: "id")
  @join__type(graph: CATALOG, key: "sku")
  @join__type(graph: LINKS, key: "id")
  @join__type(graph: STOCK, key: "sku")
{
  id: ID! @join__field(graph: CATALOG) @join__field(graph: LINKS)
  sku: String! @join__field(graph: CATALOG) @join__field(graph: LINKS, external: true) @join__field(graph: STOCK)
  name: String! @join__field(graph: CATALOG)
  quantity: Int @join__field(graph: STOCK)
}

type Query
  @join__type(graph: ACCOUNTS)
  @join__type(graph: CATALOG)
  @join__type(graph: LINKS)
  @join__type(graph: REVIEWS)
  @join__type(graph: STOCK)
{
  users: [User!]! @join__field(graph: ACCOUNTS)
  products: [Product!]! @join__field(graph: CATALOG)
  linked: [Product!]! @join__field(graph: LINKS, provides: "sku")
  recent: [Product!]! @join__field(graph: LINKS)
  reviews: [Review!]! @join__field(graph: REVIEWS)
  inStock: [Product!]! @join__field(graph: STOCK)
}

type Review
  @join__type(graph: REVIEWS, key: "id")
{
  id: ID!
  body: String!
  author: User!
}

type User
  @join__type(graph: ACCOUNTS, key: "id")
  @join__type(graph: LINKS, key: "id")
  @join__type(graph: REVIEWS, key: "id", extension: true)
{
  id: ID! @join__field(graph: ACCOUNTS) @join__field(graph: LINKS) @join__field(graph: REVIEWS, external: true)
  name: String! @join__field(graph: ACCOUNTS)
  favorites: [Product!]! @join__field(graph: LINKS, provides: "sku")
  saved: [Product!]! @join__field(graph: LINKS)
  reviews: [Review!]! @join__field(graph: REVIEWS)
}
""",
)

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@external", "@provides"])\n'
)


def make_subgraphs() -> list[KitSubgraph]:
    catalog = KitSubgraph(
        "catalog",
        FED
        + """
        type Query { products: [Product!]! }
        type Product @key(fields: "id") @key(fields: "sku") { id: ID! sku: String! name: String! }
        """,
        {
            "Product": [
                {"id": "p1", "sku": "S-1", "name": "Lamp"},
                {"id": "p2", "sku": "S-2", "name": "Rug"},
                {"id": "p3", "sku": "S-3", "name": "Vase"},
            ]
        },
        {"Query.products": lambda _s, _i: catalog.rows("Product")},
    )
    links = KitSubgraph(
        "links",
        FED
        + """
        type Query { linked: [Product!]! @provides(fields: "sku") recent: [Product!]! }
        type Product @key(fields: "id") { id: ID! sku: String! @external }
        type User @key(fields: "id") {
          id: ID!
          favorites: [Product!]! @provides(fields: "sku")
          saved: [Product!]!
        }
        """,
        {
            # favorites carry their skus (provided), saved products only their ids.
            "User": [
                {
                    "id": "u1",
                    "favorites": [{"id": "p3", "sku": "S-3"}],
                    "saved": [{"id": "p2"}, {"id": "p3"}],
                },
                {"id": "u2", "favorites": [], "saved": []},
            ]
        },
        {
            # Only `linked` knows the skus: asking links for one on `recent` is an error.
            "Query.linked": lambda _s, _i: [{"id": "p1", "sku": "S-1"}, {"id": "p3", "sku": "S-3"}],
            "Query.recent": lambda _s, _i: [{"id": "p2"}, {"id": "p1"}],
        },
    )
    stock = KitSubgraph(
        "stock",
        FED
        + """
        type Query { inStock: [Product!]! }
        type Product @key(fields: "sku") { sku: String! quantity: Int }
        """,
        {
            "Product": [
                {"sku": "S-1", "quantity": 4},
                {"sku": "S-2", "quantity": 0},
                {"sku": "S-3", "quantity": None},
            ]
        },
        {"Query.inStock": lambda _s, _i: [{"sku": "S-2"}, {"sku": "S-1"}]},
    )
    accounts = KitSubgraph(
        "accounts",
        FED
        + """
        type Query { users: [User!]! }
        type User @key(fields: "id") { id: ID! name: String! }
        """,
        {"User": [{"id": "u1", "name": "Ann"}, {"id": "u2", "name": "Ben"}]},
        {"Query.users": lambda _s, _i: accounts.rows("User")},
    )
    reviews = KitSubgraph(
        "reviews",
        FED
        + """
        type Query { reviews: [Review!]! }
        type Review @key(fields: "id") { id: ID! body: String! author: User! }
        type User @key(fields: "id") { id: ID! @external reviews: [Review!]! }
        """,
        {
            "Review": [
                {"id": "r1", "body": "Good", "author": {"id": "u1"}},
                {"id": "r2", "body": "Meh", "author": {"id": "u2"}},
                {"id": "r3", "body": "Great", "author": {"id": "u1"}},
            ],
            "User": [
                {"id": "u1", "reviews": [{"id": "r1"}, {"id": "r3"}]},
                {"id": "u2", "reviews": [{"id": "r2"}]},
            ],
        },
        {"Query.reviews": lambda _s, _i: reviews.rows("Review")},
    )
    return [accounts, catalog, links, reviews, stock]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_provided_external_key_leads_straight_to_its_subgraph(gw: KitGateway) -> None:
    plan, body = await gw.run("{ linked { sku quantity } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "links") {
      {
        linked {
          sku
          __typename
        }
      }
    },
    Flatten(path: "linked.@") {
      Fetch(service: "stock") {
        {
          ... on Product {
            __typename
            sku
          }
        } =>
        {
          ... on Product {
            quantity
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {"linked": [{"sku": "S-1", "quantity": 4}, {"sku": "S-3", "quantity": None}]}
    }
    assert sorted(gw.sent()) == ["links", "stock"]


async def test_external_key_off_the_provides_path_through_another_key(gw: KitGateway) -> None:
    plan, body = await gw.run("{ recent { sku quantity } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "links") {
      {
        recent {
          __typename
          id
        }
      }
    },
    Flatten(path: "recent.@") {
      Fetch(service: "catalog") {
        {
          ... on Product {
            __typename
            id
          }
        } =>
        {
          ... on Product {
            sku
          }
        }
      },
    },
    Flatten(path: "recent.@") {
      Fetch(service: "stock") {
        {
          ... on Product {
            __typename
            sku
          }
        } =>
        {
          ... on Product {
            quantity
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {"recent": [{"sku": "S-2", "quantity": 0}, {"sku": "S-1", "quantity": 4}]}
    }
    assert sorted(gw.sent()) == ["catalog", "links", "stock"]


async def test_external_key_needed_only_for_the_next_hop(gw: KitGateway) -> None:
    plan, body = await gw.run("{ recent { quantity name } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "links") {
      {
        recent {
          __typename
          id
        }
      }
    },
    Flatten(path: "recent.@") {
      Fetch(service: "catalog") {
        {
          ... on Product {
            __typename
            id
          }
        } =>
        {
          ... on Product {
            sku
            name
          }
        }
      },
    },
    Flatten(path: "recent.@") {
      Fetch(service: "stock") {
        {
          ... on Product {
            __typename
            sku
          }
        } =>
        {
          ... on Product {
            quantity
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {"recent": [{"quantity": 0, "name": "Rug"}, {"quantity": 4, "name": "Lamp"}]}
    }


async def test_entering_the_two_key_subgraph_by_its_second_key(gw: KitGateway) -> None:
    plan, body = await gw.run("{ inStock { id name quantity } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "stock") {
      {
        inStock {
          __typename
          sku
          quantity
        }
      }
    },
    Flatten(path: "inStock.@") {
      Fetch(service: "catalog") {
        {
          ... on Product {
            __typename
            sku
          }
        } =>
        {
          ... on Product {
            id
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
            "inStock": [
                {"id": "p2", "name": "Rug", "quantity": 0},
                {"id": "p1", "name": "Lamp", "quantity": 4},
            ]
        }
    }
    assert sorted(gw.sent()) == ["catalog", "stock"]


async def test_provided_key_and_a_field_of_the_first_key(gw: KitGateway) -> None:
    plan, body = await gw.run("{ linked { id sku name } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "links") {
      {
        linked {
          id
          sku
          __typename
        }
      }
    },
    Flatten(path: "linked.@") {
      Fetch(service: "catalog") {
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
    assert body == {
        "data": {
            "linked": [
                {"id": "p1", "sku": "S-1", "name": "Lamp"},
                {"id": "p3", "sku": "S-3", "name": "Vase"},
            ]
        }
    }
    assert sorted(gw.sent()) == ["catalog", "links"]


async def test_key_of_the_other_subgraph_from_the_two_key_subgraph(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products { id quantity } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "catalog") {
      {
        products {
          id
          __typename
          sku
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "stock") {
        {
          ... on Product {
            __typename
            sku
          }
        } =>
        {
          ... on Product {
            quantity
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
                {"id": "p1", "quantity": 4},
                {"id": "p2", "quantity": 0},
                {"id": "p3", "quantity": None},
            ]
        }
    }


async def test_external_own_key_is_returned_by_the_extension(gw: KitGateway) -> None:
    plan, body = await gw.run("{ reviews { body author { id } } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "reviews") {
    {
      reviews {
        body
        author {
          id
        }
      }
    }
  },
}\
""")
    assert body == {
        "data": {
            "reviews": [
                {"body": "Good", "author": {"id": "u1"}},
                {"body": "Meh", "author": {"id": "u2"}},
                {"body": "Great", "author": {"id": "u1"}},
            ]
        }
    }
    assert list(gw.sent()) == ["reviews"]


async def test_external_own_key_leads_to_the_owner(gw: KitGateway) -> None:
    plan, body = await gw.run("{ reviews { author { name } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "reviews") {
      {
        reviews {
          author {
            __typename
            id
          }
        }
      }
    },
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
  },
}\
""")
    assert body == {
        "data": {
            "reviews": [
                {"author": {"name": "Ann"}},
                {"author": {"name": "Ben"}},
                {"author": {"name": "Ann"}},
            ]
        }
    }
    # u1 is the author of two reviews: one representation.
    assert gw["accounts"].requests[0].variables == {
        "representations": [{"__typename": "User", "id": "u1"}, {"__typename": "User", "id": "u2"}]
    }


async def test_extension_entered_by_its_external_key_and_back(gw: KitGateway) -> None:
    plan, body = await gw.run("{ users { name reviews { body author { name } } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "accounts") {
      {
        users {
          name
          __typename
          id
        }
      }
    },
    Flatten(path: "users.@") {
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
                __typename
                id
              }
            }
          }
        }
      },
    },
    Flatten(path: "users.@.reviews.@.author") {
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
            "users": [
                {
                    "name": "Ann",
                    "reviews": [
                        {"body": "Good", "author": {"name": "Ann"}},
                        {"body": "Great", "author": {"name": "Ann"}},
                    ],
                },
                {"name": "Ben", "reviews": [{"body": "Meh", "author": {"name": "Ben"}}]},
            ]
        }
    }


async def test_provided_external_key_below_an_entity_fetch(gw: KitGateway) -> None:
    plan, body = await gw.run("{ users { name favorites { sku quantity } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "accounts") {
      {
        users {
          name
          __typename
          id
        }
      }
    },
    Flatten(path: "users.@") {
      Fetch(service: "links") {
        {
          ... on User {
            __typename
            id
          }
        } =>
        {
          ... on User {
            favorites {
              sku
              __typename
            }
          }
        }
      },
    },
    Flatten(path: "users.@.favorites.@") {
      Fetch(service: "stock") {
        {
          ... on Product {
            __typename
            sku
          }
        } =>
        {
          ... on Product {
            quantity
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "users": [
                {"name": "Ann", "favorites": [{"sku": "S-3", "quantity": None}]},
                {"name": "Ben", "favorites": []},
            ]
        }
    }
    # links provides the sku on favorites: stock is asked directly, catalog never.
    assert sorted(gw.sent()) == ["accounts", "links", "stock"]


async def test_external_key_below_an_entity_fetch_off_the_provides_path(gw: KitGateway) -> None:
    plan, body = await gw.run("{ users { saved { quantity name } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "accounts") {
      {
        users {
          __typename
          id
        }
      }
    },
    Flatten(path: "users.@") {
      Fetch(service: "links") {
        {
          ... on User {
            __typename
            id
          }
        } =>
        {
          ... on User {
            saved {
              __typename
              id
            }
          }
        }
      },
    },
    Flatten(path: "users.@.saved.@") {
      Fetch(service: "catalog") {
        {
          ... on Product {
            __typename
            id
          }
        } =>
        {
          ... on Product {
            sku
            name
          }
        }
      },
    },
    Flatten(path: "users.@.saved.@") {
      Fetch(service: "stock") {
        {
          ... on Product {
            __typename
            sku
          }
        } =>
        {
          ... on Product {
            quantity
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "users": [
                {"saved": [{"quantity": 0, "name": "Rug"}, {"quantity": None, "name": "Vase"}]},
                {"saved": []},
            ]
        }
    }
    assert sorted(gw.sent()) == ["accounts", "catalog", "links", "stock"]
