"""A key-less value type (Category) shared by two subgraphs, each with fields of its own:
a field only the other subgraph has (`details`, in products) is reached through the
nearest parent entity's key (Product), also several value-type levels deep
(`category.parent.details`), in lists (`variants`, merged item by item), and where the
value is null.
"""

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
    ["products", "reviews"],
    """
type Category
  @join__type(graph: PRODUCTS)
  @join__type(graph: REVIEWS)
{
  slug: String!
  label: String!
  parent: Category
  details: Details @join__field(graph: PRODUCTS)
  reviewCount: Int! @join__field(graph: REVIEWS)
}

type Details @join__type(graph: PRODUCTS) {
  summary: String!
  weight: Int
}

type Product
  @join__type(graph: PRODUCTS, key: "upc")
  @join__type(graph: REVIEWS, key: "upc")
{
  upc: String!
  name: String! @join__field(graph: PRODUCTS)
  category: Category
  variants: [Variant!]!
  reviews: [Review!]! @join__field(graph: REVIEWS)
}

type Variant
  @join__type(graph: PRODUCTS)
  @join__type(graph: REVIEWS)
{
  sku: String!
  color: String @join__field(graph: PRODUCTS)
  rating: Int @join__field(graph: REVIEWS)
}

type Query
  @join__type(graph: PRODUCTS)
  @join__type(graph: REVIEWS)
{
  products: [Product!]! @join__field(graph: PRODUCTS)
  reviews: [Review!]! @join__field(graph: REVIEWS)
}

type Review
  @join__type(graph: REVIEWS, key: "id")
{
  id: ID!
  body: String!
  product: Product
}
""",
)

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@shareable"])\n'
)

Row = dict[str, Any]

HOME: Row = {"slug": "home", "label": "Home", "parent": None}
CHAIRS: Row = {"slug": "chairs", "label": "Chairs", "parent": HOME}
LAMPS: Row = {"slug": "lamps", "label": "Lamps", "parent": HOME}

#: Rows per subgraph: products knows details, reviews knows the review counts.
PRODUCTS: list[Row] = [
    {"upc": "1", "name": "Windsor chair", "category": CHAIRS},
    {"upc": "2", "name": "Desk lamp", "category": LAMPS},
    {"upc": "3", "name": "Gift card", "category": None},
]
DETAILS = {
    "home": {"summary": "Everything for the home", "weight": None},
    "chairs": {"summary": "Seats", "weight": 7},
    "lamps": {"summary": "Light", "weight": 2},
}
COUNTS = {"home": 3, "chairs": 2, "lamps": 1}
#: Variants (sku, color in products, rating in reviews), the same order in both subgraphs.
VARIANTS: dict[str, list[tuple[str, str | None, int | None]]] = {
    "1": [("1-oak", "oak", 4), ("1-ash", None, 5)],
    "2": [("2-red", "red", None)],
    "3": [],
}


def _with(category: Row | None, extra: dict[str, Any], key: str) -> Row | None:
    if category is None:
        return None
    return {
        **category,
        key: extra[category["slug"]],
        "parent": _with(category["parent"], extra, key),
    }


