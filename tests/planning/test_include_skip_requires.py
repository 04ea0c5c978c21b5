# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""`@skip`/`@include` with variables over a chain of `@requires` (after Hive Router's
simple-include-skip fixture): the plan excludes the field when the condition says so, and then
no fetch that only served it (its requirements included) is sent; conditions on a field,
on an inline fragment, both directives at once, defaults of the variables."""

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
    ["a", "b", "c"],
    """
type Product
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id")
  @join__type(graph: C, key: "id")
{
  id: ID!
  price: Float! @join__field(graph: A) @join__field(graph: B, external: true)
  name: String! @join__field(graph: B)
  isCheap: Boolean! @join__field(graph: B, requires: "price")
  isExpensive: Boolean!
    @join__field(graph: B, requires: "price")
    @join__field(graph: C, external: true)
  include: Boolean! @join__field(graph: C, requires: "isExpensive")
  skip: Boolean! @join__field(graph: C, requires: "isExpensive")
  neverCalledInclude: Boolean! @join__field(graph: C, requires: "isExpensive")
}

type Query
  @join__type(graph: A)
  @join__type(graph: B)
  @join__type(graph: C)
{
  product: Product @join__field(graph: A)
  products: [Product!]! @join__field(graph: A)
}
""",
)

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@external", "@requires"])\n'
)


def make_subgraphs() -> list[KitSubgraph]:
    a = KitSubgraph(
        "a",
        FED
        + """
        type Query { product: Product products: [Product!]! }
        type Product @key(fields: "id") { id: ID! price: Float! }
        """,
        {"Product": [{"id": "1", "price": 120.5}, {"id": "2", "price": 15.5}]},
        {
            "Query.product": lambda _s, _i: a.rows("Product")[0],
            "Query.products": lambda _s, _i: a.rows("Product"),
        },
    )
    b = KitSubgraph(
        "b",
        FED
        + """
        type Product @key(fields: "id") {
          id: ID!
          price: Float! @external
          name: String!
          isCheap: Boolean! @requires(fields: "price")
          isExpensive: Boolean! @requires(fields: "price")
        }
        """,
        {"Product": [{"id": "1", "name": "Lamp"}, {"id": "2", "name": "Pen"}]},
        {
            "Product.isCheap": lambda s, _i: s["price"] < 20,
            "Product.isExpensive": lambda s, _i: s["price"] > 100,
        },
    )
    c = KitSubgraph(
        "c",
        FED
        + """
        type Product @key(fields: "id") {
          id: ID!
          isExpensive: Boolean! @external
          include: Boolean! @requires(fields: "isExpensive")
          skip: Boolean! @requires(fields: "isExpensive")
          neverCalledInclude: Boolean! @requires(fields: "isExpensive")
        }
        """,
        {"Product": [{"id": "1"}, {"id": "2"}]},
        {
            "Product.include": lambda s, _i: s["isExpensive"],
            "Product.skip": lambda s, _i: not s["isExpensive"],
            "Product.neverCalledInclude": lambda s, _i: s["isExpensive"],
        },
    )
    return [a, b, c]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


def _counts(gw: KitGateway) -> dict[str, int]:
    return {name: len(requests) for name, requests in gw.sent().items()}


INCLUDE_FIELD = (
    "query ($bool: Boolean!) { product { price neverCalledInclude @include(if: $bool) } }"
)


async def test_include_false_sends_no_fetch_for_the_chain(gw: KitGateway) -> None:
    plan, body = await gw.run(INCLUDE_FIELD, {"bool": False})
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "a") {
    {
      product {
        price
      }
    }
  },
}\
""")
    assert body == {"data": {"product": {"price": 120.5}}}
    assert _counts(gw) == {"a": 1}


