# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""Operation features: aliases (the same field with different arguments), variables (each
fetch gets only those it uses), named and inline fragments, `@skip`/`@include` with
literals and variables, nested lists, `__typename`."""

from __future__ import annotations

import json
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
type Product
  @join__type(graph: PRODUCTS, key: "upc")
  @join__type(graph: REVIEWS, key: "upc")
{
  upc: String!
  name: String! @join__field(graph: PRODUCTS)
  price(currency: String = "USD"): Float! @join__field(graph: PRODUCTS)
  tags: [[String!]!]! @join__field(graph: PRODUCTS)
  reviews(minStars: Int): [Review!]! @join__field(graph: REVIEWS)
}

type Query
  @join__type(graph: PRODUCTS)
  @join__type(graph: REVIEWS)
{
  product(upc: String!): Product @join__field(graph: PRODUCTS)
  products: [Product!]! @join__field(graph: PRODUCTS)
  grid: [[Product!]!]! @join__field(graph: PRODUCTS)
}

type Review
  @join__type(graph: REVIEWS)
{
  body: String!
  stars: Int!
}
""",
)

PRODUCT_ROWS = [
    {"upc": "1", "name": "Table", "usd": 100.0, "tags": [["wood", "oak"], ["home"]]},
    {"upc": "2", "name": "Couch", "usd": 300.0, "tags": []},
]
REVIEW_ROWS: dict[str, list[dict[str, Any]]] = {
    "1": [{"body": "Great", "stars": 5}, {"body": "Wobbly", "stars": 2}],
    "2": [{"body": "Comfy", "stars": 4}],
}


def _reviews(source: dict[str, Any], _info: object, minStars: int | None = None) -> Any:
    return [r for r in REVIEW_ROWS[source["upc"]] if minStars is None or r["stars"] >= minStars]


def make_subgraphs() -> list[KitSubgraph]:
    products = KitSubgraph(
        "products",
        """
        type Query { product(upc: String!): Product products: [Product!]! grid: [[Product!]!]! }
        type Product @key(fields: "upc") {
          upc: String! name: String! price(currency: String = "USD"): Float!
          tags: [[String!]!]!
        }
        """,
        {"Product": PRODUCT_ROWS},
        {
            "Query.product": lambda _s, _i, upc: products.find("Product", {"upc": upc}),
            "Query.products": lambda _s, _i: products.rows("Product"),
            "Query.grid": lambda _s, _i: [products.rows("Product"), products.rows("Product")[:1]],
            "Product.price": lambda s, _i, currency: s["usd"] * (0.5 if currency == "EUR" else 1),
        },
    )
    reviews = KitSubgraph(
        "reviews",
        """
        type Product @key(fields: "upc") { upc: String! reviews(minStars: Int): [Review!]! }
        type Review { body: String! stars: Int! }
        """,
        {"Product": [{"upc": "1"}, {"upc": "2"}]},
        {"Product.reviews": _reviews},
    )
    return [products, reviews]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_aliases_same_root_field_different_arguments(gw: KitGateway) -> None:
    plan, body = await gw.run(
        '{ a: product(upc: "1") { name } b: product(upc: "2") { title: name } }'
    )
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "products") {
    {
      a: product(upc: "1") {
        name
      }
      b: product(upc: "2") {
        title: name
      }
    }
  },
}\
""")
    assert body == snapshot({"data": {"a": {"name": "Table"}, "b": {"title": "Couch"}}})


async def test_aliased_roots_each_with_an_entity_jump(gw: KitGateway) -> None:
    plan, body = await gw.run(
        '{ a: product(upc: "1") { reviews { body } } b: product(upc: "2") { reviews { body } } }'
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "products") {
      {
        a: product(upc: "1") {
          __typename
          upc
        }
        b: product(upc: "2") {
          __typename
          upc
        }
      }
    },
    Flatten(paths: ["a", "b"]) {
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
                "a": {"reviews": [{"body": "Great"}, {"body": "Wobbly"}]},
                "b": {"reviews": [{"body": "Comfy"}]},
            }
        }
    )


async def test_aliases_same_field_different_arguments_in_an_entity_fetch(
    gw: KitGateway,
) -> None:
    plan, body = await gw.run(
        '{ product(upc: "1") { good: reviews(minStars: 4) { body } all: reviews { stars } } }'
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "products") {
      {
        product(upc: "1") {
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
            good: reviews(minStars: 4) {
              body
            }
            all: reviews {
              stars
            }
          }
        }
      },
    },
  },
}\
""")
    assert body == snapshot(
        {"data": {"product": {"good": [{"body": "Great"}], "all": [{"stars": 5}, {"stars": 2}]}}}
    )


