# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""`@interfaceObject` entities one side does not know: an entity fetch that answers `null`
for one representation (the interface's owner has no such entity, or the interface
object's subgraph has none) leaves that field null and keeps everything other fetches
already returned for the object: fields selected on the interface itself stay, fields of
an implementation the object cannot be shown to be are left out."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from inline_snapshot import snapshot

from tests.planning.header import supergraph
from tests.planning.helpers import KitGateway, KitSubgraph, kit_gateway, raw_app

#: One event loop per module: the module-scoped kit servers and gateway live in it.
pytestmark = pytest.mark.asyncio(loop_scope="module")

SUPERGRAPH = supergraph(
    ["a", "b"],
    """
type Admin implements NodeWithName
  @join__implements(graph: A, interface: "NodeWithName")
  @join__type(graph: A, key: "id")
{
  id: ID!
  name: String
  isMain: Boolean!
  username: String @join__field
  greeting: String @join__field
}

interface NodeWithName
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id", isInterfaceObject: true)
{
  id: ID!
  name: String @join__field(graph: A) @join__field(graph: B, external: true)
  username: String @join__field(graph: B)
  greeting: String @join__field(graph: B, requires: "name")
}

type Query
  @join__type(graph: A)
  @join__type(graph: B)
{
  users: [NodeWithName!]! @join__field(graph: A)
  anotherUsers: [NodeWithName!]! @join__field(graph: B)
}

type User implements NodeWithName
  @join__implements(graph: A, interface: "NodeWithName")
  @join__type(graph: A, key: "id")
{
  id: ID!
  name: String
  age: Int!
  username: String @join__field
  greeting: String @join__field
}
""",
)

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@interfaceObject", "@external", "@requires"])\n'
)


def _greeting(source: dict[str, Any], _info: Any) -> str | None:
    # Computed from the required field: no name, no greeting.
    name = source.get("name")
    return None if name is None else f"Hello, {name}"