async def test_include_true_runs_the_whole_chain(gw: KitGateway) -> None:
    plan, body = await gw.run(INCLUDE_FIELD, {"bool": True})
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        product {
          price
          __typename
          id
        }
      }
    },
    Flatten(path: "product") {
      Fetch(service: "b") {
        {
          ... on Product {
            __typename
            id
            price
          }
        } =>
        {
          ... on Product {
            isExpensive
          }
        }
      },
    },
    Flatten(path: "product") {
      Fetch(service: "c") {
        {
          ... on Product {
            __typename
            id
            isExpensive
          }
        } =>
        {
          ... on Product {
            neverCalledInclude
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"product": {"price": 120.5, "neverCalledInclude": True}}}
    assert _counts(gw) == {"a": 1, "b": 1, "c": 1}
    assert gw["c"].requests[0].variables == {
        "representations": [{"__typename": "Product", "id": "1", "isExpensive": True}]
    }


async def test_include_on_an_inline_fragment_false(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "query ($bool: Boolean!) { product { price ... on Product @include(if: $bool) { neverCalledInclude } } }",
        {"bool": False},
    )
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "a") {
    {
      product {
        price
      }
    }
  },
}\
""")
    assert body == {"data": {"product": {"price": 120.5}}}
    assert _counts(gw) == {"a": 1}


async def test_include_on_an_inline_fragment_true(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "query ($bool: Boolean!) { product { price ... on Product @include(if: $bool) { neverCalledInclude } } }",
        {"bool": True},
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        product {
          price
          __typename
          id
        }
      }
    },
    Flatten(path: "product") {
      Fetch(service: "b") {
        {
          ... on Product {
            __typename
            id
            price
          }
        } =>
        {
          ... on Product {
            isExpensive
          }
        }
      },
    },
    Flatten(path: "product") {
      Fetch(service: "c") {
        {
          ... on Product {
            __typename
            id
            isExpensive
          }
        } =>
        {
          ... on Product {
            neverCalledInclude
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"product": {"price": 120.5, "neverCalledInclude": True}}}
    assert _counts(gw) == {"a": 1, "b": 1, "c": 1}


async def test_skip_with_a_default_value_not_given(gw: KitGateway) -> None:
    # $bool defaults to false: skip is not skipped.
    plan, body = await gw.run(
        "query ($bool: Boolean = false) { product { price skip @skip(if: $bool) } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        product {
          price
          __typename
          id
        }
      }
    },
    Flatten(path: "product") {
      Fetch(service: "b") {
        {
          ... on Product {
            __typename
            id
            price
          }
        } =>
        {
          ... on Product {
            isExpensive
          }
        }
      },
    },
    Flatten(path: "product") {
      Fetch(service: "c") {
        {
          ... on Product {
            __typename
            id
            isExpensive
          }
        } =>
        {
          ... on Product {
            skip
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"product": {"price": 120.5, "skip": False}}}
    assert _counts(gw) == {"a": 1, "b": 1, "c": 1}


async def test_skip_with_a_default_value_overridden(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "query ($bool: Boolean = false) { product { price skip @skip(if: $bool) } }", {"bool": True}
    )
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "a") {
    {
      product {
        price
      }
    }
  },
}\
""")
    assert body == {"data": {"product": {"price": 120.5}}}
    assert _counts(gw) == {"a": 1}


@pytest.mark.parametrize(
    ("skip", "include", "shown"),
    [(False, True, True), (True, True, False), (False, False, False), (True, False, False)],
)
async def test_skip_and_include_on_one_field(
    gw: KitGateway, skip: bool, include: bool, shown: bool
) -> None:
    _, body = await gw.run(
        "query ($skip: Boolean!, $include: Boolean!) { product { price include @skip(if: $skip) @include(if: $include) } }",
        {"skip": skip, "include": include},
    )
    product: dict[str, Any] = {"price": 120.5}
    if shown:
        product["include"] = True
    assert body == {"data": {"product": product}}
    assert _counts(gw) == ({"a": 1, "b": 1, "c": 1} if shown else {"a": 1})


