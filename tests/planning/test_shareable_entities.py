# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""Shareable entity fields: x is in b and c, y only in c, z only in b. The plan takes each
field from a subgraph it has to visit anyway (fewest fetches)."""

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
    ["a", "b", "c"],
    """
type Product @join__type(graph: A, key: "id") @join__type(graph: B, key: "id") @join__type(graph: C, key: "id") {
  id: ID!
  x: String! @join__field(graph: B) @join__field(graph: C)
  y: String! @join__field(graph: C)
  z: String! @join__field(graph: B)
}
type Query @join__type(graph: A) @join__type(graph: B) @join__type(graph: C) {
  products: [Product!]! @join__field(graph: A)
}
""",
)


def make_subgraphs() -> list[KitSubgraph]:
    a = KitSubgraph(
        "a",
        'type Query { products: [Product!]! } type Product @key(fields: "id") { id: ID! }',
        {"Product": [{"id": "1"}]},
        {"Query.products": lambda _s, _i: a.rows("Product")},
    )
    b = KitSubgraph(
        "b",
        'type Product @key(fields: "id") { id: ID! x: String! @shareable z: String! }',
        {"Product": [{"id": "1", "x": "x", "z": "z"}]},
    )
    c = KitSubgraph(
        "c",
        'type Product @key(fields: "id") { id: ID! x: String! @shareable y: String! }',
        {"Product": [{"id": "1", "x": "x", "y": "y"}]},
    )
    return [a, b, c]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_shared_field_joins_the_fetch_of_an_unshared_one(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products { x z } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        products {
          __typename
          id
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "b") {
        {
          ... on Product {
            __typename
            id
          }
        } =>
        {
          ... on Product {
            x
            z
          }
        }
      },
    },
  },
}\
""")
    assert body == snapshot({"data": {"products": [{"x": "x", "z": "z"}]}})
    assert sorted(gw.sent()) == snapshot(["a", "b"])


async def test_three_fields_two_fetches(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products { x y z } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        products {
          __typename
          id
        }
      }
    },
    Parallel {
      Flatten(path: "products.@") {
        Fetch(service: "b") {
          {
            ... on Product {
              __typename
              id
            }
          } =>
          {
            ... on Product {
              x
              z
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
            }
          } =>
          {
            ... on Product {
              y
            }
          }
        },
      },
    },
  },
}\
""")
    assert body == snapshot({"data": {"products": [{"x": "x", "y": "y", "z": "z"}]}})
    assert sorted(gw.sent()) == snapshot(["a", "b", "c"])


async def test_shared_field_goes_where_a_later_sibling_must_go(gw: KitGateway) -> None:
    # x could come from b, but y needs c anyway: c answers both.
    plan, body = await gw.run("{ products { x y } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        products {
          __typename
          id
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "c") {
        {
          ... on Product {
            __typename
            id
          }
        } =>
        {
          ... on Product {
            x
            y
          }
        }
      },
    },
  },
}\
""")
    assert body == snapshot({"data": {"products": [{"x": "x", "y": "y"}]}})
    assert sorted(gw.sent()) == snapshot(["a", "c"])
