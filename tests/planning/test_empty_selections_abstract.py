"""Selections emptied by `@skip`/`@include` on abstract types, interface objects and
mutations: an interface list whose type conditions are all skipped is a list of `{}`, an
interface object whose fields are all skipped still needs its fetch (with `__typename`),
and a mutation whose result fields are all skipped still runs. No subgraph ever gets an
empty selection set (the subgraphs here parse by the spec's grammar)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from inline_snapshot import snapshot

from tests.planning.header import supergraph
from tests.planning.helpers import KitGateway, kit_gateway
from tests.planning.test_empty_selections import StrictSubgraph

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

type Mutation
  @join__type(graph: ACCOUNTS)
{
  touch(id: ID!): Account @join__field(graph: ACCOUNTS)
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

#: How many times `touch` ran: a skipped result must not skip the mutation.
TOUCHED: list[str] = []


def _touch(_source: Any, _info: Any, id: str) -> dict[str, Any]:
    TOUCHED.append(id)
    return {"__typename": "Admin" if id == "a2" else "User", "id": id}


def make_subgraphs() -> list[StrictSubgraph]:
    accounts = StrictSubgraph(
        "accounts",
        FED
        + """
        type Query { accounts: [Account!]! }
        type Mutation { touch(id: ID!): Account }
        interface Account @key(fields: "id") { id: ID! email: String! }
        type User implements Account @key(fields: "id") { id: ID! email: String! name: String! }
        type Admin implements Account @key(fields: "id") { id: ID! email: String! level: Int! }
        """,
        {
            "User": [{"id": "a1", "email": "ada@x", "name": "Ada"}],
            "Admin": [{"id": "a2", "email": "root@x", "level": 9}],
        },
        {
            "Query.accounts": lambda _s, _i: accounts.rows("User") + accounts.rows("Admin"),
            "Mutation.touch": _touch,
        },
    )
    billing = StrictSubgraph(
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


def _no_empty_selection(gw: KitGateway) -> None:
    for name, requests in gw.sent().items():
        for request in requests:
            assert "{}" not in "".join(request.query.split()), (name, request.query)


async def test_only_type_condition_field_skipped_on_an_interface_list(gw: KitGateway) -> None:
    plan, body = await gw.run("{ accounts { ... on Admin { level @skip(if: true) } } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "accounts") {
    {
      accounts {
        __typename
      }
    }
  },
}\
""")
    assert body == {"data": {"accounts": [{}, {}]}}
    _no_empty_selection(gw)


async def test_skipped_type_condition_next_to_a_kept_one(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ accounts { ... on User @skip(if: true) { name } ... on Admin { level } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "accounts") {
    {
      accounts {
        __typename
        ... on Admin {
          level
        }
      }
    }
  },
}\
""")
    assert body == {"data": {"accounts": [{}, {"level": 9}]}}
    _no_empty_selection(gw)


async def test_every_field_of_an_interface_list_skipped_needs_no_entity_fetch(
    gw: KitGateway,
) -> None:
    plan, body = await gw.run(
        "query ($no: Boolean!) { accounts { email @include(if: $no) balance @include(if: $no) } }",
        {"no": False},
    )
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "accounts") {
    {
      accounts {
        __typename
      }
    }
  },
}\
""")
    assert body == {"data": {"accounts": [{}, {}]}}
    _no_empty_selection(gw)
    assert sorted(gw.sent()) == ["accounts"]


async def test_only_field_of_an_interface_object_root_skipped(gw: KitGateway) -> None:
    plan, body = await gw.run("{ richest { balance @skip(if: true) } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "billing") {
    {
      richest {
        __typename
      }
    }
  },
}\
""")
    assert body == {"data": {"richest": {}}}
    _no_empty_selection(gw)


async def test_implementation_field_excluded_after_an_interface_object(gw: KitGateway) -> None:
    plan, body = await gw.run("{ all { balance ... on User { name @include(if: false) } } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "billing") {
    {
      all {
        __typename
        balance
      }
    }
  },
}\
""")
    assert body == {"data": {"all": [{"balance": 5}, {"balance": 700}]}}
    _no_empty_selection(gw)


async def test_interface_object_field_excluded_next_to_owner_fields(gw: KitGateway) -> None:
    plan, body = await gw.run("{ accounts { email balance @include(if: false) } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "accounts") {
    {
      accounts {
        __typename
        ... on Admin {
          email
        }
        ... on User {
          email
        }
      }
    }
  },
}\
""")
    assert body == {"data": {"accounts": [{"email": "ada@x"}, {"email": "root@x"}]}}
    _no_empty_selection(gw)
    assert sorted(gw.sent()) == ["accounts"]


async def test_mutation_whose_result_fields_are_all_skipped_still_runs(gw: KitGateway) -> None:
    TOUCHED.clear()
    plan, body = await gw.run('mutation { touch(id: "a1") { email @skip(if: true) } }')
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "accounts") {
    {
      touch(id: "a1") {
        __typename
      }
    }
  },
}\
""")
    assert body == {"data": {"touch": {}}}
    assert TOUCHED == ["a1"]
    _no_empty_selection(gw)


async def test_mutation_result_emptied_in_the_entity_fetch(gw: KitGateway) -> None:
    TOUCHED.clear()
    plan, body = await gw.run(
        'mutation ($show: Boolean!) { touch(id: "a2") { email balance @include(if: $show) } }',
        {"show": False},
    )
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "accounts") {
    {
      touch(id: "a2") {
        __typename
        ... on Admin {
          email
        }
        ... on User {
          email
        }
      }
    }
  },
}\
""")
    assert body == {"data": {"touch": {"email": "root@x"}}}
    assert TOUCHED == ["a2"]
    _no_empty_selection(gw)
