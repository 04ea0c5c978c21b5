"""`@interfaceObject` in two subgraphs at once: a owns the Account interface (Admin,
Regular), b and c see Account as an object and add `name` and `isActive`. A field of one
interface object is fetched from another directly (Account to Account, no detour through
a); a concrete `__typename`, an implementation's own field or a type condition needs a.
NodeWithName (a) and its interface object in b: the same from the interface's side.
"""

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
interface Account
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id", isInterfaceObject: true)
  @join__type(graph: C, key: "id", isInterfaceObject: true)
{
  id: ID!
  name: String! @join__field(graph: B)
  isActive: Boolean! @join__field(graph: C)
}

type Admin implements Account
  @join__implements(graph: A, interface: "Account")
  @join__type(graph: A, key: "id")
{
  id: ID!
  isMain: Boolean!
  name: String! @join__field
  isActive: Boolean! @join__field
}

interface NodeWithName
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id", isInterfaceObject: true)
{
  id: ID!
  name: String @join__field(graph: A)
  username: String @join__field(graph: B)
}

type Query
  @join__type(graph: A)
  @join__type(graph: B)
  @join__type(graph: C)
{
  users: [NodeWithName!]! @join__field(graph: A)
  anotherUsers: [NodeWithName] @join__field(graph: B)
  accounts: [Account] @join__field(graph: B)
  flagged: [Account!]! @join__field(graph: C)
}

type Regular implements Account
  @join__implements(graph: A, interface: "Account")
  @join__type(graph: A, key: "id")
{
  id: ID!
  isMain: Boolean!
  name: String! @join__field
  isActive: Boolean! @join__field
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
    ' import: ["@key", "@interfaceObject"])\n'
)


