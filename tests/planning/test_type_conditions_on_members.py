"""One field under two type conditions that need different fetches (after Hive Router's
issue 281): a union's members both have `product`, the products of one member need b,
those of the other need c and d, which know products only by another key (`pid`) that b
gives. Each product gets exactly its own member's fields, and c and d are asked only about
the products that need them: they answer an error for a product they do not know (p3,
only ever under an anonymous review), which would reach the client."""

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
    ["a", "b", "c", "d"],
    """
type AnonymousReview
  @join__type(graph: A)
{
  body: String!
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
  b: String! @join__field(graph: B)
  c: String! @join__field(graph: C)
  d: String! @join__field(graph: D)
}

type Query
  @join__type(graph: A)
  @join__type(graph: B)
  @join__type(graph: C)
  @join__type(graph: D)
{
  viewer: Viewer @join__field(graph: A)
}

union Review
  @join__type(graph: A)
  @join__unionMember(graph: A, member: "AnonymousReview")
  @join__unionMember(graph: A, member: "UserReview")
 = AnonymousReview | UserReview

type UserReview
  @join__type(graph: A)
{
  body: String!
  product: Product!
}

type Viewer
  @join__type(graph: A)
{
  reviews: [Review!]!
}
""",
)


def _strict_entities(subgraph: KitSubgraph) -> Any:
    """`_entities` that answers an error for an unknown product (as many subgraphs do)."""

    def resolve(source: Any, info: Any, representations: Any) -> Any:
        found = subgraph._entities(source, info, representations)
        return [
            row if row is not None else subgraph_error(f"unknown product {rep['pid']}", "NOT_FOUND")
            for row, rep in zip(found, representations, strict=True)
        ]

    return resolve


def make_subgraphs() -> list[KitSubgraph]:
    a = KitSubgraph(
        "a",
        """
        type Query { viewer: Viewer }
        type Viewer { reviews: [Review!]! }
        union Review = AnonymousReview | UserReview
        type AnonymousReview { body: String! product: Product! }
        type UserReview { body: String! product: Product! }
        type Product @key(fields: "id") { id: ID! }
        """,
        {},
        {
            "Query.viewer": lambda _s, _i: {
                "reviews": [
                    {"__typename": "AnonymousReview", "body": "meh", "product": {"id": "p3"}},
                    {"__typename": "UserReview", "body": "good", "product": {"id": "p2"}},
                    {"__typename": "UserReview", "body": "fine", "product": {"id": "p1"}},
                ]
            }
        },
    )
    b = KitSubgraph(
        "b",
        'type Product @key(fields: "id") @key(fields: "pid") { id: ID! pid: ID! b: String! }',
        {
            "Product": [
                {"id": "p1", "pid": "P-1", "b": "b1"},
                {"id": "p2", "pid": "P-2", "b": "b2"},
                {"id": "p3", "pid": "P-3", "b": "b3"},
            ]
        },
    )
    c = KitSubgraph(
        "c",
        'type Product @key(fields: "pid") { pid: ID! c: String! }',
        {"Product": [{"pid": "P-1", "c": "c1"}, {"pid": "P-2", "c": "c2"}]},
    )
    d = KitSubgraph(
        "d",
        'type Product @key(fields: "pid") { pid: ID! d: String! }',
        {"Product": [{"pid": "P-1", "d": "d1"}, {"pid": "P-2", "d": "d2"}]},
    )
    for subgraph in (c, d):
        subgraph.resolvers["Query._entities"] = _strict_entities(subgraph)
    return [a, b, c, d]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_each_member_product_gets_its_own_fields(gw: KitGateway) -> None:
    plan, body = await gw.run(
        """{ viewer { reviews {
          ... on AnonymousReview { __typename product { b } }
          ... on UserReview { __typename product { c d } }
        } } }"""
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        viewer {
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
      }
    },
    Parallel {
      Flatten(path: "viewer.reviews.@|[AnonymousReview].product") {
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
      Flatten(path: "viewer.reviews.@|[UserReview].product") {
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
      Flatten(path: "viewer.reviews.@|[UserReview].product") {
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
      Flatten(path: "viewer.reviews.@|[UserReview].product") {
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
            "viewer": {
                "reviews": [
                    {"__typename": "AnonymousReview", "product": {"b": "b3"}},
                    {"__typename": "UserReview", "product": {"c": "c2", "d": "d2"}},
                    {"__typename": "UserReview", "product": {"c": "c1", "d": "d1"}},
                ]
            }
        }
    }


async def test_fields_of_the_other_key_for_one_member_only(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ viewer { reviews { ... on UserReview { body product { id c } } } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        viewer {
          reviews {
            __typename
            ... on UserReview {
              body
              product {
                id
                __typename
              }
            }
          }
        }
      }
    },
    Flatten(path: "viewer.reviews.@|[UserReview].product") {
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
    Flatten(path: "viewer.reviews.@|[UserReview].product") {
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
            "viewer": {
                "reviews": [
                    {},
                    {"body": "good", "product": {"id": "p2", "c": "c2"}},
                    {"body": "fine", "product": {"id": "p1", "c": "c1"}},
                ]
            }
        }
    }
    # c is asked only about the user reviews' products.
    assert [r.variables for r in gw["c"].requests] == [
        {
            "representations": [
                {"__typename": "Product", "pid": "P-2"},
                {"__typename": "Product", "pid": "P-1"},
            ]
        }
    ]


async def test_both_members_need_b_only_one_needs_d(gw: KitGateway) -> None:
    plan, body = await gw.run(
        """{ viewer { reviews {
          ... on AnonymousReview { product { b } }
          ... on UserReview { product { b d } }
        } } }"""
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        viewer {
          reviews {
            __typename
            ... on AnonymousReview {
              product {
                __typename
                id
              }
            }
            ... on UserReview {
              product {
                __typename
                id
              }
            }
          }
        }
      }
    },
    Parallel {
      Flatten(path: "viewer.reviews.@|[AnonymousReview].product") {
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
      Flatten(path: "viewer.reviews.@|[UserReview].product") {
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
    Flatten(path: "viewer.reviews.@|[UserReview].product") {
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
            "viewer": {
                "reviews": [
                    {"product": {"b": "b3"}},
                    {"product": {"b": "b2", "d": "d2"}},
                    {"product": {"b": "b1", "d": "d1"}},
                ]
            }
        }
    }
    assert [r.variables for r in gw["d"].requests] == [
        {
            "representations": [
                {"__typename": "Product", "pid": "P-2"},
                {"__typename": "Product", "pid": "P-1"},
            ]
        }
    ]


async def test_one_member_needs_no_fetch_the_other_two_hops(gw: KitGateway) -> None:
    plan, body = await gw.run(
        """{ viewer { reviews {
          ... on AnonymousReview { body product { id } }
          ... on UserReview { product { d } }
        } } }"""
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        viewer {
          reviews {
            __typename
            ... on AnonymousReview {
              body
              product {
                id
              }
            }
            ... on UserReview {
              product {
                __typename
                id
              }
            }
          }
        }
      }
    },
    Flatten(path: "viewer.reviews.@|[UserReview].product") {
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
    Flatten(path: "viewer.reviews.@|[UserReview].product") {
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
            "viewer": {
                "reviews": [
                    {"body": "meh", "product": {"id": "p3"}},
                    {"product": {"d": "d2"}},
                    {"product": {"d": "d1"}},
                ]
            }
        }
    }
    assert [r.variables for r in gw["d"].requests] == [
        {
            "representations": [
                {"__typename": "Product", "pid": "P-2"},
                {"__typename": "Product", "pid": "P-1"},
            ]
        }
    ]
