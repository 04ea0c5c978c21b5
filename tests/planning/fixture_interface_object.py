"""Fixture (tests pending engine fixes): entity interfaces and `@interfaceObject`: a subgraph that sees the interface as an
object type adds fields to every implementation; concrete `__typename`s and
implementation fields come from the subgraph that owns the interface."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from inline_snapshot import snapshot

from tests.planning.header import supergraph
from tests.planning.kit import KitGateway, KitSubgraph, kit_gateway

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
        type Query { richest: Account }
        type Account @key(fields: "id") @interfaceObject { id: ID! balance: Int! }
        """,
        {"Account": [{"id": "a1", "balance": 5}, {"id": "a2", "balance": 700}]},
        {"Query.richest": lambda _s, _i: {"id": "a2"}},
    )
    return [accounts, billing]


@pytest.fixture
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway
