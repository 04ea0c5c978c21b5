"""Entity fetches below type conditions: a list of reviews of two kinds, each kind asking its
product for fields of different subgraphs (b by `id`; c and d only by `pid`, which b
knows). Each fetch covers only the items of its type condition; the same response name
under both conditions gets each item its own selection.
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
    ["a", "b", "c", "d"],
    """
type AnonymousReview implements Post
  @join__implements(graph: A, interface: "Post")
  @join__type(graph: A)
{
  id: ID!
  product: Product!
}

interface Post
  @join__type(graph: A)
{
  id: ID!
  product: Product!
}

type Product
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id")
  @join__type(graph: B, key: "pid")
  @join__type(graph: C, key: "pid")
  @join__type(graph: D, key: "pid")
{
  id: ID! @join__field(graph: A) @join__field(graph: B)
  pid: ID! @join__field(graph: B) @join__field(graph: C) @join__field(graph: D)
  b: String @join__field(graph: B)
  c: String @join__field(graph: C)
  d: String @join__field(graph: D)
}

type Query
  @join__type(graph: A)
  @join__type(graph: B)
  @join__type(graph: C)
  @join__type(graph: D)
{
  reviews: [Review!]! @join__field(graph: A)
  posts: [Post!]! @join__field(graph: A)
}

union Review
  @join__type(graph: A)
  @join__unionMember(graph: A, member: "AnonymousReview")
  @join__unionMember(graph: A, member: "UserReview")
 = AnonymousReview | UserReview

