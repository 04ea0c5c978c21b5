"""Mutations: root fields run strictly one after another in the client's order (entity
fetches below a field finish before the next field starts); consecutive fields of one
subgraph share a fetch (the subgraph runs them serially)."""

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
    ["accounts", "orders"],
    """
type Mutation
  @join__type(graph: ACCOUNTS)
  @join__type(graph: ORDERS)
{
  createUser(name: String!): User! @join__field(graph: ACCOUNTS)
  renameUser(id: ID!, name: String!): User @join__field(graph: ACCOUNTS)
  placeOrder(userId: ID!, item: String!): Order! @join__field(graph: ORDERS)
}

type Order
  @join__type(graph: ORDERS, key: "id")
{
  id: ID!
  item: String!
  buyer: User!
}

type Query
  @join__type(graph: ACCOUNTS)
  @join__type(graph: ORDERS)
{
  users: [User!]! @join__field(graph: ACCOUNTS)
  orders: [Order!]! @join__field(graph: ORDERS)
}

type User
  @join__type(graph: ACCOUNTS, key: "id")
  @join__type(graph: ORDERS, key: "id")
{
  id: ID!
  name: String! @join__field(graph: ACCOUNTS)
  orders: [Order!]! @join__field(graph: ORDERS)
}
""",
)


def make_subgraphs() -> tuple[list[KitSubgraph], list[str]]:
    """The subgraphs, and the log every resolver with a side effect appends to."""
    log: list[str] = []

    def create_user(_s: Any, _i: Any, name: str) -> dict[str, Any]:
        row = {"__typename": "User", "id": f"u{len(accounts.data['User']) + 1}", "name": name}
        accounts.data["User"].append(row)
        log.append(f"createUser {row['id']}")
        return row

    def rename_user(_s: Any, _i: Any, id: str, name: str) -> dict[str, Any] | None:
        row = accounts.find("User", {"id": id})
        if row is not None:
            row["name"] = name
        log.append(f"renameUser {id}")
        return row

    def place_order(_s: Any, _i: Any, userId: str, item: str) -> dict[str, Any]:
        row: dict[str, Any] = {
            "__typename": "Order",
            "id": f"o{len(orders.data['Order']) + 1}",
            "item": item,
        }
        row["buyer"] = {"id": userId}
        orders.data["Order"].append(row)
        log.append(f"placeOrder {row['id']}")
        return row

    def user_name(source: dict[str, Any], _i: Any) -> str:
        log.append(f"read name {source['id']}")
        return str(source["name"])

    accounts = KitSubgraph(
        "accounts",
        """
        type Query { users: [User!]! }
        type Mutation { createUser(name: String!): User! renameUser(id: ID!, name: String!): User }
        type User @key(fields: "id") { id: ID! name: String! }
        """,
        {"User": [{"id": "u1", "name": "Ada"}]},
        {
            "Query.users": lambda _s, _i: accounts.rows("User"),
            "Mutation.createUser": create_user,
            "Mutation.renameUser": rename_user,
            "User.name": user_name,
        },
    )
    orders = KitSubgraph(
        "orders",
        """
        type Query { orders: [Order!]! }
        type Mutation { placeOrder(userId: ID!, item: String!): Order! }
        type Order @key(fields: "id") { id: ID! item: String! buyer: User! }
        type User @key(fields: "id") { id: ID! orders: [Order!]! }
        """,
        {"Order": []},
        {"Query.orders": lambda _s, _i: orders.rows("Order"), "Mutation.placeOrder": place_order},
    )
    return [accounts, orders], log


@pytest_asyncio.fixture(loop_scope="module")
async def gw_log() -> AsyncIterator[tuple[KitGateway, list[str]]]:
    subgraphs, log = make_subgraphs()
    async with kit_gateway(SUPERGRAPH, *subgraphs) as gateway:
        yield gateway, log


async def test_root_fields_in_order_across_subgraphs(
    gw_log: tuple[KitGateway, list[str]],
) -> None:
    gw, log = gw_log
    plan, body = await gw.run(
        """mutation {
          a: createUser(name: "Ann") { id }
          o: placeOrder(userId: "u1", item: "pen") { id }
          b: renameUser(id: "u2", name: "Anna") { id }
        }"""
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "accounts") {
      {
        a: createUser(name: "Ann") {
          id
        }
      }
    },
    Fetch(service: "orders") {
      {
        o: placeOrder(userId: "u1", item: "pen") {
          id
        }
      }
    },
    Fetch(service: "accounts") {
      {
        b: renameUser(id: "u2", name: "Anna") {
          id
        }
      }
    },
  },
}\
""")
    assert body == snapshot({"data": {"a": {"id": "u2"}, "o": {"id": "o1"}, "b": {"id": "u2"}}})
    assert log == snapshot(["createUser u2", "placeOrder o1", "renameUser u2"])


async def test_consecutive_fields_of_one_subgraph_share_a_fetch(
    gw_log: tuple[KitGateway, list[str]],
) -> None:
    gw, log = gw_log
    plan, body = await gw.run(
        'mutation { a: createUser(name: "A") { id } b: createUser(name: "B") { id name } }'
    )
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "accounts") {
    {
      a: createUser(name: "A") {
        id
      }
      b: createUser(name: "B") {
        id
        name
      }
    }
  },
}\
""")
    assert body == snapshot({"data": {"a": {"id": "u2"}, "b": {"id": "u3", "name": "B"}}})
    assert log == snapshot(["createUser u2", "createUser u3", "read name u3"])


async def test_mutation_result_completed_through_entities(
    gw_log: tuple[KitGateway, list[str]],
) -> None:
    gw, _ = gw_log
    plan, body = await gw.run(
        'mutation { placeOrder(userId: "u1", item: "ink") { item buyer { name } } }'
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "orders") {
      {
        placeOrder(userId: "u1", item: "ink") {
          item
          buyer {
            __typename
            id
          }
        }
      }
    },
    Flatten(path: "placeOrder.buyer") {
      Fetch(service: "accounts") {
        {
          ... on User {
            __typename
            id
          }
        } =>
        {
          ... on User {
            name
          }
        }
      },
    },
  },
}\
""")
    assert body == snapshot({"data": {"placeOrder": {"item": "ink", "buyer": {"name": "Ada"}}}})


async def test_entity_fetch_of_a_field_finishes_before_the_next_field(
    gw_log: tuple[KitGateway, list[str]],
) -> None:
    # The buyer's name is read before the rename: the answer has the old name.
    gw, log = gw_log
    plan, body = await gw.run(
        """mutation($u: ID!) {
          placeOrder(userId: $u, item: "ink") { buyer { name } }
          renameUser(id: $u, name: "Zed") { name }
        }""",
        {"u": "u1"},
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Sequence {
      Fetch(service: "orders") {
        {
          placeOrder(userId: $u, item: "ink") {
            buyer {
              __typename
              id
            }
          }
        }
      },
      Flatten(path: "placeOrder.buyer") {
        Fetch(service: "accounts") {
          {
            ... on User {
              __typename
              id
            }
          } =>
          {
            ... on User {
              name
            }
          }
        },
      },
    },
    Fetch(service: "accounts") {
      {
        renameUser(id: $u, name: "Zed") {
          name
        }
      }
    },
  },
}\
""")
    assert body == snapshot(
        {"data": {"placeOrder": {"buyer": {"name": "Ada"}}, "renameUser": {"name": "Zed"}}}
    )
    assert log == snapshot(["placeOrder o1", "read name u1", "renameUser u1", "read name u1"])
