# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""A field whose type differs by subgraph (`@join__field(type:)`): `id` is `ID` in the
supergraph, `ID!` on User but `ID` on Admin in accounts. Sibling type conditions that
select `id` on both are valid for the client (both `ID` in the API schema) but not for
accounts (`ID!` and `ID` under one response name cannot merge): whatever the planner
sends there, the client's or its own key selections, needs internal aliases. Also an
interface field that one subgraph only has on the implementations (never selected on
the interface there).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from graphql import parse, validate
from inline_snapshot import snapshot

from tests.planning.header import supergraph
from tests.planning.helpers import KitGateway, KitSubgraph, kit_gateway

#: One event loop per module: the module-scoped kit servers and gateway live in it.
pytestmark = pytest.mark.asyncio(loop_scope="module")

SUPERGRAPH = supergraph(
    ["accounts", "directory", "mail", "remote"],
    """
union Account
  @join__type(graph: ACCOUNTS)
  @join__unionMember(graph: ACCOUNTS, member: "User")
  @join__unionMember(graph: ACCOUNTS, member: "Admin")
 = Admin | User

type Admin
  @join__type(graph: ACCOUNTS, key: "id")
  @join__type(graph: MAIL, key: "id")
{
  id: ID @join__field(graph: ACCOUNTS, type: "ID") @join__field(graph: MAIL, type: "ID!")
  name: String @join__field(graph: ACCOUNTS)
  email: String @join__field(graph: MAIL)
  similar: [Account!] @join__field(graph: ACCOUNTS)
}

interface Item
  @join__type(graph: DIRECTORY, key: "id")
  @join__type(graph: REMOTE, key: "id")
{
  id: ID!
  payload: String @join__field(graph: REMOTE)
}

type ItemA implements Item
  @join__implements(graph: DIRECTORY, interface: "Item")
  @join__implements(graph: REMOTE, interface: "Item")
  @join__type(graph: DIRECTORY, key: "id")
  @join__type(graph: REMOTE, key: "id")
{
  id: ID!
  payload: String @join__field(graph: DIRECTORY) @join__field(graph: REMOTE)
  size: Int @join__field(graph: DIRECTORY)
}

type ItemB implements Item
  @join__implements(graph: DIRECTORY, interface: "Item")
  @join__implements(graph: REMOTE, interface: "Item")
  @join__type(graph: DIRECTORY, key: "id")
  @join__type(graph: REMOTE, key: "id")
{
  id: ID!
  payload: String @join__field(graph: DIRECTORY) @join__field(graph: REMOTE)
}

type Query
  @join__type(graph: ACCOUNTS)
  @join__type(graph: DIRECTORY)
  @join__type(graph: MAIL)
  @join__type(graph: REMOTE)
{
  accounts: [Account!]! @join__field(graph: ACCOUNTS)
  users: [User!]! @join__field(graph: DIRECTORY)
  items: [Item!]! @join__field(graph: DIRECTORY)
}

type User
  @join__type(graph: ACCOUNTS, key: "id")
  @join__type(graph: DIRECTORY)
  @join__type(graph: MAIL, key: "id")
{
  id: ID @join__field(graph: ACCOUNTS, type: "ID!") @join__field(graph: DIRECTORY, type: "ID") @join__field(graph: MAIL, type: "ID!")
  name: String @join__field(graph: ACCOUNTS)
  email: String @join__field(graph: MAIL)
  similar: [Account!] @join__field(graph: ACCOUNTS)
}
""",
)

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@shareable"])\n'
)

U1 = {"__typename": "User", "id": "u1"}
U2 = {"__typename": "User", "id": "u2"}
X1 = {"__typename": "Admin", "id": "x1"}
X2 = {"__typename": "Admin", "id": None}