def make_subgraphs() -> list[KitSubgraph]:
    a = KitSubgraph(
        "a",
        FED
        + """
        type Query { users: [NodeWithName!]! }
        interface NodeWithName @key(fields: "id") { id: ID! name: String }
        type User implements NodeWithName @key(fields: "id") { id: ID! name: String age: Int! }
        type Admin implements NodeWithName @key(fields: "id") { id: ID! name: String isMain: Boolean! }
        """,
        {
            "User": [
                {"id": "u1", "name": "Ada", "age": 36},
                {"id": "u3", "name": "Cy", "age": 20},
            ],
            "Admin": [{"id": "u2", "name": "Root", "isMain": True}],
        },
        {
            "Query.users": lambda _s, _i: [
                {"__typename": "User", "id": "u1"},
                {"__typename": "Admin", "id": "u2"},
                {"__typename": "User", "id": "u3"},
            ]
        },
    )
    b = KitSubgraph(
        "b",
        FED
        + """
        type Query { anotherUsers: [NodeWithName!]! }
        type NodeWithName @key(fields: "id") @interfaceObject {
          id: ID!
          name: String @external
          username: String
          greeting: String @requires(fields: "name")
        }
        """,
        {
            # u3 is unknown here; u4 is unknown to the interface's owner.
            "NodeWithName": [
                {"id": "u1", "username": "ada"},
                {"id": "u2", "username": "root"},
                {"id": "u4", "username": "ghost"},
            ]
        },
        {
            "Query.anotherUsers": lambda _s, _i: [{"id": "u1"}, {"id": "u2"}, {"id": "u4"}],
            "NodeWithName.greeting": _greeting,
        },
    )
    return [a, b]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_interface_object_has_no_entity_for_one_representation(gw: KitGateway) -> None:
    plan, body = await gw.run("{ users { name username } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        users {
          __typename
          ... on Admin {
            name
            __typename
            id
          }
          ... on User {
            name
            __typename
            id
          }
        }
      }
    },
    Flatten(path: "users.@") {
      Fetch(service: "b") {
        {
          ... on Admin {
            __typename
            id
          }
          ... on User {
            __typename
            id
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
                {"name": "Ada", "username": "ada"},
                {"name": "Root", "username": "root"},
                {"name": "Cy", "username": None},
            ]
        }
    }


async def test_owner_has_no_entity_interface_fields_stay(gw: KitGateway) -> None:
    plan, body = await gw.run("{ anotherUsers { username name } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "b") {
      {
        anotherUsers {
          __typename
          username
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
  },
}\
""")
    assert body == {
        "data": {
            "anotherUsers": [
                {"username": "ada", "name": "Ada"},
                {"username": "root", "name": "Root"},
                {"username": "ghost", "name": None},
            ]
        }
    }


async def test_owner_has_no_entity_implementation_fields_left_out(gw: KitGateway) -> None:
    plan, body = await gw.run("{ anotherUsers { ... on Admin { isMain } username } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "b") {
      {
        anotherUsers {
          __typename
          username
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
            ... on Admin {
              isMain
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
            "anotherUsers": [
                {"username": "ada"},
                {"isMain": True, "username": "root"},
                {"username": "ghost"},
            ]
        }
    }


async def test_owner_has_no_entity_with_fields_of_two_implementations(gw: KitGateway) -> None:
    plan, body = await gw.run("{ anotherUsers { id ... on User { age } ... on Admin { isMain } } }")
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
            ... on Admin {
              isMain
            }
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
    assert body == {
        "data": {
            "anotherUsers": [
                {"id": "u1", "age": 36},
                {"id": "u2", "isMain": True},
                {"id": "u4"},
            ]
        }
    }


async def test_implementation_field_and_interface_field_from_the_owner(gw: KitGateway) -> None:
    plan, body = await gw.run("{ users { ... on Admin { isMain } name } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "a") {
    {
      users {
        __typename
        ... on Admin {
          isMain
          name
        }
        ... on User {
          name
        }
      }
    }
  },
}\
""")
    assert body == {
        "data": {"users": [{"name": "Ada"}, {"isMain": True, "name": "Root"}, {"name": "Cy"}]}
    }


async def test_interface_object_requires_a_field_of_the_owner(gw: KitGateway) -> None:
    plan, body = await gw.run("{ users { id greeting } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        users {
          __typename
          ... on Admin {
            id
            __typename
            name
          }
          ... on User {
            id
            __typename
            name
          }
        }
      }
    },
    Flatten(path: "users.@") {
      Fetch(service: "b") {
        {
          ... on Admin {
            __typename
            id
            name
          }
          ... on User {
            __typename
            id
            name
          }
        } =>
        {
          ... on NodeWithName {
            greeting
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
                {"id": "u1", "greeting": "Hello, Ada"},
                {"id": "u2", "greeting": "Hello, Root"},
                {"id": "u3", "greeting": None},
            ]
        }
    }


async def test_requirement_from_the_owner_that_has_no_entity(gw: KitGateway) -> None:
    # u4's name cannot be fetched: its greeting is computed from a null name.
    plan, body = await gw.run("{ anotherUsers { username greeting } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "b") {
      {
        anotherUsers {
          __typename
          username
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
            greeting
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
                {"username": "ada", "greeting": "Hello, Ada"},
                {"username": "root", "greeting": "Hello, Root"},
                {"username": "ghost", "greeting": None},
            ]
        }
    }


async def test_two_lists_each_missing_an_entity_on_the_other_side(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ users { name username } anotherUsers { ... on User { age } username } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Parallel {
      Fetch(service: "a") {
        {
          users {
            __typename
            ... on Admin {
              name
              __typename
              id
            }
            ... on User {
              name
              __typename
              id
            }
          }
        }
      },
      Fetch(service: "b") {
        {
          anotherUsers {
            __typename
            username
            id
          }
        }
      },
    },
    Parallel {
      Flatten(path: "users.@") {
        Fetch(service: "b") {
          {
            ... on Admin {
              __typename
              id
            }
            ... on User {
              __typename
              id
            }
          } =>
          {
            ... on NodeWithName {
              username
            }
          }
        },
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
  },
}\
""")
    assert body == {
        "data": {
            "users": [
                {"name": "Ada", "username": "ada"},
                {"name": "Root", "username": "root"},
                {"name": "Cy", "username": None},
            ],
            "anotherUsers": [
                {"age": 36, "username": "ada"},
                {"username": "root"},
                {"username": "ghost"},
            ],
        }
    }


async def test_interface_object_echoing_its_typename_keeps_the_concrete_type() -> None:
    # A subgraph may answer `__typename` for an interface object (asked or not): that is
    # the interface's name, and it must not replace the concrete type a already gave.
    echo = {
        "data": {
            "_entities": [
                {"__typename": "NodeWithName", "username": "ada"},
                {"__typename": "NodeWithName", "username": "root"},
                None,
            ]
        }
    }
    a = make_subgraphs()[0]
    async with kit_gateway(SUPERGRAPH, a, apps={"b": raw_app(json.dumps(echo).encode())}) as gw:
        _, body = await gw.run("{ users { __typename username ... on Admin { isMain } } }")
    assert body == {
        "data": {
            "users": [
                {"__typename": "User", "username": "ada"},
                {"__typename": "Admin", "username": "root", "isMain": True},
                {"__typename": "User", "username": None},
            ]
        }
    }
