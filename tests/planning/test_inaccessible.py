# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""`@inaccessible` and `@tag`: types, fields, arguments and enum values exist for planning (a hidden
field may even be the key) but not in the client's schema: asking for them is a validation
error, and introspection does not show them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from inline_snapshot import snapshot

from tests.planning.header import INACCESSIBLE_LINK, TAG_LINK, supergraph
from tests.planning.helpers import KitGateway, KitSubgraph, kit_gateway

#: One event loop per module: the module-scoped kit servers and gateway live in it.
pytestmark = pytest.mark.asyncio(loop_scope="module")

SUPERGRAPH = supergraph(
    ["products", "reviews"],
    """
type Product
  @join__type(graph: PRODUCTS, key: "sku")
  @join__type(graph: REVIEWS, key: "sku")
{
  sku: String! @inaccessible
  name: String! @join__field(graph: PRODUCTS) @tag(name: "public")
  size: Size! @join__field(graph: PRODUCTS)
  internalCode: String! @join__field(graph: PRODUCTS) @inaccessible
  reviews: [Review!]! @join__field(graph: REVIEWS)
}

type Query
  @join__type(graph: PRODUCTS)
  @join__type(graph: REVIEWS)
{
  products(size: Size, includeHidden: Boolean @inaccessible): [Product!]! @join__field(graph: PRODUCTS)
  secret: Secret @join__field(graph: PRODUCTS) @inaccessible
}

type Review
  @join__type(graph: REVIEWS)
{
  body: String!
}

type Secret
  @join__type(graph: PRODUCTS)
  @inaccessible
{
  code: String!
}

enum Size
  @join__type(graph: PRODUCTS)
{
  S @join__enumValue(graph: PRODUCTS)
  M @join__enumValue(graph: PRODUCTS)
  XL @join__enumValue(graph: PRODUCTS) @inaccessible
}
""",
    extra_links=INACCESSIBLE_LINK + TAG_LINK,
)

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@inaccessible"])\n'
)


def make_subgraphs() -> list[KitSubgraph]:
    products = KitSubgraph(
        "products",
        FED
        + """
        type Query {
          products(size: Size, includeHidden: Boolean @inaccessible): [Product!]!
          secret: Secret @inaccessible
        }
        type Product @key(fields: "sku") {
          sku: String! @inaccessible
          name: String!
          size: Size!
          internalCode: String! @inaccessible
        }
        type Secret @inaccessible { code: String! }
        enum Size { S M XL @inaccessible }
        """,
        {
            "Product": [
                {"sku": "t-1", "name": "Tee", "size": "S", "internalCode": "X1"},
                {"sku": "h-2", "name": "Hoodie", "size": "M", "internalCode": "X2"},
            ]
        },
        {
            "Query.products": lambda _s, _i, size=None, includeHidden=False: [
                r for r in products.rows("Product") if size is None or r["size"] == size
            ]
        },
    )
    reviews = KitSubgraph(
        "reviews",
        FED
        + """
        type Product @key(fields: "sku") { sku: String! @inaccessible reviews: [Review!]! }
        type Review { body: String! }
        """,
        {"Product": [{"sku": "t-1", "reviews": [{"body": "Soft"}]}, {"sku": "h-2", "reviews": []}]},
    )
    return [products, reviews]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_inaccessible_key_field_is_still_the_key(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products { name reviews { body } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "products") {
      {
        products {
          name
          __typename
          sku
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "reviews") {
        {
          ... on Product {
            __typename
            sku
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
                    {"name": "Tee", "reviews": [{"body": "Soft"}]},
                    {"name": "Hoodie", "reviews": []},
                ]
            }
        }
    )
    assert gw["reviews"].requests[0].variables == snapshot(
        {
            "representations": [
                {"__typename": "Product", "sku": "t-1"},
                {"__typename": "Product", "sku": "h-2"},
            ]
        }
    )


@pytest.mark.parametrize(
    "query",
    [
        "{ products { sku } }",
        "{ products { internalCode } }",
        "{ secret { code } }",
        "{ products(includeHidden: true) { name } }",
        "{ products(size: XL) { name } }",
    ],
)
async def test_inaccessible_elements_are_not_in_the_api_schema(gw: KitGateway, query: str) -> None:
    _, body = await gw.run(query)
    assert [e["extensions"]["code"] for e in body["errors"]] == ["GRAPHQL_VALIDATION_FAILED"]
    assert "data" not in body
    assert gw.sent() == {}


async def test_introspection_hides_inaccessible_elements(gw: KitGateway) -> None:
    plan, body = await gw.run(
        """{
          product: __type(name: "Product") { fields { name } }
          secret: __type(name: "Secret") { name }
          size: __type(name: "Size") { enumValues { name } }
          query: __type(name: "Query") { fields { name args { name } } }
        }"""
    )
    assert plan == snapshot("""\
QueryPlan {
}\
""")
    assert body == snapshot(
        {
            "data": {
                "product": {"fields": [{"name": "name"}, {"name": "size"}, {"name": "reviews"}]},
                "secret": None,
                "size": {"enumValues": [{"name": "S"}, {"name": "M"}]},
                "query": {"fields": [{"name": "products", "args": [{"name": "size"}]}]},
            }
        }
    )
    assert gw.sent() == {}


async def test_enum_value_visible_to_clients(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products(size: M) { name size } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "products") {
    {
      products(size: M) {
        name
        size
      }
    }
  },
}\
""")
    assert body == snapshot({"data": {"products": [{"name": "Hoodie", "size": "M"}]}})


async def test_spec_directives_are_not_in_the_api_schema(gw: KitGateway) -> None:
    _, body = await gw.run("{ __schema { directives { name } } }")
    names = sorted(d["name"] for d in body["data"]["__schema"]["directives"])
    assert names == snapshot(
        ["defer", "deprecated", "include", "oneOf", "skip", "specifiedBy", "stream"]
    )


async def test_inaccessible_enum_value_from_a_subgraph_is_nulled() -> None:
    subgraphs = make_subgraphs()
    subgraphs[0].data["Product"].append(
        {"__typename": "Product", "sku": "g-3", "name": "Giant", "size": "XL", "internalCode": "X"}
    )
    async with kit_gateway(SUPERGRAPH, *subgraphs) as gw:
        _, body = await gw.run("{ products { name size } }")
        _, names_only = await gw.run("{ products { name } }")
    # size is Size!: the null bubbles through [Product!]! to data.
    assert body == snapshot(
        {
            "data": None,
            "errors": [
                {
                    "message": "Invalid value for Product.size: expected a value of its enum.",
                    "path": ["products", 2, "size"],
                    "extensions": {"code": "INVALID_SUBGRAPH_RESPONSE"},
                }
            ],
        }
    )
    assert names_only == snapshot(
        {"data": {"products": [{"name": "Tee"}, {"name": "Hoodie"}, {"name": "Giant"}]}}
    )
