# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""Requirements of requirements over four subgraphs (after Hive Router's requires_requires
fixture): d's fields require c's, which require a's or b's. Each step waits for the one
it needs and no longer; fields sharing a requirement share its fetch; a plain field of d
joins the fetch that d needs anyway."""

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
type Product
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id")
  @join__type(graph: C, key: "id")
  @join__type(graph: D, key: "id")
{
  id: ID!
  price: Float! @join__field(graph: A) @join__field(graph: C, external: true)
  hasDiscount: Boolean! @join__field(graph: B) @join__field(graph: C, external: true)
  isExpensive: Boolean! @join__field(graph: C, requires: "price") @join__field(graph: D, external: true)
  isExpensiveWithDiscount: Boolean!
    @join__field(graph: C, requires: "hasDiscount")
    @join__field(graph: D, external: true)
  canAfford: Boolean! @join__field(graph: D, requires: "isExpensive")
  canAffordWithDiscount: Boolean! @join__field(graph: D, requires: "isExpensiveWithDiscount")
  canAffordWithDiscount2: Boolean! @join__field(graph: D, requires: "isExpensiveWithDiscount")
  fieldInD: String! @join__field(graph: D)
}

type Query
  @join__type(graph: A)
  @join__type(graph: B)
  @join__type(graph: C)
  @join__type(graph: D)
{
  product: Product @join__field(graph: B)
  products: [Product] @join__field(graph: B)
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
        FED + 'type Product @key(fields: "id") { id: ID! price: Float! }',
        {"Product": [{"id": "p1", "price": 150.0}, {"id": "p2", "price": 50.0}]},
    )
    b = KitSubgraph(
        "b",
        FED
        + """
        type Query { product: Product products: [Product] }
        type Product @key(fields: "id") { id: ID! hasDiscount: Boolean! }
        """,
        {"Product": [{"id": "p1", "hasDiscount": True}, {"id": "p2", "hasDiscount": False}]},
        {
            "Query.product": lambda _s, _i: b.rows("Product")[0],
            "Query.products": lambda _s, _i: [b.rows("Product")[0], None, b.rows("Product")[1]],
        },
    )
    c = KitSubgraph(
        "c",
        FED
        + """
        type Product @key(fields: "id") {
          id: ID!
          price: Float! @external
          hasDiscount: Boolean! @external
          isExpensive: Boolean! @requires(fields: "price")
          isExpensiveWithDiscount: Boolean! @requires(fields: "hasDiscount")
        }
        """,
        {},
        {
            "Product.isExpensive": lambda s, _i: s["price"] > 100,
            "Product.isExpensiveWithDiscount": lambda s, _i: not s["hasDiscount"],
        },
    )
    d = KitSubgraph(
        "d",
        FED
        + """
        type Product @key(fields: "id") {
          id: ID!
          isExpensive: Boolean! @external
          isExpensiveWithDiscount: Boolean! @external
          canAfford: Boolean! @requires(fields: "isExpensive")
          canAffordWithDiscount: Boolean! @requires(fields: "isExpensiveWithDiscount")
          canAffordWithDiscount2: Boolean! @requires(fields: "isExpensiveWithDiscount")
          fieldInD: String!
        }
        """,
        {},
        {
            "Product.canAfford": lambda s, _i: not s["isExpensive"],
            "Product.canAffordWithDiscount": lambda s, _i: not s["isExpensiveWithDiscount"],
            "Product.canAffordWithDiscount2": lambda s, _i: not s["isExpensiveWithDiscount"],
            "Product.fieldInD": lambda s, _i: f"d-{s['id']}",
        },
    )
    return [a, b, c, d]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


def _counts(gw: KitGateway) -> dict[str, int]:
    return {name: len(requests) for name, requests in gw.sent().items()}


async def test_requirement_of_a_requirement(gw: KitGateway) -> None:
    plan, body = await gw.run("{ product { canAffordWithDiscount } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "b") {
      {
        product {
          __typename
          id
          hasDiscount
        }
      }
    },
    Flatten(path: "product") {
      Fetch(service: "c") {
        {
          ... on Product {
            __typename
            id
            hasDiscount
          }
        } =>
        {
          ... on Product {
            isExpensiveWithDiscount
          }
        }
      },
    },
    Flatten(path: "product") {
      Fetch(service: "d") {
        {
          ... on Product {
            __typename
            id
            isExpensiveWithDiscount
          }
        } =>
        {
          ... on Product {
            canAffordWithDiscount
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"product": {"canAffordWithDiscount": True}}}
    assert _counts(gw) == {"b": 1, "c": 1, "d": 1}
    assert gw["d"].requests[0].variables == {
        "representations": [{"__typename": "Product", "id": "p1", "isExpensiveWithDiscount": False}]
    }


async def test_plain_field_joins_the_fetch_of_the_requiring_one(gw: KitGateway) -> None:
    plan, body = await gw.run("{ product { fieldInD canAffordWithDiscount } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "b") {
      {
        product {
          __typename
          id
          hasDiscount
        }
      }
    },
    Flatten(path: "product") {
      Fetch(service: "c") {
        {
          ... on Product {
            __typename
            id
            hasDiscount
          }
        } =>
        {
          ... on Product {
            isExpensiveWithDiscount
          }
        }
      },
    },
    Flatten(path: "product") {
      Fetch(service: "d") {
        {
          ... on Product {
            __typename
            id
            isExpensiveWithDiscount
          }
        } =>
        {
          ... on Product {
            fieldInD
            canAffordWithDiscount
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"product": {"fieldInD": "d-p1", "canAffordWithDiscount": True}}}
    assert _counts(gw) == {"b": 1, "c": 1, "d": 1}


async def test_two_fields_with_the_same_requirement_share_the_fetches(gw: KitGateway) -> None:
    plan, body = await gw.run("{ product { canAffordWithDiscount canAffordWithDiscount2 } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "b") {
      {
        product {
          __typename
          id
          hasDiscount
        }
      }
    },
    Flatten(path: "product") {
      Fetch(service: "c") {
        {
          ... on Product {
            __typename
            id
            hasDiscount
          }
        } =>
        {
          ... on Product {
            isExpensiveWithDiscount
          }
        }
      },
    },
    Flatten(path: "product") {
      Fetch(service: "d") {
        {
          ... on Product {
            __typename
            id
            isExpensiveWithDiscount
          }
        } =>
        {
          ... on Product {
            canAffordWithDiscount
            canAffordWithDiscount2
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {"product": {"canAffordWithDiscount": True, "canAffordWithDiscount2": True}}
    }
    assert _counts(gw) == {"b": 1, "c": 1, "d": 1}


async def test_requirement_from_a_subgraph_the_root_is_not_in(gw: KitGateway) -> None:
    # b (root) -> a (price) -> c (isExpensive) -> d (canAfford).
    plan, body = await gw.run("{ product { canAfford } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "b") {
      {
        product {
          __typename
          id
        }
      }
    },
    Flatten(path: "product") {
      Fetch(service: "a") {
        {
          ... on Product {
            __typename
            id
          }
        } =>
        {
          ... on Product {
            price
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
      Fetch(service: "d") {
        {
          ... on Product {
            __typename
            id
            isExpensive
          }
        } =>
        {
          ... on Product {
            canAfford
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"product": {"canAfford": False}}}
    assert _counts(gw) == {"a": 1, "b": 1, "c": 1, "d": 1}


async def test_two_chains_that_meet_in_the_last_subgraph(gw: KitGateway) -> None:
    plan, body = await gw.run("{ product { canAfford canAffordWithDiscount } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "b") {
      {
        product {
          __typename
          id
          hasDiscount
        }
      }
    },
    Flatten(path: "product") {
      Fetch(service: "a") {
        {
          ... on Product {
            __typename
            id
          }
        } =>
        {
          ... on Product {
            price
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
            price
            hasDiscount
          }
        } =>
        {
          ... on Product {
            isExpensive
            isExpensiveWithDiscount
          }
        }
      },
    },
    Flatten(path: "product") {
      Fetch(service: "d") {
        {
          ... on Product {
            __typename
            id
            isExpensive
            isExpensiveWithDiscount
          }
        } =>
        {
          ... on Product {
            canAfford
            canAffordWithDiscount
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"product": {"canAfford": False, "canAffordWithDiscount": True}}}


async def test_intermediate_requirement_selected_by_the_client_too(gw: KitGateway) -> None:
    plan, body = await gw.run("{ product { isExpensive canAfford price } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "b") {
      {
        product {
          __typename
          id
        }
      }
    },
    Flatten(path: "product") {
      Fetch(service: "a") {
        {
          ... on Product {
            __typename
            id
          }
        } =>
        {
          ... on Product {
            price
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
      Fetch(service: "d") {
        {
          ... on Product {
            __typename
            id
            isExpensive
          }
        } =>
        {
          ... on Product {
            canAfford
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"product": {"isExpensive": True, "canAfford": False, "price": 150.0}}}


async def test_chains_over_a_list_with_a_null_item(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products { id canAfford canAffordWithDiscount } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "b") {
      {
        products {
          id
          __typename
          hasDiscount
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "a") {
        {
          ... on Product {
            __typename
            id
          }
        } =>
        {
          ... on Product {
            price
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
            price
            hasDiscount
          }
        } =>
        {
          ... on Product {
            isExpensive
            isExpensiveWithDiscount
          }
        }
      },
    },
    Flatten(path: "products.@") {
      Fetch(service: "d") {
        {
          ... on Product {
            __typename
            id
            isExpensive
            isExpensiveWithDiscount
          }
        } =>
        {
          ... on Product {
            canAfford
            canAffordWithDiscount
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
                {"id": "p1", "canAfford": False, "canAffordWithDiscount": True},
                None,
                {"id": "p2", "canAfford": True, "canAffordWithDiscount": False},
            ]
        }
    }