async def test_aliases_same_leaf_field_different_arguments(gw: KitGateway) -> None:
    plan, body = await gw.run(
        '{ products { usd: price eur: price(currency: "EUR") price(currency: "USD") } }'
    )
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "products") {
    {
      products {
        usd: price
        eur: price(currency: "EUR")
        price(currency: "USD")
      }
    }
  },
}\
""")
    assert body == snapshot(
        {
            "data": {
                "products": [
                    {"usd": 100.0, "eur": 50.0, "price": 100.0},
                    {"usd": 300.0, "eur": 150.0, "price": 300.0},
                ]
            }
        }
    )


async def test_client_alias_named_like_the_key_field(gw: KitGateway) -> None:
    # The client's "upc" is the name; the key the planner needs must stay the real upc.
    plan, body = await gw.run("{ products { upc: name code: upc reviews { body } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "products") {
      {
        products {
          upc: name
          code: upc
          __typename
          _gw_upc: upc
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
                    {
                        "upc": "Table",
                        "code": "1",
                        "reviews": [{"body": "Great"}, {"body": "Wobbly"}],
                    },
                    {"upc": "Couch", "code": "2", "reviews": [{"body": "Comfy"}]},
                ]
            }
        }
    )
    assert gw["reviews"].requests[0].variables == snapshot(
        {
            "representations": [
                {"__typename": "Product", "upc": "1"},
                {"__typename": "Product", "upc": "2"},
            ]
        }
    )


async def test_each_fetch_gets_only_the_variables_it_uses(gw: KitGateway) -> None:
    plan, body = await gw.run(
        """query Q($upc: String!, $min: Int, $cur: String) {
          product(upc: $upc) { price(currency: $cur) reviews(minStars: $min) { body } }
        }""",
        {"upc": "1", "min": 3, "cur": "EUR"},
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "products") {
      {
        product(upc: $upc) {
          price(currency: $cur)
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
            reviews(minStars: $min) {
              body
            }
          }
        }
      },
    },
  },
}\
""")
    assert body == snapshot({"data": {"product": {"price": 50.0, "reviews": [{"body": "Great"}]}}})
    assert {n: [(r.query, r.variables) for r in rs] for n, rs in gw.sent().items()} == snapshot(
        {
            "products": [
                (
                    "query Q__products__0($cur: String, $upc: String!){product(upc: $upc) {price(currency: $cur) __typename upc}}",
                    {"cur": "EUR", "upc": "1"},
                )
            ],
            "reviews": [
                (
                    "query Q__reviews__1($representations: [_Any!]!, $min: Int){_entities(representations: $representations){...on Product {reviews(minStars: $min) {body}}}}",
                    {"min": 3, "representations": [{"__typename": "Product", "upc": "1"}]},
                )
            ],
        }
    )


async def test_named_and_inline_fragments(gw: KitGateway) -> None:
    plan, body = await gw.run(
        """query {
          products { ...P }
        }
        fragment P on Product { name ... on Product { reviews { ...R } } ... { upc } }
        fragment R on Review { body }"""
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
                    {
                        "name": "Table",
                        "reviews": [{"body": "Great"}, {"body": "Wobbly"}],
                        "upc": "1",
                    },
                    {"name": "Couch", "reviews": [{"body": "Comfy"}], "upc": "2"},
                ]
            }
        }
    )


async def test_skip_and_include_with_literals(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ products { name @skip(if: true) upc @include(if: false)"
        " reviews @include(if: true) { body } } }"
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
                    {"reviews": [{"body": "Great"}, {"body": "Wobbly"}]},
                    {"reviews": [{"body": "Comfy"}]},
                ]
            }
        }
    )


async def test_include_with_a_variable_true(gw: KitGateway) -> None:
    query = "query($r: Boolean!) { products { name reviews @include(if: $r) { stars } } }"
    plan, body = await gw.run(query, {"r": True})
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
              stars
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
                    {"name": "Table", "reviews": [{"stars": 5}, {"stars": 2}]},
                    {"name": "Couch", "reviews": [{"stars": 4}]},
                ]
            }
        }
    )


