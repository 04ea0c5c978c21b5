# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""A requirement through a nested entity: summaries' Review.summary requires
`body product { name }`, where product's name lives in products: reviews, then products,
then summaries with exactly the required selection in each representation."""

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
    ["products", "reviews", "summaries"],
    """
type Product @join__type(graph: PRODUCTS, key: "upc") @join__type(graph: REVIEWS, key: "upc") @join__type(graph: SUMMARIES, key: "upc") {
  upc: String!
  name: String! @join__field(graph: PRODUCTS) @join__field(graph: SUMMARIES, external: true)
}
type Review @join__type(graph: REVIEWS, key: "id") @join__type(graph: SUMMARIES, key: "id") {
  id: ID!
  body: String! @join__field(graph: REVIEWS)
  product: Product! @join__field(graph: REVIEWS) @join__field(graph: SUMMARIES, external: true)
  summary: String! @join__field(graph: SUMMARIES, requires: "body product { name }")
}
type Query @join__type(graph: PRODUCTS) @join__type(graph: REVIEWS) @join__type(graph: SUMMARIES) {
  reviews: [Review!]! @join__field(graph: REVIEWS)
}
""",
).replace(
    "body: String! @join__field(graph: REVIEWS)",
    "body: String! @join__field(graph: REVIEWS) @join__field(graph: SUMMARIES, external: true)",
)


def make_subgraphs() -> list[KitSubgraph]:
    p = KitSubgraph(
        "products",
        'type Product @key(fields: "upc") { upc: String! name: String! }',
        {"Product": [{"upc": "1", "name": "Table"}, {"upc": "2", "name": "Couch"}]},
    )
    r = KitSubgraph(
        "reviews",
        'type Query { reviews: [Review!]! } type Review @key(fields: "id") { id: ID! body: String! product: Product! } type Product @key(fields: "upc") { upc: String! }',
        {
            "Review": [
                {"id": "r1", "body": "Nice", "product": {"upc": "1"}},
                {"id": "r2", "body": "Meh", "product": {"upc": "2"}},
            ]
        },
        {"Query.reviews": lambda _s, _i: r.rows("Review")},
    )
    summaries = KitSubgraph(
        "summaries",
        """type Review @key(fields: "id") { id: ID! body: String! @external product: Product! @external summary: String! @requires(fields: "body product { name }") }
       type Product @key(fields: "upc") { upc: String! name: String! @external }""",
        {},
        {"Review.summary": lambda s, _i: f"{s['product']['name']}: {s['body']}"},
    )
    return [p, r, summaries]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_requirement_through_a_nested_entity(gw: KitGateway) -> None:
    plan, body = await gw.run("{ reviews { summary } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "reviews") {
      {
        reviews {
          __typename
          id
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
            name
          }
        }
      },
    },
    Flatten(path: "reviews.@") {
      Fetch(service: "summaries") {
        {
          ... on Review {
            __typename
            id
            body
            product {
              name
            }
          }
        } =>
        {
          ... on Review {
            summary
          }
        }
      },
    },
  },
}\
""")
    assert body == snapshot(
        {"data": {"reviews": [{"summary": "Table: Nice"}, {"summary": "Couch: Meh"}]}}
    )
    assert gw["summaries"].requests[0].variables == snapshot(
        {
            "representations": [
                {"__typename": "Review", "id": "r1", "body": "Nice", "product": {"name": "Table"}},
                {"__typename": "Review", "id": "r2", "body": "Meh", "product": {"name": "Couch"}},
            ]
        }
    )


async def test_nested_requirement_next_to_the_same_client_fields(gw: KitGateway) -> None:
    plan, body = await gw.run("{ reviews { body product { name } summary } }")
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
          __typename
          id
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
            name
          }
        }
      },
    },
    Flatten(path: "reviews.@") {
      Fetch(service: "summaries") {
        {
          ... on Review {
            __typename
            id
            body
            product {
              name
            }
          }
        } =>
        {
          ... on Review {
            summary
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
                    {"body": "Nice", "product": {"name": "Table"}, "summary": "Table: Nice"},
                    {"body": "Meh", "product": {"name": "Couch"}, "summary": "Couch: Meh"},
                ]
            }
        }
    )
    assert gw["summaries"].requests[0].variables == snapshot(
        {
            "representations": [
                {"__typename": "Review", "id": "r1", "body": "Nice", "product": {"name": "Table"}},
                {"__typename": "Review", "id": "r2", "body": "Meh", "product": {"name": "Couch"}},
            ]
        }
    )
