"""An `@interfaceObject` field that requires a field of the interface's owner (after Hive
Router's interface-object-with-requires fixture): `username` in b requires `name` from a,
from either root, with type conditions on the only implementation, and with entities one
side does not know (`u3` is unknown to a)."""

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
    ["a", "b"],
    """
interface NodeWithName
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id", isInterfaceObject: true)
{
  id: ID!
  name: String @join__field(graph: A) @join__field(graph: B, external: true)
  username: String @join__field(graph: B, requires: "name")
}

type Query
  @join__type(graph: A)
  @join__type(graph: B)
{
  users: [NodeWithName!]! @join__field(graph: A)
  anotherUsers: [NodeWithName] @join__field(graph: B)
}

type User implements NodeWithName
  @join__implements(graph: A, interface: "NodeWithName")
  @join__type(graph: A, key: "id")
{
  id: ID!
  name: String
  age: Int
  username: String @join__field
}
""",
)

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@interfaceObject", "@external", "@requires"])\n'
)


def _username(source: dict[str, Any], _info: Any) -> str | None:
    name = source.get("name")
    return None if name is None else name.lower()


def make_subgraphs() -> list[KitSubgraph]:
    a = KitSubgraph(
        "a",
        FED
        + """
        type Query { users: [NodeWithName!]! }
        interface NodeWithName @key(fields: "id") { id: ID! name: String }
        type User implements NodeWithName @key(fields: "id") { id: ID! name: String age: Int }
        """,
        {"User": [{"id": "u1", "name": "Ann", "age": 30}, {"id": "u2", "name": None, "age": 40}]},
        {"Query.users": lambda _s, _i: a.rows("User")},
    )
    b = KitSubgraph(
        "b",
        FED
        + """
        type Query { anotherUsers: [NodeWithName] }
        type NodeWithName @key(fields: "id") @interfaceObject {
          id: ID!
          name: String @external
          username: String @requires(fields: "name")
        }
        """,
        {"NodeWithName": [{"id": "u1"}, {"id": "u2"}, {"id": "u3"}]},
        {
            "Query.anotherUsers": lambda _s, _i: b.rows("NodeWithName"),
            "NodeWithName.username": _username,
        },
    )
    return [a, b]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_requirement_from_the_owner_for_interface_object_roots(gw: KitGateway) -> None:
    plan, body = await gw.run("{ anotherUsers { id name username } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "b") {
      {
        anotherUsers {
          __typename
          id
        }
      }
    },
    Flatten(path: "anotherUsers.@") {
      Fetch(service: "a") {
        {
          ... on NodeWithName {
            __typename
            id
          }
        } =>
        {
          ... on NodeWithName {
            name
          }
        }
      },
    },
    Flatten(path: "anotherUsers.@") {
      Fetch(service: "b") {
        {
          ... on NodeWithName {
            __typename
            id
            name
          }
        } =>
        {
          ... on NodeWithName {
            username
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "anotherUsers": [
                {"id": "u1", "name": "Ann", "username": "ann"},
                {"id": "u2", "name": None, "username": None},
                {"id": "u3", "name": None, "username": None},
            ]
        }
    }


async def test_requirement_from_the_owner_root(gw: KitGateway) -> None:
    plan, body = await gw.run("{ users { id name username } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        users {
          __typename
          ... on User {
            id
            name
            __typename
          }
        }
      }
    },
    Flatten(path: "users.@") {
      Fetch(service: "b") {
        {
          ... on User {
            __typename
            id
            name
          }
        } =>
        {
          ... on NodeWithName {
            username
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "users": [
                {"id": "u1", "name": "Ann", "username": "ann"},
                {"id": "u2", "name": None, "username": None},
            ]
        }
    }
    assert gw["b"].requests[0].variables == {
        "representations": [
            {"__typename": "NodeWithName", "id": "u1", "name": "Ann"},
            {"__typename": "NodeWithName", "id": "u2", "name": None},
        ]
    }


async def test_implementation_field_from_an_interface_object_root(gw: KitGateway) -> None:
    plan, body = await gw.run("{ anotherUsers { ... on User { age } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "b") {
      {
        anotherUsers {
          __typename
          id
        }
      }
    },
    Flatten(path: "anotherUsers.@") {
      Fetch(service: "a") {
        {
          ... on NodeWithName {
            __typename
            id
          }
        } =>
        {
          ... on NodeWithName {
            __typename
            ... on User {
              age
            }
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"anotherUsers": [{"age": 30}, {"age": 40}, {}]}}


async def test_implementation_field_from_the_owner_root(gw: KitGateway) -> None:
    plan, body = await gw.run("{ users { ... on User { age } } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "a") {
    {
      users {
        __typename
        ... on User {
          age
        }
      }
    }
  },
}\
""")
    assert body == {"data": {"users": [{"age": 30}, {"age": 40}]}}
    assert sorted(gw.sent()) == ["a"]


async def test_requirement_inside_a_type_condition_next_to_interface_fields(
    gw: KitGateway,
) -> None:
    # u3 is unknown to a: not known to be a User, it shows only the interface's fields.
    plan, body = await gw.run("{ anotherUsers { ... on User { age id name username } id name } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "b") {
      {
        anotherUsers {
          __typename
          id
        }
      }
    },
    Flatten(path: "anotherUsers.@") {
      Fetch(service: "a") {
        {
          ... on NodeWithName {
            __typename
            id
          }
        } =>
        {
          ... on NodeWithName {
            name
            __typename
            ... on User {
              age
            }
          }
        }
      },
    },
    Flatten(path: "anotherUsers.@") {
      Fetch(service: "b") {
        {
          ... on NodeWithName {
            __typename
            id
            name
          }
        } =>
        {
          ... on NodeWithName {
            username
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "anotherUsers": [
                {"age": 30, "id": "u1", "name": "Ann", "username": "ann"},
                {"age": 40, "id": "u2", "name": None, "username": None},
                {"id": "u3", "name": None},
            ]
        }
    }
