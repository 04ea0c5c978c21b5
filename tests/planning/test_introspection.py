"""Introspection (`__schema`, `__type`) and `__typename` are answered by the gateway from
the API schema: no subgraph request, no join machinery visible."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from inline_snapshot import snapshot

from tests.planning.helpers import KitGateway, kit_gateway
from tests.planning.test_mutations import SUPERGRAPH, make_subgraphs

#: One event loop per module: the module-scoped kit servers and gateway live in it.
pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(loop_scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    subgraphs, _ = make_subgraphs()
    async with kit_gateway(SUPERGRAPH, *subgraphs) as gateway:
        yield gateway


async def test_schema_root_types(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ __schema { queryType { name } mutationType { name } subscriptionType { name } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
}\
""")
    assert body == snapshot(
        {
            "data": {
                "__schema": {
                    "queryType": {"name": "Query"},
                    "mutationType": {"name": "Mutation"},
                    "subscriptionType": None,
                }
            }
        }
    )
    assert gw.sent() == {}


async def test_no_join_machinery_in_the_api_schema(gw: KitGateway) -> None:
    _, body = await gw.run("{ __schema { types { name } directives { name } } }")
    types = sorted(t["name"] for t in body["data"]["__schema"]["types"])
    assert [t for t in types if not t.startswith("__")] == snapshot(
        ["Boolean", "ID", "Int", "Mutation", "Order", "Query", "String", "User"]
    )
    assert sorted(d["name"] for d in body["data"]["__schema"]["directives"]) == snapshot(
        ["defer", "deprecated", "include", "oneOf", "skip", "specifiedBy", "stream"]
    )
    assert gw.sent() == {}


async def test_type_by_name(gw: KitGateway) -> None:
    plan, body = await gw.run(
        """{ __type(name: "User") { name kind fields { name type { kind ofType { name } } } } }"""
    )
    assert plan == snapshot("""\
QueryPlan {
}\
""")
    assert body == snapshot(
        {
            "data": {
                "__type": {
                    "name": "User",
                    "kind": "OBJECT",
                    "fields": [
                        {"name": "id", "type": {"kind": "NON_NULL", "ofType": {"name": "ID"}}},
                        {
                            "name": "name",
                            "type": {"kind": "NON_NULL", "ofType": {"name": "String"}},
                        },
                        {"name": "orders", "type": {"kind": "NON_NULL", "ofType": {"name": None}}},
                    ],
                }
            }
        }
    )
    assert gw.sent() == {}


async def test_introspection_next_to_subgraph_fields(gw: KitGateway) -> None:
    plan, body = await gw.run(
        '{ t: __type(name: "Order") { name } users { __typename name } __typename }'
    )
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "accounts") {
    {
      users {
        __typename
        name
      }
    }
  },
}\
""")
    assert body == snapshot(
        {
            "data": {
                "t": {"name": "Order"},
                "users": [{"__typename": "User", "name": "Ada"}],
                "__typename": "Query",
            }
        }
    )
    assert sorted(gw.sent()) == snapshot(["accounts"])


async def test_typename_of_the_mutation_root(gw: KitGateway) -> None:
    plan, body = await gw.run('mutation { __typename createUser(name: "C") { __typename } }')
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "accounts") {
    {
      createUser(name: "C") {
        __typename
      }
    }
  },
}\
""")
    assert body == snapshot(
        {"data": {"__typename": "Mutation", "createUser": {"__typename": "User"}}}
    )


async def test_introspection_through_fragments_at_the_root(gw: KitGateway) -> None:
    plan, body = await gw.run(
        """query { ...F ... on Query { t: __type(name: "Order") { name } } }
        fragment F on Query { __schema { queryType { name } } users { name } }"""
    )
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "accounts") {
    {
      users {
        name
      }
    }
  },
}\
""")
    assert body == snapshot(
        {
            "data": {
                "__schema": {"queryType": {"name": "Query"}},
                "users": [{"name": "Ada"}],
                "t": {"name": "Order"},
            }
        }
    )