async def test_include_with_a_variable_false_skips_the_fetch(gw: KitGateway) -> None:
    query = "query($r: Boolean!) { products { name reviews @include(if: $r) { stars } } }"
    plan, body = await gw.run(query, {"r": False})
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "products") {
    {
      products {
        name
      }
    }
  },
}\
""")
    assert body == snapshot({"data": {"products": [{"name": "Table"}, {"name": "Couch"}]}})
    assert sorted(gw.sent()) == snapshot(["products"])


async def test_skip_on_a_fragment_with_a_variable(gw: KitGateway) -> None:
    query = """query($s: Boolean!) {
      products { name ... @skip(if: $s) { reviews { body } } ...Price @skip(if: $s) }
    }
    fragment Price on Product { price }"""
    plan, body = await gw.run(query, {"s": True})
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "products") {
    {
      products {
        name
      }
    }
  },
}\
""")
    assert body == snapshot({"data": {"products": [{"name": "Table"}, {"name": "Couch"}]}})


async def test_nested_list_of_leaves(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products { tags } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "products") {
    {
      products {
        tags
      }
    }
  },
}\
""")
    assert body == snapshot(
        {"data": {"products": [{"tags": [["wood", "oak"], ["home"]]}, {"tags": []}]}}
    )


async def test_entity_fetch_through_nested_lists(gw: KitGateway) -> None:
    plan, body = await gw.run("{ grid { name reviews(minStars: 5) { body } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "products") {
      {
        grid {
          name
          __typename
          upc
        }
      }
    },
    Flatten(path: "grid.@.@") {
      Fetch(service: "reviews") {
        {
          ... on Product {
            __typename
            upc
          }
        } =>
        {
          ... on Product {
            reviews(minStars: 5) {
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
                "grid": [
                    [
                        {"name": "Table", "reviews": [{"body": "Great"}]},
                        {"name": "Couch", "reviews": []},
                    ],
                    [{"name": "Table", "reviews": [{"body": "Great"}]}],
                ]
            }
        }
    )
    # Product 1 appears twice in the grid: one representation.
    assert gw["reviews"].requests[0].variables == snapshot(
        {
            "representations": [
                {"__typename": "Product", "upc": "1"},
                {"__typename": "Product", "upc": "2"},
            ]
        }
    )


async def test_typename_at_the_root_and_inside(gw: KitGateway) -> None:
    plan, body = await gw.run("{ __typename products { __typename name } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "products") {
    {
      products {
        __typename
        name
      }
    }
  },
}\
""")
    assert body == snapshot(
        {
            "data": {
                "__typename": "Query",
                "products": [
                    {"__typename": "Product", "name": "Table"},
                    {"__typename": "Product", "name": "Couch"},
                ],
            }
        }
    )


async def test_only_typename_at_the_root_needs_no_subgraph(gw: KitGateway) -> None:
    plan, body = await gw.run("{ __typename t: __typename }")
    assert plan == snapshot("""\
QueryPlan {
}\
""")
    assert body == snapshot({"data": {"__typename": "Query", "t": "Query"}})
    assert gw.sent() == {}


async def test_include_variable_with_a_default_value(gw: KitGateway) -> None:
    query = "query($r: Boolean = true) { products { name reviews @include(if: $r) { stars } } }"
    plan, body = await gw.run(query)
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
              stars
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
                    {"name": "Table", "reviews": [{"stars": 5}, {"stars": 2}]},
                    {"name": "Couch", "reviews": [{"stars": 4}]},
                ]
            }
        }
    )