def make_subgraphs() -> list[KitSubgraph]:
    accounts = KitSubgraph(
        "accounts",
        FED
        + """
        type Query { accounts: [Account!]! }
        union Account = User | Admin
        type User @key(fields: "id") { id: ID! name: String similar: [Account!] }
        type Admin @key(fields: "id") { id: ID name: String similar: [Account!] }
        """,
        {
            "User": [
                {"id": "u1", "name": "Ada", "similar": [X1]},
                {"id": "u2", "name": "Bo", "similar": []},
            ],
            # An admin without an id: its key is null, no other subgraph can be asked.
            "Admin": [
                {"id": "x1", "name": "Root", "similar": [U1, U2]},
                {"id": None, "name": "Ghost", "similar": None},
            ],
        },
        {"Query.accounts": lambda _s, _i: [U1, X1, X2, U2]},
    )
    directory = KitSubgraph(
        "directory",
        FED
        + """
        type Query { users: [User!]! items: [Item!]! }
        type User @shareable { id: ID }
        interface Item @key(fields: "id") { id: ID! }
        type ItemA implements Item @key(fields: "id") { id: ID! payload: String @shareable size: Int }
        type ItemB implements Item @key(fields: "id") { id: ID! payload: String @shareable }
        """,
        {
            "User": [{"id": "u1"}, {"id": None}, {"id": "u2"}],
            "ItemA": [{"id": "i1", "payload": "alpha", "size": 3}],
            "ItemB": [{"id": "i2", "payload": None}],
        },
        {
            "Query.users": lambda _s, _i: directory.rows("User"),
            "Query.items": lambda _s, _i: directory.rows("ItemA") + directory.rows("ItemB"),
        },
    )
    mail = KitSubgraph(
        "mail",
        FED
        + """
        type User @key(fields: "id") { id: ID! email: String }
        type Admin @key(fields: "id") { id: ID! email: String }
        """,
        {
            "User": [{"id": "u1", "email": "ada@x"}, {"id": "u2", "email": None}],
            "Admin": [{"id": "x1", "email": "root@x"}],
        },
    )
    remote = KitSubgraph(
        "remote",
        FED
        + """
        interface Item @key(fields: "id") { id: ID! payload: String }
        type ItemA implements Item @key(fields: "id") { id: ID! payload: String @shareable }
        type ItemB implements Item @key(fields: "id") { id: ID! payload: String @shareable }
        """,
        {"ItemA": [{"id": "i1", "payload": "alpha"}], "ItemB": [{"id": "i2", "payload": None}]},
    )
    return [accounts, directory, mail, remote]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


def _no_subgraph_errors(gw: KitGateway) -> None:
    """Every request was valid for the subgraph that received it (the kit answers an
    invalid operation with errors and no data)."""
    for name, requests in gw.sent().items():
        subgraph = gw[name]
        for request in requests:
            assert "errors" not in _validate(subgraph, request.query), (name, request.query)


def _validate(subgraph: KitSubgraph, query: str) -> dict[str, object]:
    errors = validate(subgraph.schema, parse(query))
    return {"errors": [e.message for e in errors]} if errors else {}