def make_subgraphs() -> list[KitSubgraph]:
    products = KitSubgraph(
        "products",
        FED
        + """
        type Query { products: [Product!]! }
        type Product @key(fields: "upc") {
          upc: String! name: String! category: Category @shareable variants: [Variant!]! @shareable
        }
        type Variant @shareable { sku: String! color: String }
        type Category @shareable { slug: String! label: String! parent: Category details: Details }
        type Details { summary: String! weight: Int }
        """,
        {
            "Product": [
                {
                    **p,
                    "category": _with(p["category"], DETAILS, "details"),
                    "variants": [{"sku": s, "color": c} for s, c, _ in VARIANTS[p["upc"]]],
                }
                for p in PRODUCTS
            ]
        },
        {"Query.products": lambda _s, _i: products.rows("Product")},
    )
    reviews = KitSubgraph(
        "reviews",
        FED
        + """
        type Query { reviews: [Review!]! }
        type Review @key(fields: "id") { id: ID! body: String! product: Product }
        type Product @key(fields: "upc") {
          upc: String! category: Category @shareable variants: [Variant!]! @shareable
          reviews: [Review!]!
        }
        type Variant @shareable { sku: String! rating: Int }
        type Category @shareable { slug: String! label: String! parent: Category reviewCount: Int! }
        """,
        {
            "Review": [
                {"id": "r1", "body": "Sturdy", "product": {"upc": "1"}},
                {"id": "r2", "body": "Too dim", "product": {"upc": "2"}},
                {"id": "r3", "body": "Nice gift", "product": {"upc": "3"}},
                {"id": "r4", "body": "Lost", "product": None},
            ],
            "Product": [
                {
                    "upc": p["upc"],
                    "category": _with(p["category"], COUNTS, "reviewCount"),
                    "variants": [{"sku": s, "rating": r} for s, _, r in VARIANTS[p["upc"]]],
                    "reviews": [{"id": f"r{p['upc']}"}],
                }
                for p in PRODUCTS
            ],
        },
        {"Query.reviews": lambda _s, _i: reviews.rows("Review")},
    )
    return [products, reviews]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_value_type_field_of_the_other_subgraph_through_the_product_key(
    gw: KitGateway,
) -> None:
    plan, body = await gw.run(
        "{ reviews { body product { category { label details { summary } } } } }"
    )
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
            category {
              label
              details {
                summary
              }
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
            "reviews": [
                {
                    "body": "Sturdy",
                    "product": {"category": {"label": "Chairs", "details": {"summary": "Seats"}}},
                },
                {
                    "body": "Too dim",
                    "product": {"category": {"label": "Lamps", "details": {"summary": "Light"}}},
                },
                {"body": "Nice gift", "product": {"category": None}},
                {"body": "Lost", "product": None},
            ]
        }
    }


async def test_value_type_field_two_levels_below_the_entity(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ reviews { product { category { parent { label details { summary weight } } } } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "reviews") {
      {
        reviews {
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
            category {
              parent {
                label
                details {
                  summary
                  weight
                }
              }
            }
          }
        }
      },
    },
  },
}\
""")
    home = {
        "parent": {
            "label": "Home",
            "details": {"summary": "Everything for the home", "weight": None},
        }
    }
    assert body == {
        "data": {
            "reviews": [
                {"product": {"category": home}},
                {"product": {"category": home}},
                {"product": {"category": None}},
                {"product": None},
            ]
        }
    }


async def test_fields_of_both_subgraphs_on_one_value(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ products { name category { slug reviewCount details { weight } } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "products") {
      {
        products {
          name
          category {
            slug
            details {
              weight
            }
          }
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
            category {
              reviewCount
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
                    "name": "Windsor chair",
                    "category": {"slug": "chairs", "reviewCount": 2, "details": {"weight": 7}},
                },
                {
                    "name": "Desk lamp",
                    "category": {"slug": "lamps", "reviewCount": 1, "details": {"weight": 2}},
                },
                {"name": "Gift card", "category": None},
            ]
        }
    }
    # One products fetch, one reviews _entities fetch: the value is completed through Product.
    assert {name: len(r) for name, r in gw.sent().items()} == {"products": 1, "reviews": 1}


async def test_shared_value_fields_need_no_hop(gw: KitGateway) -> None:
    plan, body = await gw.run("{ reviews { product { category { slug parent { label } } } } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "reviews") {
    {
      reviews {
        product {
          category {
            slug
            parent {
              label
            }
          }
        }
      }
    }
  },
}\
""")
    chairs = {"slug": "chairs", "parent": {"label": "Home"}}
    lamps = {"slug": "lamps", "parent": {"label": "Home"}}
    assert body == {
        "data": {
            "reviews": [
                {"product": {"category": chairs}},
                {"product": {"category": lamps}},
                {"product": {"category": None}},
                {"product": None},
            ]
        }
    }
    assert list(gw.sent()) == ["reviews"]