type UserReview implements Post
  @join__implements(graph: A, interface: "Post")
  @join__type(graph: A)
{
  id: ID!
  author: String!
  product: Product!
}
""",
)

FED = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'

REVIEWS = [
    {"__typename": "AnonymousReview", "id": "r1", "product": {"id": "p3"}},
    {"__typename": "UserReview", "id": "r2", "author": "Ann", "product": {"id": "p2"}},
    {"__typename": "UserReview", "id": "r3", "author": "Ben", "product": {"id": "p1"}},
]


def make_subgraphs() -> list[KitSubgraph]:
    a = KitSubgraph(
        "a",
        FED
        + """
        type Query { reviews: [Review!]! posts: [Post!]! }
        union Review = AnonymousReview | UserReview
        interface Post { id: ID! product: Product! }
        type AnonymousReview implements Post { id: ID! product: Product! }
        type UserReview implements Post { id: ID! author: String! product: Product! }
        type Product @key(fields: "id") { id: ID! }
        """,
        {},
        {"Query.reviews": lambda _s, _i: REVIEWS, "Query.posts": lambda _s, _i: REVIEWS},
    )
    b = KitSubgraph(
        "b",
        FED
        + """
        type Product @key(fields: "id") @key(fields: "pid") { id: ID! pid: ID! b: String }
        """,
        {
            "Product": [
                {"id": "p1", "pid": "P1", "b": "b1"},
                {"id": "p2", "pid": "P2", "b": "b2"},
                {"id": "p3", "pid": "P3", "b": "b3"},
            ]
        },
    )
    c = KitSubgraph(
        "c",
        FED + 'type Product @key(fields: "pid") { pid: ID! c: String }',
        {"Product": [{"pid": "P1", "c": "c1"}, {"pid": "P2", "c": "c2"}, {"pid": "P3", "c": "c3"}]},
    )
    d = KitSubgraph(
        "d",
        FED + 'type Product @key(fields: "pid") { pid: ID! d: String }',
        {"Product": [{"pid": "P1", "d": "d1"}, {"pid": "P2", "d": None}, {"pid": "P3", "d": "d3"}]},
    )
    return [a, b, c, d]


def _pids(gw: KitGateway, name: str) -> list[str]:
    """The keys one subgraph's single request was sent, in key order."""
    [request] = gw[name].requests
    return sorted(r["pid"] for r in request.variables["representations"])


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_each_type_condition_gets_its_own_product_fields(gw: KitGateway) -> None:
    plan, body = await gw.run(
        """{ reviews {
              ... on AnonymousReview { __typename product { b } }
              ... on UserReview { __typename product { c d } }
        } }"""
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        reviews {
          __typename
          ... on AnonymousReview {
            __typename
            product {
              __typename
              id
            }
          }
          ... on UserReview {
            __typename
            product {
              __typename
              id
            }
          }
        }
      }
    },
    Parallel {
      Flatten(path: "reviews.@|[AnonymousReview].product") {
        Fetch(service: "b") {
          {
            ... on Product {
              __typename
              id
            }
          } =>
          {
            ... on Product {
              b
            }
          }
        },
      },
      Flatten(path: "reviews.@|[UserReview].product") {
        Fetch(service: "b") {
          {
            ... on Product {
              __typename
              id
            }
          } =>
          {
            ... on Product {
              pid
            }
          }
        },
      },
    },
    Parallel {
      Flatten(path: "reviews.@|[UserReview].product") {
        Fetch(service: "c") {
          {
            ... on Product {
              __typename
              pid
            }
          } =>
          {
            ... on Product {
              c
            }
          }
        },
      },
      Flatten(path: "reviews.@|[UserReview].product") {
        Fetch(service: "d") {
          {
            ... on Product {
              __typename
              pid
            }
          } =>
          {
            ... on Product {
              d
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
            "reviews": [
                {"__typename": "AnonymousReview", "product": {"b": "b3"}},
                {"__typename": "UserReview", "product": {"c": "c2", "d": None}},
                {"__typename": "UserReview", "product": {"c": "c1", "d": "d1"}},
            ]
        }
    }
    # c is asked only about the user reviews' products (not P3, the anonymous one's).
    assert _pids(gw, "c") == ["P1", "P2"]


async def test_same_alias_under_both_conditions(gw: KitGateway) -> None:
    plan, body = await gw.run(
        """{ reviews {
              ... on AnonymousReview { p: product { b } }
              ... on UserReview { author p: product { c } }
        } }"""
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        reviews {
          __typename
          ... on AnonymousReview {
            p: product {
              __typename
              id
            }
          }
          ... on UserReview {
            author
            p: product {
              __typename
              id
            }
          }
        }
      }
    },
    Parallel {
      Flatten(path: "reviews.@|[AnonymousReview].p") {
        Fetch(service: "b") {
          {
            ... on Product {
              __typename
              id
            }
          } =>
          {
            ... on Product {
              b
            }
          }
        },
      },
      Flatten(path: "reviews.@|[UserReview].p") {
        Fetch(service: "b") {
          {
            ... on Product {
              __typename
              id
            }
          } =>
          {
            ... on Product {
              pid
            }
          }
        },
      },
    },
    Flatten(path: "reviews.@|[UserReview].p") {
      Fetch(service: "c") {
        {
          ... on Product {
            __typename
            pid
          }
        } =>
        {
          ... on Product {
            c
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
                {"p": {"b": "b3"}},
                {"author": "Ann", "p": {"c": "c2"}},
                {"author": "Ben", "p": {"c": "c1"}},
            ]
        }
    }
    assert _pids(gw, "c") == ["P1", "P2"]


async def test_interface_field_and_a_condition_adding_to_it(gw: KitGateway) -> None:
    plan, body = await gw.run("{ posts { id product { b } ... on UserReview { product { d } } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        posts {
          __typename
          ... on AnonymousReview {
            id
            product {
              __typename
              id
            }
          }
          ... on UserReview {
            id
            product {
              __typename
              id
            }
          }
        }
      }
    },
    Parallel {
      Flatten(path: "posts.@|[AnonymousReview].product") {
        Fetch(service: "b") {
          {
            ... on Product {
              __typename
              id
            }
          } =>
          {
            ... on Product {
              b
            }
          }
        },
      },
      Flatten(path: "posts.@|[UserReview].product") {
        Fetch(service: "b") {
          {
            ... on Product {
              __typename
              id
            }
          } =>
          {
            ... on Product {
              b
              pid
            }
          }
        },
      },
    },
    Flatten(path: "posts.@|[UserReview].product") {
      Fetch(service: "d") {
        {
          ... on Product {
            __typename
            pid
          }
        } =>
        {
          ... on Product {
            d
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "posts": [
                {"id": "r1", "product": {"b": "b3"}},
                {"id": "r2", "product": {"b": "b2", "d": None}},
                {"id": "r3", "product": {"b": "b1", "d": "d1"}},
            ]
        }
    }
    assert _pids(gw, "d") == ["P1", "P2"]


async def test_second_key_of_one_subgraph_for_two_others(gw: KitGateway) -> None:
    plan, body = await gw.run("{ posts { product { id pid c d } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        posts {
          __typename
          ... on AnonymousReview {
            product {
              id
              __typename
            }
          }
          ... on UserReview {
            product {
              id
              __typename
            }
          }
        }
      }
    },
    Flatten(paths: ["posts.@|[AnonymousReview].product", "posts.@|[UserReview].product"]) {
      Fetch(service: "b") {
        {
          ... on Product {
            __typename
            id
          }
        } =>
        {
          ... on Product {
            pid
          }
        }
      },
    },
    Parallel {
      Flatten(paths: ["posts.@|[AnonymousReview].product", "posts.@|[UserReview].product"]) {
        Fetch(service: "c") {
          {
            ... on Product {
              __typename
              pid
            }
          } =>
          {
            ... on Product {
              c
            }
          }
        },
      },
      Flatten(paths: ["posts.@|[AnonymousReview].product", "posts.@|[UserReview].product"]) {
        Fetch(service: "d") {
          {
            ... on Product {
              __typename
              pid
            }
          } =>
          {
            ... on Product {
              d
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
            "posts": [
                {"product": {"id": "p3", "pid": "P3", "c": "c3", "d": "d3"}},
                {"product": {"id": "p2", "pid": "P2", "c": "c2", "d": None}},
                {"product": {"id": "p1", "pid": "P1", "c": "c1", "d": "d1"}},
            ]
        }
    }
    # One representation per product for b, the only subgraph entered by `id`.
    assert [len(r.variables["representations"]) for r in gw["b"].requests] == [3]


async def test_condition_on_one_member_leaves_the_other_untouched(gw: KitGateway) -> None:
    plan, body = await gw.run("{ reviews { __typename ... on UserReview { product { pid } } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        reviews {
          __typename
          ... on AnonymousReview {
            __typename
          }
          ... on UserReview {
            __typename
            product {
              __typename
              id
            }
          }
        }
      }
    },
    Flatten(path: "reviews.@|[UserReview].product") {
      Fetch(service: "b") {
        {
          ... on Product {
            __typename
            id
          }
        } =>
        {
          ... on Product {
            pid
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
                {"__typename": "AnonymousReview"},
                {"__typename": "UserReview", "product": {"pid": "P2"}},
                {"__typename": "UserReview", "product": {"pid": "P1"}},
            ]
        }
    }
    assert sorted(r["id"] for r in gw["b"].requests[0].variables["representations"]) == [
        "p1",
        "p2",
    ]
