"""Entity interfaces and `@interfaceObject`: a subgraph that sees the interface as an
object type adds fields to every implementation; concrete `__typename`s and
implementation fields come from the subgraph that owns the interface."""

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
    ["accounts", "billing"],
    """
interface Account
  @join__type(graph: ACCOUNTS, key: "id")
  @join__type(graph: BILLING, key: "id", isInterfaceObject: true)
{
  id: ID!
  email: String! @join__field(graph: ACCOUNTS)
  balance: Int! @join__field(graph: BILLING)
}

type Admin implements Account
  @join__implements(graph: ACCOUNTS, interface: "Account")
  @join__type(graph: ACCOUNTS, key: "id")
{
  id: ID!
  email: String!
  level: Int!
  balance: Int! @join__field
}

type Query
  @join__type(graph: ACCOUNTS)
  @join__type(graph: BILLING)
{
  accounts: [Account!]! @join__field(graph: ACCOUNTS)
  richest: Account @join__field(graph: BILLING)
  all: [Account!]! @join__field(graph: BILLING)
}

type User implements Account
  @join__implements(graph: ACCOUNTS, interface: "Account")
  @join__type(graph: ACCOUNTS, key: "id")
{
  id: ID!
  email: String!
  name: String!
  balance: Int! @join__field
}
""",
)

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@interfaceObject"])\n'
)


def make_subgraphs() -> list[KitSubgraph]:
    accounts = KitSubgraph(
        "accounts",
        FED
        + """
        type Query { accounts: [Account!]! }
        interface Account @key(fields: "id") { id: ID! email: String! }
        type User implements Account @key(fields: "id") { id: ID! email: String! name: String! }
        type Admin implements Account @key(fields: "id") { id: ID! email: String! level: Int! }
        """,
        {
            "User": [{"id": "a1", "email": "ada@x", "name": "Ada"}],
            "Admin": [{"id": "a2", "email": "root@x", "level": 9}],
        },
        {"Query.accounts": lambda _s, _i: accounts.rows("User") + accounts.rows("Admin")},
    )
    billing = KitSubgraph(
        "billing",
        FED
        + """
        type Query { richest: Account all: [Account!]! }
        type Account @key(fields: "id") @interfaceObject { id: ID! balance: Int! }
        """,
        {"Account": [{"id": "a1", "balance": 5}, {"id": "a2", "balance": 700}]},
        {
            "Query.richest": lambda _s, _i: {"id": "a2"},
            "Query.all": lambda _s, _i: billing.rows("Account"),
        },
    )
    return [accounts, billing]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_interface_object_field_on_every_implementation(gw: KitGateway) -> None:
    plan, body = await gw.run("{ accounts { email balance } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "accounts") {
      {
        accounts {
          __typename
          ... on Admin {
            email
            __typename
            id
          }
          ... on User {
            email
            __typename
            id
          }
        }
      }
    },
    Flatten(path: "accounts.@") {
      Fetch(service: "billing") {
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
          ... on Account {
            balance
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
                "accounts": [{"email": "ada@x", "balance": 5}, {"email": "root@x", "balance": 700}]
            }
        }
    )
    # The interface object knows only "Account": that is the typename it is sent.
    assert gw["billing"].requests[0].variables == snapshot(
        {
            "representations": [
                {"__typename": "Account", "id": "a1"},
                {"__typename": "Account", "id": "a2"},
            ]
        }
    )


async def test_interface_object_field_inside_a_type_condition(gw: KitGateway) -> None:
    plan, body = await gw.run("{ accounts { ... on User { name balance } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "accounts") {
      {
        accounts {
          __typename
          ... on User {
            name
            __typename
            id
          }
        }
      }
    },
    Flatten(path: "accounts.@") {
      Fetch(service: "billing") {
        {
          ... on User {
            __typename
            id
          }
        } =>
        {
          ... on Account {
            balance
          }
        }
      },
    },
  },
}\
""")
    assert body == snapshot({"data": {"accounts": [{"name": "Ada", "balance": 5}, {}]}})


async def test_interface_fields_from_the_owner_after_an_interface_object(
    gw: KitGateway,
) -> None:
    plan, body = await gw.run("{ richest { balance email } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "billing") {
      {
        richest {
          __typename
          balance
          id
        }
      }
    },
    Flatten(path: "richest") {
      Fetch(service: "accounts") {
        {
          ... on Account {
            __typename
            id
          }
        } =>
        {
          ... on Account {
            email
          }
        }
      },
    },
  },
}\
""")
    assert body == snapshot({"data": {"richest": {"balance": 700, "email": "root@x"}}})
    assert gw["accounts"].requests[0].variables == snapshot(
        {"representations": [{"__typename": "Account", "id": "a2"}]}
    )


async def test_concrete_typename_comes_from_the_interface_owner(gw: KitGateway) -> None:
    plan, body = await gw.run("{ richest { __typename balance } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "billing") {
      {
        richest {
          __typename
          balance
          id
        }
      }
    },
    Flatten(path: "richest") {
      Fetch(service: "accounts") {
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
    assert body == snapshot({"data": {"richest": {"__typename": "Admin", "balance": 700}}})


async def test_implementation_fields_after_an_interface_object(gw: KitGateway) -> None:
    plan, body = await gw.run("{ richest { balance ... on Admin { level } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "billing") {
      {
        richest {
          __typename
          balance
          id
        }
      }
    },
    Flatten(path: "richest") {
      Fetch(service: "accounts") {
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
              level
            }
          }
        }
      },
    },
  },
}\
""")
    assert body == snapshot({"data": {"richest": {"balance": 700, "level": 9}}})


async def test_only_interface_object_fields(gw: KitGateway) -> None:
    plan, body = await gw.run("{ richest { balance } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "billing") {
    {
      richest {
        __typename
        balance
      }
    }
  },
}\
""")
    assert body == snapshot({"data": {"richest": {"balance": 700}}})


async def test_list_of_interface_objects_with_type_conditions(gw: KitGateway) -> None:
    plan, body = await gw.run("{ all { balance ... on User { name } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "billing") {
      {
        all {
          __typename
          balance
          id
        }
      }
    },
    Flatten(path: "all.@") {
      Fetch(service: "accounts") {
        {
          ... on Account {
            __typename
            id
          }
        } =>
        {
          ... on Account {
            __typename
            ... on User {
              name
            }
          }
        }
      },
    },
  },
}\
""")
    assert body == snapshot({"data": {"all": [{"balance": 5, "name": "Ada"}, {"balance": 700}]}})
