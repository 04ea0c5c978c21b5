# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""A requirement satisfied by `@provides`: inventory's label requires name, which reviews
provides on Review.product, so products is never asked."""

from __future__ import annotations

import pytest
from inline_snapshot import snapshot

from tests.planning.header import supergraph
from tests.planning.helpers import KitSubgraph, kit_gateway

pytestmark = pytest.mark.asyncio(loop_scope="module")

SUPERGRAPH = supergraph(
    ["inventory", "products", "reviews"],
    """
type Product @join__type(graph: INVENTORY, key: "upc") @join__type(graph: PRODUCTS, key: "upc") @join__type(graph: REVIEWS, key: "upc") {
  upc: String!
  name: String! @join__field(graph: INVENTORY, external: true) @join__field(graph: PRODUCTS) @join__field(graph: REVIEWS, external: true)
  label: String! @join__field(graph: INVENTORY, requires: "name")
}
type Review @join__type(graph: REVIEWS) { body: String! product: Product! @join__field(graph: REVIEWS, provides: "name") }
type Query @join__type(graph: INVENTORY) @join__type(graph: PRODUCTS) @join__type(graph: REVIEWS) { reviews: [Review!]! @join__field(graph: REVIEWS) }
""",
)


def make_subgraphs() -> list[KitSubgraph]:
    p = KitSubgraph(
        "products",
        'type Product @key(fields: "upc") { upc: String! name: String! }',
        {"Product": [{"upc": "1", "name": "Table"}]},
    )
    r = KitSubgraph(
        "reviews",
        'type Query { reviews: [Review!]! } type Review { body: String! product: Product! @provides(fields: "name") } type Product @key(fields: "upc") { upc: String! name: String! @external }',
        {"Review": [{"body": "ok", "product": {"upc": "1", "name": "Table"}}]},
        {"Query.reviews": lambda _s, _i: r.rows("Review")},
    )
    inv = KitSubgraph(
        "inventory",
        'type Product @key(fields: "upc") { upc: String! name: String! @external label: String! @requires(fields: "name") }',
        {},
        {"Product.label": lambda s, _i: "L:" + s["name"]},
    )
    return [inv, p, r]


async def test_required_field_taken_from_what_is_provided() -> None:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gw:
        plan, body = await gw.run("{ reviews { product { label } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "reviews") {
      {
        reviews {
          product {
            __typename
            upc
            name
          }
        }
      }
    },
    Flatten(path: "reviews.@.product") {
      Fetch(service: "inventory") {
        {
          ... on Product {
            __typename
            upc
            name
          }
        } =>
        {
          ... on Product {
            label
          }
        }
      },
    },
  },
}\
""")
    assert body == snapshot({"data": {"reviews": [{"product": {"label": "L:Table"}}]}})
    assert sorted(gw.sent()) == snapshot(["inventory", "reviews"])
    assert gw["inventory"].requests[0].variables == snapshot(
        {"representations": [{"__typename": "Product", "upc": "1", "name": "Table"}]}
    )