async def test_variable_used_only_in_a_skipped_field_is_not_sent(gw: KitGateway) -> None:
    query = """query($m: Int, $r: Boolean!) {
      products { name reviews(minStars: $m) @include(if: $r) { stars } }
    }"""
    plan, body = await gw.run(query, {"m": 3, "r": False})
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "products") {
    {
      products {
        name
      }
    }
  },
}\
""")
    assert body == snapshot({"data": {"products": [{"name": "Table"}, {"name": "Couch"}]}})
    assert [(r.query, r.variables) for r in gw["products"].requests] == snapshot(
        [("query{products {name}}", {})]
    )


async def test_one_variable_in_two_entity_fetches(gw: KitGateway) -> None:
    plan, body = await gw.run(
        """query($m: Int) {
          a: products { reviews(minStars: $m) { body } }
          b: product(upc: "1") { t: __typename reviews(minStars: $m) { __typename stars } }
        }""",
        {"m": 5},
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "products") {
      {
        a: products {
          __typename
          upc
        }
        b: product(upc: "1") {
          t: __typename
          __typename
          upc
        }
      }
    },
    Parallel {
      Flatten(path: "a.@") {
        Fetch(service: "reviews") {
          {
            ... on Product {
              __typename
              upc
            }
          } =>
          {
            ... on Product {
              reviews(minStars: $m) {
                body
              }
            }
          }
        },
      },
      Flatten(path: "b") {
        Fetch(service: "reviews") {
          {
            ... on Product {
              __typename
              upc
            }
          } =>
          {
            ... on Product {
              reviews(minStars: $m) {
                __typename
                stars
              }
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
                "a": [{"reviews": [{"body": "Great"}]}, {"reviews": []}],
                "b": {"t": "Product", "reviews": [{"__typename": "Review", "stars": 5}]},
            }
        }
    )
    assert sorted((r.query, r.variables["m"]) for r in gw["reviews"].requests) == snapshot(
        [
            (
                "query($representations: [_Any!]!, $m: Int){_entities(representations: $representations){...on Product {reviews(minStars: $m) {__typename stars}}}}",
                5,
            ),
            (
                "query($representations: [_Any!]!, $m: Int){_entities(representations: $representations){...on Product {reviews(minStars: $m) {body}}}}",
                5,
            ),
        ]
    )


async def test_response_keeps_the_client_field_order(gw: KitGateway) -> None:
    # The entity fetch's fields arrive after the root fetch's, the key is fetched too:
    # the client still gets exactly its fields, in its order (compared as JSON text).
    _, body = await gw.run("{ products { reviews { stars body } n: name upc tags } }")
    assert json.dumps(body) == snapshot(
        '{"data": {"products": [{"reviews": [{"stars": 5, "body": "Great"}, {"stars": 2, "body": "Wobbly"}], "n": "Table", "upc": "1", "tags": [["wood", "oak"], ["home"]]}, {"reviews": [{"stars": 4, "body": "Comfy"}], "n": "Couch", "upc": "2", "tags": []}]}}'
    )


async def test_introspection_and_typename_with_conditions(gw: KitGateway) -> None:
    plan, body = await gw.run(
        """query($s: Boolean!, $n: String!) {
          __type(name: $n) @include(if: $s) { name }
          x: __typename @skip(if: $s)
          s: __schema @skip(if: $s) { queryType { name } }
        }""",
        {"s": False, "n": "Review"},
    )
    assert plan == snapshot("""\
QueryPlan {
}\
""")
    assert body == snapshot({"data": {"x": "Query", "s": {"queryType": {"name": "Query"}}}})
    assert gw.sent() == {}


async def test_client_alias_like_the_planner_internal_alias(gw: KitGateway) -> None:
    # A client alias may look like an internal one: the key must still be the real upc.
    plan, body = await gw.run("{ products { _gw_upc: name upc: name reviews { body } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "products") {
      {
        products {
          _gw_upc: name
          upc: name
          __typename
          _gw2_upc: upc
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
                    {
                        "_gw_upc": "Table",
                        "upc": "Table",
                        "reviews": [{"body": "Great"}, {"body": "Wobbly"}],
                    },
                    {"_gw_upc": "Couch", "upc": "Couch", "reviews": [{"body": "Comfy"}]},
                ]
            }
        }
    )
    assert gw["reviews"].requests[0].variables == snapshot(
        {
            "representations": [
                {"__typename": "Product", "upc": "1"},
                {"__typename": "Product", "upc": "2"},
            ]
        }
    )


async def test_variables_used_inside_nested_fragments(gw: KitGateway) -> None:
    plan, body = await gw.run(
        """query($u: String!, $m: Int) { ...F }
        fragment F on Query { product(upc: $u) { name ...R } }
        fragment R on Product { reviews(minStars: $m) { body } }""",
        {"u": "1", "m": 5},
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "products") {
      {
        product(upc: $u) {
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
            reviews(minStars: $m) {
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
        {"data": {"product": {"name": "Table", "reviews": [{"body": "Great"}]}}}
    )
    assert {n: [(r.query, r.variables) for r in rs] for n, rs in gw.sent().items()} == snapshot(
        {
            "products": [
                ("query($u: String!){product(upc: $u) {name __typename upc}}", {"u": "1"})
            ],
            "reviews": [
                (
                    "query($representations: [_Any!]!, $m: Int){_entities(representations: $representations){...on Product {reviews(minStars: $m) {body}}}}",
                    {"m": 5, "representations": [{"__typename": "Product", "upc": "1"}]},
                )
            ],
        }
    )


async def test_variable_default_value_travels_with_its_definition(gw: KitGateway) -> None:
    plan, body = await gw.run('query Q($u: String! = "2") { product(upc: $u) { name } }')
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "products") {
    {
      product(upc: $u) {
        name
      }
    }
  },
}\
""")
    assert body == snapshot({"data": {"product": {"name": "Couch"}}})
    assert [(r.query, r.variables) for r in gw["products"].requests] == snapshot(
        [('query Q__products__0($u: String! = "2"){product(upc: $u) {name}}', {})]
    )