async def test_value_type_fields_of_each_subgraph_at_two_levels(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ products { upc category { reviewCount parent { reviewCount details { summary } } } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "products") {
      {
        products {
          upc
          category {
            parent {
              details {
                summary
              }
            }
          }
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
            category {
              reviewCount
              parent {
                reviewCount
              }
            }
          }
        }
      },
    },
  },
}\
""")
    home = {"reviewCount": 3, "details": {"summary": "Everything for the home"}}
    assert body == {
        "data": {
            "products": [
                {"upc": "1", "category": {"reviewCount": 2, "parent": home}},
                {"upc": "2", "category": {"reviewCount": 1, "parent": home}},
                {"upc": "3", "category": None},
            ]
        }
    }


async def test_value_below_an_entity_below_an_entity(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ products { reviews { body product { name category { details { summary } } } } } }"
    )
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
              body
              product {
                __typename
                upc
              }
            }
          }
        }
      },
    },
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
            category {
              details {
                summary
              }
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
                    "reviews": [
                        {
                            "body": "Sturdy",
                            "product": {
                                "name": "Windsor chair",
                                "category": {"details": {"summary": "Seats"}},
                            },
                        }
                    ]
                },
                {
                    "reviews": [
                        {
                            "body": "Too dim",
                            "product": {
                                "name": "Desk lamp",
                                "category": {"details": {"summary": "Light"}},
                            },
                        }
                    ]
                },
                {
                    "reviews": [
                        {"body": "Nice gift", "product": {"name": "Gift card", "category": None}}
                    ]
                },
            ]
        }
    }


async def test_fragment_on_the_value_type_mixing_both_subgraphs(gw: KitGateway) -> None:
    plan, body = await gw.run(
        """
        { reviews { product { category { ...C } } } }
        fragment C on Category { label details { summary } reviewCount }
        """
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "reviews") {
      {
        reviews {
          product {
            category {
              label
              reviewCount
            }
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
            category {
              details {
                summary
              }
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
            "reviews": [
                {
                    "product": {
                        "category": {
                            "label": "Chairs",
                            "details": {"summary": "Seats"},
                            "reviewCount": 2,
                        }
                    }
                },
                {
                    "product": {
                        "category": {
                            "label": "Lamps",
                            "details": {"summary": "Light"},
                            "reviewCount": 1,
                        }
                    }
                },
                {"product": {"category": None}},
                {"product": None},
            ]
        }
    }


async def test_list_of_values_completed_item_by_item_through_the_key(gw: KitGateway) -> None:
    plan, body = await gw.run("{ reviews { product { variants { sku rating color } } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "reviews") {
      {
        reviews {
          product {
            variants {
              sku
              rating
            }
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
            variants {
              color
            }
          }
        }
      },
    },
  },
}\
""")
    oak = {"sku": "1-oak", "rating": 4, "color": "oak"}
    ash = {"sku": "1-ash", "rating": 5, "color": None}
    red = {"sku": "2-red", "rating": None, "color": "red"}
    assert body == {
        "data": {
            "reviews": [
                {"product": {"variants": [oak, ash]}},
                {"product": {"variants": [red]}},
                {"product": {"variants": []}},
                {"product": None},
            ]
        }
    }


async def test_list_of_values_from_the_root_subgraph_and_the_other(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products { upc variants { color rating } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "products") {
      {
        products {
          upc
          variants {
            color
          }
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
            variants {
              rating
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
                    "upc": "1",
                    "variants": [{"color": "oak", "rating": 4}, {"color": None, "rating": 5}],
                },
                {"upc": "2", "variants": [{"color": "red", "rating": None}]},
                {"upc": "3", "variants": []},
            ]
        }
    }