def make_subgraphs() -> list[KitSubgraph]:
    a = KitSubgraph(
        "a",
        FED
        + """
        type Query { users: [NodeWithName!]! }
        interface Account @key(fields: "id") { id: ID! }
        type Admin implements Account @key(fields: "id") { id: ID! isMain: Boolean! }
        type Regular implements Account @key(fields: "id") { id: ID! isMain: Boolean! }
        interface NodeWithName @key(fields: "id") { id: ID! name: String }
        type User implements NodeWithName @key(fields: "id") { id: ID! name: String age: Int }
        """,
        {
            "Admin": [{"id": "a1", "isMain": True}, {"id": "a2", "isMain": False}],
            "Regular": [{"id": "r1", "isMain": False}],
            "User": [
                {"id": "u1", "name": "Ann", "age": 30},
                {"id": "u2", "name": None, "age": None},
            ],
        },
        {"Query.users": lambda _s, _i: a.rows("User")},
    )
    b = KitSubgraph(
        "b",
        FED
        + """
        type Query { anotherUsers: [NodeWithName] accounts: [Account] }
        type Account @key(fields: "id") @interfaceObject { id: ID! name: String! }
        type NodeWithName @key(fields: "id") @interfaceObject { id: ID! username: String }
        """,
        {
            "Account": [
                {"id": "a1", "name": "Alice"},
                {"id": "r1", "name": "Rex"},
                {"id": "a2", "name": "Abe"},
            ],
            "NodeWithName": [{"id": "u1", "username": "ann"}, {"id": "u2", "username": "bob"}],
        },
        {
            "Query.accounts": lambda _s, _i: [{"id": "a1"}, {"id": "r1"}, None, {"id": "a2"}],
            "Query.anotherUsers": lambda _s, _i: [{"id": "u2"}, None, {"id": "u1"}],
        },
    )
    c = KitSubgraph(
        "c",
        FED
        + """
        type Query { flagged: [Account!]! }
        type Account @key(fields: "id") @interfaceObject { id: ID! isActive: Boolean! }
        """,
        {
            "Account": [
                {"id": "a1", "isActive": True},
                {"id": "r1", "isActive": False},
                {"id": "a2", "isActive": False},
            ]
        },
        {"Query.flagged": lambda _s, _i: [{"id": "r1"}, {"id": "a2"}]},
    )
    return [a, b, c]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_field_of_the_interface_object_that_owns_the_root(gw: KitGateway) -> None:
    plan, body = await gw.run("{ accounts { id name } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "b") {
    {
      accounts {
        __typename
        id
        name
      }
    }
  },
}\
""")
    assert body == {
        "data": {
            "accounts": [
                {"id": "a1", "name": "Alice"},
                {"id": "r1", "name": "Rex"},
                None,
                {"id": "a2", "name": "Abe"},
            ]
        }
    }
    assert list(gw.sent()) == ["b"]


async def test_field_of_another_interface_object_directly(gw: KitGateway) -> None:
    plan, body = await gw.run("{ accounts { name isActive } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "b") {
      {
        accounts {
          __typename
          name
          id
        }
      }
    },
    Flatten(path: "accounts.@") {
      Fetch(service: "c") {
        {
          ... on Account {
            __typename
            id
          }
        } =>
        {
          ... on Account {
            isActive
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "accounts": [
                {"name": "Alice", "isActive": True},
                {"name": "Rex", "isActive": False},
                None,
                {"name": "Abe", "isActive": False},
            ]
        }
    }
    # Account to Account: a, the interface's owner, has nothing to add.
    assert sorted(gw.sent()) == ["b", "c"]
    assert gw["c"].requests[0].variables == {
        "representations": [
            {"__typename": "Account", "id": "a1"},
            {"__typename": "Account", "id": "r1"},
            {"__typename": "Account", "id": "a2"},
        ]
    }


async def test_concrete_typename_from_the_interface_owner(gw: KitGateway) -> None:
    plan, body = await gw.run("{ accounts { __typename name } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "b") {
      {
        accounts {
          __typename
          name
          id
        }
      }
    },
    Flatten(path: "accounts.@") {
      Fetch(service: "a") {
        {
          ... on Account {
            __typename
            id
          }
        } =>
        {
          ... on Account {
            __typename
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "accounts": [
                {"__typename": "Admin", "name": "Alice"},
                {"__typename": "Regular", "name": "Rex"},
                None,
                {"__typename": "Admin", "name": "Abe"},
            ]
        }
    }


async def test_interface_object_field_inside_a_type_condition(gw: KitGateway) -> None:
    # b has every account's name, but only admins' belong in the answer.
    plan, body = await gw.run("{ accounts { id ... on Admin { name } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "b") {
      {
        accounts {
          __typename
          id
          name
        }
      }
    },
    Flatten(path: "accounts.@") {
      Fetch(service: "a") {
        {
          ... on Account {
            __typename
            id
          }
        } =>
        {
          ... on Account {
            __typename
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "accounts": [
                {"id": "a1", "name": "Alice"},
                {"id": "r1"},
                None,
                {"id": "a2", "name": "Abe"},
            ]
        }
    }


async def test_fields_of_three_subgraphs_under_type_conditions(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ accounts { name ... on Admin { isMain } ... on Regular { isMain isActive } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "b") {
      {
        accounts {
          __typename
          name
          id
        }
      }
    },
    Flatten(path: "accounts.@") {
      Fetch(service: "a") {
        {
          ... on Account {
            __typename
            id
          }
        } =>
        {
          ... on Account {
            __typename
            ... on Admin {
              isMain
            }
            ... on Regular {
              isMain
              __typename
              id
            }
          }
        }
      },
    },
    Flatten(path: "accounts.@") {
      Fetch(service: "c") {
        {
          ... on Regular {
            __typename
            id
          }
        } =>
        {
          ... on Account {
            isActive
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "accounts": [
                {"name": "Alice", "isMain": True},
                {"name": "Rex", "isMain": False, "isActive": False},
                None,
                {"name": "Abe", "isMain": False},
            ]
        }
    }


async def test_root_of_an_interface_object_then_the_other_interface_object(
    gw: KitGateway,
) -> None:
    plan, body = await gw.run("{ flagged { id isActive name } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "c") {
      {
        flagged {
          __typename
          id
          isActive
        }
      }
    },
    Flatten(path: "flagged.@") {
      Fetch(service: "b") {
        {
          ... on Account {
            __typename
            id
          }
        } =>
        {
          ... on Account {
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
            "flagged": [
                {"id": "r1", "isActive": False, "name": "Rex"},
                {"id": "a2", "isActive": False, "name": "Abe"},
            ]
        }
    }
    assert sorted(gw.sent()) == ["b", "c"]


async def test_interface_object_field_from_the_interface_owner_root(gw: KitGateway) -> None:
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
                {"id": "u2", "name": None, "username": "bob"},
            ]
        }
    }
    assert gw["b"].requests[0].variables == {
        "representations": [
            {"__typename": "NodeWithName", "id": "u1"},
            {"__typename": "NodeWithName", "id": "u2"},
        ]
    }


async def test_interface_field_and_implementation_field_after_an_interface_object(
    gw: KitGateway,
) -> None:
    plan, body = await gw.run("{ anotherUsers { username name ... on User { age } } }")
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
    assert body == {
        "data": {
            "anotherUsers": [
                {"username": "bob", "name": None, "age": None},
                None,
                {"username": "ann", "name": "Ann", "age": 30},
            ]
        }
    }


async def test_typename_and_id_only_from_the_interface_object(gw: KitGateway) -> None:
    plan, body = await gw.run("{ flagged { __typename id } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "c") {
      {
        flagged {
          __typename
          id
        }
      }
    },
    Flatten(path: "flagged.@") {
      Fetch(service: "a") {
        {
          ... on Account {
            __typename
            id
          }
        } =>
        {
          ... on Account {
            __typename
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "flagged": [{"__typename": "Regular", "id": "r1"}, {"__typename": "Admin", "id": "a2"}]
        }
    }
    assert sorted(gw.sent()) == ["a", "c"]


async def test_concrete_typename_survives_the_interface_object_answers(gw: KitGateway) -> None:
    # c and b only know "Account": their answers must not replace a's concrete typename.
    plan, body = await gw.run("{ accounts { __typename isActive name } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "b") {
      {
        accounts {
          __typename
          id
          name
        }
      }
    },
    Parallel {
      Flatten(path: "accounts.@") {
        Fetch(service: "c") {
          {
            ... on Account {
              __typename
              id
            }
          } =>
          {
            ... on Account {
              isActive
            }
          }
        },
      },
      Flatten(path: "accounts.@") {
        Fetch(service: "a") {
          {
            ... on Account {
              __typename
              id
            }
          } =>
          {
            ... on Account {
              __typename
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
            "accounts": [
                {"__typename": "Admin", "isActive": True, "name": "Alice"},
                {"__typename": "Regular", "isActive": False, "name": "Rex"},
                None,
                {"__typename": "Admin", "isActive": False, "name": "Abe"},
            ]
        }
    }


async def test_interface_object_field_under_a_condition_from_another_interface_object(
    gw: KitGateway,
) -> None:
    plan, body = await gw.run("{ accounts { id ... on Admin { isActive } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "b") {
      {
        accounts {
          __typename
          id
        }
      }
    },
    Flatten(path: "accounts.@") {
      Fetch(service: "a") {
        {
          ... on Account {
            __typename
            id
          }
        } =>
        {
          ... on Account {
            __typename
            ... on Admin {
              __typename
              id
            }
          }
        }
      },
    },
    Flatten(path: "accounts.@") {
      Fetch(service: "c") {
        {
          ... on Admin {
            __typename
            id
          }
        } =>
        {
          ... on Account {
            isActive
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "accounts": [
                {"id": "a1", "isActive": True},
                {"id": "r1"},
                None,
                {"id": "a2", "isActive": False},
            ]
        }
    }


async def test_typename_and_implementation_field_from_the_third_subgraph_root(
    gw: KitGateway,
) -> None:
    plan, body = await gw.run("{ flagged { isActive __typename ... on Admin { isMain name } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "c") {
      {
        flagged {
          __typename
          isActive
          id
        }
      }
    },
    Flatten(path: "flagged.@") {
      Fetch(service: "a") {
        {
          ... on Account {
            __typename
            id
          }
        } =>
        {
          ... on Account {
            __typename
            ... on Admin {
              isMain
              __typename
              id
            }
          }
        }
      },
    },
    Flatten(path: "flagged.@") {
      Fetch(service: "b") {
        {
          ... on Admin {
            __typename
            id
          }
        } =>
        {
          ... on Account {
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
            "flagged": [
                {"isActive": False, "__typename": "Regular"},
                {"isActive": False, "__typename": "Admin", "isMain": False, "name": "Abe"},
            ]
        }
    }
