# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""Requirements around a ring of three subgraphs: a's `total` requires b's `tax`, which
requires c's `shipping`, which requires a's `subtotal`; c's `discounted(percent:)` requires
a's `total` again. No field depends on itself, but the subgraphs form a cycle: the plan
must visit them as often as the chain needs (a, c, b, a, c), never loop."""

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
type Order
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id")
  @join__type(graph: C, key: "id")
{
  id: ID!
  subtotal: Int!
    @join__field(graph: A)
    @join__field(graph: B, external: true)
    @join__field(graph: C, external: true)
  shipping: Int!
    @join__field(graph: A, external: true)
    @join__field(graph: B, external: true)
    @join__field(graph: C, requires: "subtotal")
  tax: Int! @join__field(graph: A, external: true) @join__field(graph: B, requires: "subtotal shipping")
  total: Int! @join__field(graph: A, requires: "shipping tax") @join__field(graph: C, external: true)
  discounted(percent: Int!): Int! @join__field(graph: C, requires: "total")
}

type Query
  @join__type(graph: A)
  @join__type(graph: B)
  @join__type(graph: C)
{
  orders: [Order!]! @join__field(graph: A)
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
        type Query { orders: [Order!]! }
        type Order @key(fields: "id") {
          id: ID!
          subtotal: Int!
          shipping: Int! @external
          tax: Int! @external
          total: Int! @requires(fields: "shipping tax")
        }
        """,
        {"Order": [{"id": "o1", "subtotal": 100}, {"id": "o2", "subtotal": 40}]},
        {
            "Query.orders": lambda _s, _i: a.rows("Order"),
            "Order.total": lambda s, _i: s["subtotal"] + s["shipping"] + s["tax"],
        },
    )
    b = KitSubgraph(
        "b",
        FED
        + """
        type Order @key(fields: "id") {
          id: ID!
          subtotal: Int! @external
          shipping: Int! @external
          tax: Int! @requires(fields: "subtotal shipping")
        }
        """,
        {},
        {"Order.tax": lambda s, _i: (s["subtotal"] + s["shipping"]) // 10},
    )
    c = KitSubgraph(
        "c",
        FED
        + """
        type Order @key(fields: "id") {
          id: ID!
          subtotal: Int! @external
          shipping: Int! @requires(fields: "subtotal")
          total: Int! @external
          discounted(percent: Int!): Int! @requires(fields: "total")
        }
        """,
        {},
        {
            "Order.shipping": lambda s, _i: 0 if s["subtotal"] >= 50 else 5,
            "Order.discounted": lambda s, _i, percent: s["total"] * (100 - percent) // 100,
        },
    )
    return [a, b, c]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


def _counts(gw: KitGateway) -> dict[str, int]:
    return {name: len(requests) for name, requests in gw.sent().items()}


async def test_one_step_of_the_ring(gw: KitGateway) -> None:
    plan, body = await gw.run("{ orders { shipping } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        orders {
          __typename
          id
          subtotal
        }
      }
    },
    Flatten(path: "orders.@") {
      Fetch(service: "c") {
        {
          ... on Order {
            __typename
            id
            subtotal
          }
        } =>
        {
          ... on Order {
            shipping
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"orders": [{"shipping": 0}, {"shipping": 5}]}}
    assert _counts(gw) == {"a": 1, "c": 1}


async def test_two_steps_of_the_ring(gw: KitGateway) -> None:
    plan, body = await gw.run("{ orders { tax } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        orders {
          __typename
          id
          subtotal
        }
      }
    },
    Flatten(path: "orders.@") {
      Fetch(service: "c") {
        {
          ... on Order {
            __typename
            id
            subtotal
          }
        } =>
        {
          ... on Order {
            shipping
          }
        }
      },
    },
    Flatten(path: "orders.@") {
      Fetch(service: "b") {
        {
          ... on Order {
            __typename
            id
            subtotal
            shipping
          }
        } =>
        {
          ... on Order {
            tax
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"orders": [{"tax": 10}, {"tax": 4}]}}
    assert _counts(gw) == {"a": 1, "b": 1, "c": 1}


async def test_back_to_the_first_subgraph(gw: KitGateway) -> None:
    plan, body = await gw.run("{ orders { total } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        orders {
          __typename
          id
          subtotal
        }
      }
    },
    Flatten(path: "orders.@") {
      Fetch(service: "c") {
        {
          ... on Order {
            __typename
            id
            subtotal
          }
        } =>
        {
          ... on Order {
            shipping
          }
        }
      },
    },
    Flatten(path: "orders.@") {
      Fetch(service: "b") {
        {
          ... on Order {
            __typename
            id
            subtotal
            shipping
          }
        } =>
        {
          ... on Order {
            tax
          }
        }
      },
    },
    Flatten(path: "orders.@") {
      Fetch(service: "a") {
        {
          ... on Order {
            __typename
            id
            shipping
            tax
          }
        } =>
        {
          ... on Order {
            total
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"orders": [{"total": 110}, {"total": 49}]}}
    assert _counts(gw) == {"a": 2, "b": 1, "c": 1}
    assert gw["a"].requests[-1].variables == {
        "representations": [
            {"__typename": "Order", "id": "o1", "shipping": 0, "tax": 10},
            {"__typename": "Order", "id": "o2", "shipping": 5, "tax": 4},
        ]
    }


async def test_every_field_of_the_ring(gw: KitGateway) -> None:
    plan, body = await gw.run("{ orders { id subtotal shipping tax total } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        orders {
          id
          subtotal
          __typename
        }
      }
    },
    Flatten(path: "orders.@") {
      Fetch(service: "c") {
        {
          ... on Order {
            __typename
            id
            subtotal
          }
        } =>
        {
          ... on Order {
            shipping
          }
        }
      },
    },
    Flatten(path: "orders.@") {
      Fetch(service: "b") {
        {
          ... on Order {
            __typename
            id
            subtotal
            shipping
          }
        } =>
        {
          ... on Order {
            tax
          }
        }
      },
    },
    Flatten(path: "orders.@") {
      Fetch(service: "a") {
        {
          ... on Order {
            __typename
            id
            shipping
            tax
          }
        } =>
        {
          ... on Order {
            total
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "orders": [
                {"id": "o1", "subtotal": 100, "shipping": 0, "tax": 10, "total": 110},
                {"id": "o2", "subtotal": 40, "shipping": 5, "tax": 4, "total": 49},
            ]
        }
    }


async def test_once_around_and_one_more_step_with_an_argument(gw: KitGateway) -> None:
    plan, body = await gw.run("{ orders { discounted(percent: 10) } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        orders {
          __typename
          id
          subtotal
        }
      }
    },
    Flatten(path: "orders.@") {
      Fetch(service: "c") {
        {
          ... on Order {
            __typename
            id
            subtotal
          }
        } =>
        {
          ... on Order {
            shipping
          }
        }
      },
    },
    Flatten(path: "orders.@") {
      Fetch(service: "b") {
        {
          ... on Order {
            __typename
            id
            subtotal
            shipping
          }
        } =>
        {
          ... on Order {
            tax
          }
        }
      },
    },
    Flatten(path: "orders.@") {
      Fetch(service: "a") {
        {
          ... on Order {
            __typename
            id
            shipping
            tax
          }
        } =>
        {
          ... on Order {
            total
          }
        }
      },
    },
    Flatten(path: "orders.@") {
      Fetch(service: "c") {
        {
          ... on Order {
            __typename
            id
            total
          }
        } =>
        {
          ... on Order {
            discounted(percent: 10)
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"orders": [{"discounted": 99}, {"discounted": 44}]}}
    assert _counts(gw) == {"a": 2, "b": 1, "c": 2}


async def test_one_field_with_two_arguments_at_the_end_of_the_ring(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ orders { half: discounted(percent: 50) full: discounted(percent: 0) total } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        orders {
          __typename
          id
          subtotal
        }
      }
    },
    Flatten(path: "orders.@") {
      Fetch(service: "c") {
        {
          ... on Order {
            __typename
            id
            subtotal
          }
        } =>
        {
          ... on Order {
            shipping
          }
        }
      },
    },
    Flatten(path: "orders.@") {
      Fetch(service: "b") {
        {
          ... on Order {
            __typename
            id
            subtotal
            shipping
          }
        } =>
        {
          ... on Order {
            tax
          }
        }
      },
    },
    Flatten(path: "orders.@") {
      Fetch(service: "a") {
        {
          ... on Order {
            __typename
            id
            shipping
            tax
          }
        } =>
        {
          ... on Order {
            total
          }
        }
      },
    },
    Flatten(path: "orders.@") {
      Fetch(service: "c") {
        {
          ... on Order {
            __typename
            id
            total
          }
        } =>
        {
          ... on Order {
            half: discounted(percent: 50)
            full: discounted(percent: 0)
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "orders": [
                {"half": 55, "full": 110, "total": 110},
                {"half": 24, "full": 49, "total": 49},
            ]
        }
    }