async def test_key_of_another_type_where_the_root_subgraph_has_it_nullable(
    gw: KitGateway,
) -> None:
    plan, body = await gw.run("{ users { id name } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "directory") {
      {
        users {
          id
          __typename
        }
      }
    },
    Flatten(path: "users.@") {
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
    # The second user has no id in directory: no key, nothing to ask accounts for.
    assert body == {
        "data": {
            "users": [
                {"id": "u1", "name": "Ada"},
                {"id": None, "name": None},
                {"id": "u2", "name": "Bo"},
            ]
        }
    }
    _no_subgraph_errors(gw)


async def test_sibling_conditions_select_a_field_typed_differently(gw: KitGateway) -> None:
    plan, body = await gw.run("{ accounts { ... on User { id name } ... on Admin { id name } } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "accounts") {
    {
      accounts {
        __typename
        ... on Admin {
          id
          name
        }
        ... on User {
          _gw1_id: id
          name
          __typename
        }
      }
    }
  },
}\
""")
    assert body == {
        "data": {
            "accounts": [
                {"id": "u1", "name": "Ada"},
                {"id": "x1", "name": "Root"},
                {"id": None, "name": "Ghost"},
                {"id": "u2", "name": "Bo"},
            ]
        }
    }
    _no_subgraph_errors(gw)


async def test_planner_key_selections_typed_differently_per_member(gw: KitGateway) -> None:
    # The client selects no id: the planner adds `id` for the mail hop on both members.
    plan, body = await gw.run("{ accounts { ... on User { email } ... on Admin { email } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "accounts") {
      {
        accounts {
          __typename
          ... on Admin {
            __typename
            id
          }
          ... on User {
            __typename
            _gw1_id: id
          }
        }
      }
    },
    Flatten(path: "accounts.@") {
      Fetch(service: "mail") {
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
          ... on Admin {
            email
          }
          ... on User {
            email
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
                {"email": "ada@x"},
                {"email": "root@x"},
                {"email": None},
                {"email": None},
            ]
        }
    }
    _no_subgraph_errors(gw)
    assert gw["mail"].requests[0].variables == {
        "representations": [
            {"__typename": "User", "id": "u1"},
            {"__typename": "Admin", "id": "x1"},
            {"__typename": "User", "id": "u2"},
        ]
    }


async def test_typed_differently_inside_an_entity_fetch(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ users { id similar { ... on Admin { id name } ... on User { id name } } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "directory") {
      {
        users {
          id
          __typename
        }
      }
    },
    Flatten(path: "users.@") {
      Fetch(service: "accounts") {
        {
          ... on User {
            __typename
            id
          }
        } =>
        {
          ... on User {
            similar {
              __typename
              ... on Admin {
                id
                name
              }
              ... on User {
                _gw1_id: id
                name
                __typename
              }
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
            "users": [
                {"id": "u1", "similar": [{"id": "x1", "name": "Root"}]},
                {"id": None, "similar": None},
                {"id": "u2", "similar": []},
            ]
        }
    }
    _no_subgraph_errors(gw)


async def test_client_alias_and_typename_next_to_the_differently_typed_field(
    gw: KitGateway,
) -> None:
    plan, body = await gw.run(
        "{ accounts { __typename ... on User { key: id } ... on Admin { key: id email } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "accounts") {
      {
        accounts {
          __typename
          ... on Admin {
            __typename
            key: id
            id
          }
          ... on User {
            __typename
            _gw1_key: id
          }
        }
      }
    },
    Flatten(path: "accounts.@") {
      Fetch(service: "mail") {
        {
          ... on Admin {
            __typename
            id
          }
        } =>
        {
          ... on Admin {
            email
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
                {"__typename": "User", "key": "u1"},
                {"__typename": "Admin", "key": "x1", "email": "root@x"},
                {"__typename": "Admin", "key": None, "email": None},
                {"__typename": "User", "key": "u2"},
            ]
        }
    }
    _no_subgraph_errors(gw)


async def test_interface_field_one_subgraph_only_has_on_implementations(gw: KitGateway) -> None:
    plan, body = await gw.run("{ items { id payload } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "directory") {
    {
      items {
        __typename
        ... on ItemA {
          id
          payload
        }
        ... on ItemB {
          id
          payload
        }
      }
    }
  },
}\
""")
    assert body == {
        "data": {"items": [{"id": "i1", "payload": "alpha"}, {"id": "i2", "payload": None}]}
    }
    # directory's Item interface has no payload: valid there only under the implementations.
    _no_subgraph_errors(gw)


async def test_interface_field_next_to_an_implementation_field(gw: KitGateway) -> None:
    plan, body = await gw.run("{ items { payload ... on ItemA { size } } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "directory") {
    {
      items {
        __typename
        ... on ItemA {
          payload
          size
        }
        ... on ItemB {
          payload
        }
      }
    }
  },
}\
""")
    assert body == {"data": {"items": [{"payload": "alpha", "size": 3}, {"payload": None}]}}
    _no_subgraph_errors(gw)
