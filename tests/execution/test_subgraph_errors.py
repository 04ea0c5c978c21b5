"""Errors keep their meaning: a null where the schema says non-null bubbles to the nearest
nullable parent with an error at the client's path; subgraph errors (also inside
`_entities`) are rewritten to client paths; partial data survives; messages are redacted
unless they carry a code or the engine is configured to include them.

The subgraphs here declare some fields nullable that the supergraph says are non-null:
that is how a subgraph comes to return null for a non-null field."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from inline_snapshot import snapshot

from gateway.engine_config import EngineConfig
from tests.planning.header import supergraph
from tests.planning.helpers import KitGateway, KitSubgraph, kit_gateway, subgraph_error

#: One event loop per module: the module-scoped kit servers and gateway live in it.
pytestmark = pytest.mark.asyncio(loop_scope="module")

SUPERGRAPH = supergraph(
    ["products", "reviews"],
    """
type Product
  @join__type(graph: PRODUCTS, key: "upc")
  @join__type(graph: REVIEWS, key: "upc")
{
  upc: String!
  name: String! @join__field(graph: PRODUCTS)
  reviews: [Review!] @join__field(graph: REVIEWS)
  rating: Float! @join__field(graph: REVIEWS)
}

type Query
  @join__type(graph: PRODUCTS)
  @join__type(graph: REVIEWS)
{
  products: [Product]! @join__field(graph: PRODUCTS)
  product(upc: String!): Product @join__field(graph: PRODUCTS)
}

type Review
  @join__type(graph: REVIEWS)
{
  body: String!
}
""",
    version="0.4",
)


def _reviews(source: dict[str, Any], _info: object) -> Any:
    if source["upc"] == "3":
        return subgraph_error("Reviews are unavailable", "REVIEWS_UNAVAILABLE")
    return source.get("reviews")


def _product(_s: object, _i: object, upc: str) -> Any:
    if upc == "missing":
        return subgraph_error("No such product", "NOT_FOUND")
    if upc == "boom":
        return RuntimeError("connection to db-7.internal:5432 refused")
    return PRODUCTS_ROWS.get(upc)


PRODUCTS_ROWS: dict[str, dict[str, Any]] = {
    "1": {"upc": "1", "name": "Table"},
    "2": {"upc": "2", "name": None},
    "3": {"upc": "3", "name": "Chair"},
}


def make_subgraphs() -> list[KitSubgraph]:
    products = KitSubgraph(
        "products",
        """
        type Query { products: [Product]! product(upc: String!): Product }
        type Product @key(fields: "upc") { upc: String! name: String }
        """,
        {"Product": list(PRODUCTS_ROWS.values())},
        {"Query.products": lambda _s, _i: products.rows("Product"), "Query.product": _product},
    )
    reviews = KitSubgraph(
        "reviews",
        """
        type Product @key(fields: "upc") { upc: String! reviews: [Review!] rating: Float }
        type Review { body: String }
        """,
        {
            "Product": [
                {"upc": "1", "reviews": [{"body": "Great"}, {"body": None}], "rating": 4.5},
                {"upc": "2", "reviews": [], "rating": None},
                {"upc": "3", "reviews": [], "rating": 3.0},
            ]
        },
        {"Product.reviews": _reviews},
    )
    return [products, reviews]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_null_for_non_null_in_a_root_fetch_bubbles_to_the_list_item(
    gw: KitGateway,
) -> None:
    plan, body = await gw.run("{ products { upc name } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "products") {
    {
      products {
        upc
        name
      }
    }
  },
}\
""")
    assert body == snapshot(
        {
            "data": {
                "products": [{"upc": "1", "name": "Table"}, None, {"upc": "3", "name": "Chair"}]
            },
            "errors": [
                {
                    "message": "Cannot return null for non-nullable field Product.name.",
                    "path": ["products", 1, "name"],
                    "extensions": {"code": "NON_NULL_FIELD_IS_NULL"},
                }
            ],
        }
    )


async def test_null_for_non_null_in_an_entity_fetch_bubbles_to_the_nullable_list(
    gw: KitGateway,
) -> None:
    _, body = await gw.run('{ product(upc: "1") { name reviews { body } } }')
    assert body == snapshot(
        {
            "data": {"product": {"name": "Table", "reviews": None}},
            "errors": [
                {
                    "message": "Cannot return null for non-nullable field Review.body.",
                    "path": ["product", "reviews", 1, "body"],
                    "extensions": {"code": "NON_NULL_FIELD_IS_NULL"},
                }
            ],
        }
    )


async def test_null_non_null_leaf_of_an_entity_nulls_the_entity(gw: KitGateway) -> None:
    _, body = await gw.run('{ product(upc: "2") { upc rating } }')
    assert body == snapshot(
        {
            "data": {"product": None},
            "errors": [
                {
                    "message": "Cannot return null for non-nullable field Product.rating.",
                    "path": ["product", "rating"],
                    "extensions": {"code": "NON_NULL_FIELD_IS_NULL"},
                }
            ],
        }
    )


async def test_subgraph_error_with_a_code_keeps_its_message_and_path(gw: KitGateway) -> None:
    _, body = await gw.run(
        '{ ok: product(upc: "1") { name } missing: product(upc: "missing") { name } }'
    )
    assert body == snapshot(
        {
            "data": {"ok": {"name": "Table"}, "missing": None},
            "errors": [
                {
                    "message": "No such product",
                    "path": ["missing"],
                    "extensions": {"code": "NOT_FOUND", "service": "products"},
                }
            ],
        }
    )


async def test_subgraph_error_inside_entities_gets_the_client_path(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products { upc reviews { body } } }")
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
                    {"upc": "1", "reviews": None},
                    {"upc": "2", "reviews": []},
                    {"upc": "3", "reviews": None},
                ]
            },
            "errors": [
                {
                    "message": "Reviews are unavailable",
                    "path": ["products", 2, "reviews"],
                    "extensions": {"code": "REVIEWS_UNAVAILABLE", "service": "reviews"},
                },
                {
                    "message": "Cannot return null for non-nullable field Review.body.",
                    "path": ["products", 0, "reviews", 1, "body"],
                    "extensions": {"code": "NON_NULL_FIELD_IS_NULL"},
                },
            ],
        }
    )


async def test_error_details_are_redacted_by_default(gw: KitGateway) -> None:
    _, body = await gw.run('{ product(upc: "boom") { name } }')
    assert body == snapshot(
        {
            "data": {"product": None},
            "errors": [
                {
                    "message": "Subgraph errors redacted",
                    "path": ["product"],
                    "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR", "service": "products"},
                }
            ],
        }
    )


async def test_error_details_included_when_configured() -> None:
    engine = EngineConfig(include_subgraph_errors=True)
    async with kit_gateway(SUPERGRAPH, *make_subgraphs(), engine=engine) as gw:
        _, body = await gw.run('{ product(upc: "boom") { name } }')
    assert body == snapshot(
        {
            "data": {"product": None},
            "errors": [
                {
                    "message": "connection to db-7.internal:5432 refused",
                    "path": ["product"],
                    "extensions": {"service": "products", "code": "DOWNSTREAM_SERVICE_ERROR"},
                }
            ],
        }
    )
