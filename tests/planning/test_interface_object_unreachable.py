"""An interface object whose owner cannot be entered: accounts owns the Account interface
but its keys are not resolvable, billing sees Account as an interface object. From
accounts' root everything plans (billing is entered by id); from billing's root only
billing's fields do. A field or a concrete `__typename` that only accounts could answer
is refused with a clear planning error, never silently dropped.
"""

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
    ["accounts", "billing"],
    """
interface Account
  @join__type(graph: ACCOUNTS, key: "id", resolvable: false)
  @join__type(graph: BILLING, key: "id", isInterfaceObject: true)
{
  id: ID!
  email: String! @join__field(graph: ACCOUNTS)
  balance: Int! @join__field(graph: BILLING)
}

type Query
  @join__type(graph: ACCOUNTS)
  @join__type(graph: BILLING)
{
  accounts: [Account!]! @join__field(graph: ACCOUNTS)
  richest: Account @join__field(graph: BILLING)
}

type User implements Account
  @join__implements(graph: ACCOUNTS, interface: "Account")
  @join__type(graph: ACCOUNTS, key: "id", resolvable: false)
{
  id: ID!
  email: String!
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
        interface Account @key(fields: "id", resolvable: false) { id: ID! email: String! }
        type User implements Account @key(fields: "id", resolvable: false) {
          id: ID! email: String!
        }
        """,
        {"User": [{"id": "u1", "email": "ann@x"}, {"id": "u2", "email": "ben@x"}]},
        {"Query.accounts": lambda _s, _i: accounts.rows("User")},
    )
    billing = KitSubgraph(
        "billing",
        FED
        + """
        type Query { richest: Account }
        type Account @key(fields: "id") @interfaceObject { id: ID! balance: Int! }
        """,
        {"Account": [{"id": "u1", "balance": 5}, {"id": "u2", "balance": 90}]},
        {"Query.richest": lambda _s, _i: {"id": "u2"}},
    )
    return [accounts, billing]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


def _refused(body: dict[str, Any], *names: str) -> None:
    """The operation is refused as a whole with a planning error naming what fails."""
    assert body.get("data") is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "QUERY_PLANNING_FAILED"
    assert any(name in error["message"] for name in names), error["message"]


async def test_from_the_owner_root_the_interface_object_is_entered(gw: KitGateway) -> None:
    plan, body = await gw.run("{ accounts { id email balance } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "accounts") {
      {
        accounts {
          __typename
          ... on User {
            id
            email
            __typename
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
    assert body == {
        "data": {
            "accounts": [
                {"id": "u1", "email": "ann@x", "balance": 5},
                {"id": "u2", "email": "ben@x", "balance": 90},
            ]
        }
    }


async def test_interface_object_fields_from_its_own_root(gw: KitGateway) -> None:
    plan, body = await gw.run("{ richest { id balance } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "billing") {
    {
      richest {
        __typename
        id
        balance
      }
    }
  },
}\
""")
    assert body == {"data": {"richest": {"id": "u2", "balance": 90}}}
    assert list(gw.sent()) == ["billing"]


async def test_owner_field_behind_an_unresolvable_key_is_refused(gw: KitGateway) -> None:
    plan, body = await gw.run("{ richest { balance email } }")
    assert plan == snapshot("")
    _refused(body, "email", "Account")
    assert gw.sent() == {}


async def test_concrete_typename_behind_an_unresolvable_key_is_refused(gw: KitGateway) -> None:
    plan, body = await gw.run("{ richest { __typename balance } }")
    assert plan == snapshot("")
    _refused(body, "__typename", "Account")
    assert gw.sent() == {}


async def test_type_condition_behind_an_unresolvable_key_is_refused(gw: KitGateway) -> None:
    plan, body = await gw.run("{ richest { balance ... on User { id } } }")
    assert plan == snapshot("")
    _refused(body, "User", "Account")
    assert gw.sent() == {}