async def test_skip_and_include_on_a_fragment(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "query ($skip: Boolean = false, $include: Boolean = true) { product { price ... on Product @skip(if: $skip) @include(if: $include) { neverCalledInclude } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        product {
          price
          __typename
          id
        }
      }
    },
    Flatten(path: "product") {
      Fetch(service: "b") {
        {
          ... on Product {
            __typename
            id
            price
          }
        } =>
        {
          ... on Product {
            isExpensive
          }
        }
      },
    },
    Flatten(path: "product") {
      Fetch(service: "c") {
        {
          ... on Product {
            __typename
            id
            isExpensive
          }
        } =>
        {
          ... on Product {
            neverCalledInclude
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"product": {"price": 120.5, "neverCalledInclude": True}}}


async def test_conditional_field_next_to_an_unconditional_one_in_the_same_fetch(
    gw: KitGateway,
) -> None:
    query = "query ($bool: Boolean!) { product { price name @include(if: $bool) isCheap } }"
    plan, body = await gw.run(query, {"bool": False})
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        product {
          price
          __typename
          id
        }
      }
    },
    Flatten(path: "product") {
      Fetch(service: "b") {
        {
          ... on Product {
            __typename
            id
            price
          }
        } =>
        {
          ... on Product {
            isCheap
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"product": {"price": 120.5, "isCheap": False}}}
    assert _counts(gw) == {"a": 1, "b": 1}
    _, body = await gw.run(query, {"bool": True})
    assert body == {"data": {"product": {"price": 120.5, "name": "Lamp", "isCheap": False}}}
    assert _counts(gw) == {"a": 1, "b": 1}


async def test_every_field_of_a_fetch_conditional_and_excluded(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "query ($bool: Boolean!) { product { price name @skip(if: $bool) isCheap @skip(if: $bool) } }",
        {"bool": True},
    )
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "a") {
    {
      product {
        price
      }
    }
  },
}\
""")
    assert body == {"data": {"product": {"price": 120.5}}}
    assert _counts(gw) == {"a": 1}


async def test_mixed_conditions_each_keep_their_own_scope(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "query ($include: Boolean!, $skip: Boolean!) { product { price name @include(if: $include) isCheap @skip(if: $skip) } }",
        {"include": True, "skip": True},
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        product {
          price
          __typename
          id
        }
      }
    },
    Flatten(path: "product") {
      Fetch(service: "b") {
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
    assert body == {"data": {"product": {"price": 120.5, "name": "Lamp"}}}
    assert _counts(gw) == {"a": 1, "b": 1}


async def test_condition_inside_the_root_fetch_only(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "query ($bool: Boolean!) { product { id price @include(if: $bool) } }", {"bool": False}
    )
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "a") {
    {
      product {
        id
      }
    }
  },
}\
""")
    assert body == {"data": {"product": {"id": "1"}}}
    assert _counts(gw) == {"a": 1}


async def test_conditions_on_a_list_at_two_levels_of_the_chain(gw: KitGateway) -> None:
    plan, body = await gw.run(
        """
        query ($withName: Boolean!, $withChain: Boolean!) {
          products {
            id
            name @include(if: $withName)
            ... @include(if: $withChain) { isExpensive neverCalledInclude }
          }
        }
        """,
        {"withName": False, "withChain": True},
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        products {
          id
          __typename
          price
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "b") {
        {
          ... on Product {
            __typename
            id
            price
          }
        } =>
        {
          ... on Product {
            isExpensive
          }
        }
      },
    },
    Flatten(path: "products.@") {
      Fetch(service: "c") {
        {
          ... on Product {
            __typename
            id
            isExpensive
          }
        } =>
        {
          ... on Product {
            neverCalledInclude
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
                {"id": "1", "isExpensive": True, "neverCalledInclude": True},
                {"id": "2", "isExpensive": False, "neverCalledInclude": False},
            ]
        }
    }
    assert _counts(gw) == {"a": 1, "b": 1, "c": 1}


async def test_skipped_client_field_still_fetched_as_a_requirement(gw: KitGateway) -> None:
    # The client skips price, isExpensive still needs it: fetched, sent, not shown.
    plan, body = await gw.run("{ product { price @skip(if: true) isExpensive } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        product {
          __typename
          id
          price
        }
      }
    },
    Flatten(path: "product") {
      Fetch(service: "b") {
        {
          ... on Product {
            __typename
            id
            price
          }
        } =>
        {
          ... on Product {
            isExpensive
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"product": {"isExpensive": True}}}
    assert gw["b"].requests[0].variables == {
        "representations": [{"__typename": "Product", "id": "1", "price": 120.5}]
    }


async def test_skipped_intermediate_requirement_of_an_included_field(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "query ($s: Boolean!) { product { isExpensive @skip(if: $s) price @include(if: $s) include } }",
        {"s": True},
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        product {
          price
          __typename
          id
        }
      }
    },
    Flatten(path: "product") {
      Fetch(service: "b") {
        {
          ... on Product {
            __typename
            id
            price
          }
        } =>
        {
          ... on Product {
            isExpensive
          }
        }
      },
    },
    Flatten(path: "product") {
      Fetch(service: "c") {
        {
          ... on Product {
            __typename
            id
            isExpensive
          }
        } =>
        {
          ... on Product {
            include
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"product": {"price": 120.5, "include": True}}}
    assert _counts(gw) == {"a": 1, "b": 1, "c": 1}


async def test_field_excluded_in_one_place_and_selected_in_another(gw: KitGateway) -> None:
    # Field merging: the unconditional selection inside the fragment keeps isExpensive.
    plan, body = await gw.run(
        "{ products { id isExpensive @include(if: false) ... on Product { isExpensive } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        products {
          id
          __typename
          price
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "b") {
        {
          ... on Product {
            __typename
            id
            price
          }
        } =>
        {
          ... on Product {
            isExpensive
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {"products": [{"id": "1", "isExpensive": True}, {"id": "2", "isExpensive": False}]}
    }
