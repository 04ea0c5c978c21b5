"""Named and inline fragments on an interface and its implementation, nested, with
`@include`/`@skip` from variables at several levels (after Hive Router's issue 965 and its
corrupted-supergraph-node-id fixture, where `Chat.id` is external in the subgraph that
keys `Chat` by it): the fragment's type (interface or object) never changes the answer,
and the conditions apply at the level they are written."""

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
    ["a", "b"],
    """
type Account implements Node
  @join__implements(graph: A, interface: "Node")
  @join__implements(graph: B, interface: "Node")
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id")
{
  id: ID! @join__field(graph: A) @join__field(graph: B, external: true)
  username: String! @join__field(graph: A)
  chats: [Chat!]! @join__field(graph: B)
}

type Chat implements Node
  @join__implements(graph: A, interface: "Node")
  @join__implements(graph: B, interface: "Node")
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id")
{
  id: ID! @join__field(graph: A, external: true) @join__field(graph: B)
  account: Account! @join__field(graph: A)
  text: String! @join__field(graph: B)
}

interface Node
  @join__type(graph: A)
  @join__type(graph: B)
{
  id: ID!
}

type Query
  @join__type(graph: A)
  @join__type(graph: B)
{
  node(id: ID!): Node
  account(id: String!): Account @join__field(graph: A)
  chat(id: String!): Chat @join__field(graph: B)
}
""",
)

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@external", "@shareable"])\n'
)


def _node(_source: Any, _info: Any, id: str) -> dict[str, Any]:
    return {"__typename": "Account" if id.startswith("a") else "Chat", "id": id}


def make_subgraphs() -> list[StrictSubgraph]:
    a = StrictSubgraph(
        "a",
        FED
        + """
        type Query { node(id: ID!): Node @shareable account(id: String!): Account }
        interface Node { id: ID! }
        type Account implements Node @key(fields: "id") { id: ID! username: String! }
        type Chat implements Node @key(fields: "id") { id: ID! @external account: Account! }
        """,
        {
            "Account": [{"id": "a1", "username": "ann"}, {"id": "a2", "username": "bob"}],
            "Chat": [{"id": "c1", "account": {"id": "a1"}}, {"id": "c2", "account": {"id": "a2"}}],
        },
        {
            "Query.node": _node,
            "Query.account": lambda _s, _i, id: next(r for r in a.rows("Account") if r["id"] == id),
        },
    )
    b = StrictSubgraph(
        "b",
        FED
        + """
        type Query { node(id: ID!): Node @shareable chat(id: String!): Chat }
        interface Node { id: ID! }
        type Account implements Node @key(fields: "id") { id: ID! @external chats: [Chat!]! }
        type Chat implements Node @key(fields: "id") { id: ID! text: String! }
        """,
        {
            "Account": [
                {"id": "a1", "chats": [{"id": "c1"}, {"id": "c2"}]},
                {"id": "a2", "chats": []},
            ],
            "Chat": [{"id": "c1", "text": "hi"}, {"id": "c2", "text": "yo"}],
        },
        {
            "Query.node": _node,
            "Query.chat": lambda _s, _i, id: next(r for r in b.rows("Chat") if r["id"] == id),
        },
    )
    return [a, b]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


NESTED = """
query ($outer: Boolean!, $inner: Boolean!, $skip: Boolean!) { account(id: "a1") { ...Test } }
fragment Test on Node {
  ... on Node @include(if: $outer) { ...Inner @include(if: $inner) }
  ... on Account @skip(if: $skip) { username }
}
fragment Inner on Node { ... { id } }
"""


async def test_fragment_on_the_interface_with_type_conditions(gw: KitGateway) -> None:
    plan, body = await gw.run(
        """
        { account(id: "a1") { ...Test } }
        fragment Test on Node { ... on Node { id } ... on Account { username } }
        """
    )
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "a") {
    {
      account(id: "a1") {
        id
        username
      }
    }
  },
}\
""")
    assert body == {"data": {"account": {"id": "a1", "username": "ann"}}}


async def test_fragment_on_the_object_with_an_interface_condition(gw: KitGateway) -> None:
    plan, body = await gw.run(
        """
        { account(id: "a1") { ...Test } }
        fragment Test on Account { ... on Node { id } username }
        """
    )
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "a") {
    {
      account(id: "a1") {
        id
        username
      }
    }
  },
}\
""")
    assert body == {"data": {"account": {"id": "a1", "username": "ann"}}}


async def test_nested_conditional_fragments_all_included(gw: KitGateway) -> None:
    plan, body = await gw.run(NESTED, {"outer": True, "inner": True, "skip": False})
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "a") {
    {
      account(id: "a1") {
        id
        username
      }
    }
  },
}\
""")
    assert body == {"data": {"account": {"id": "a1", "username": "ann"}}}


async def test_nested_conditional_fragments_inner_excluded(gw: KitGateway) -> None:
    plan, body = await gw.run(NESTED, {"outer": True, "inner": False, "skip": False})
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "a") {
    {
      account(id: "a1") {
        username
      }
    }
  },
}\
""")
    assert body == {"data": {"account": {"username": "ann"}}}


async def test_nested_conditional_fragments_other_branch_skipped(gw: KitGateway) -> None:
    plan, body = await gw.run(NESTED, {"outer": True, "inner": True, "skip": True})
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "a") {
    {
      account(id: "a1") {
        id
      }
    }
  },
}\
""")
    assert body == {"data": {"account": {"id": "a1"}}}


async def test_nested_conditional_fragments_everything_excluded(gw: KitGateway) -> None:
    plan, body = await gw.run(NESTED, {"outer": False, "inner": True, "skip": True})
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "a") {
    {
      account(id: "a1") {
        __typename
      }
    }
  },
}\
""")
    # Every field excluded: `{}`, from a fetch that selects `__typename` (the subgraphs
    # here reject an empty selection set, as the spec's grammar does).
    assert body == {"data": {"account": {}}}


async def test_back_and_forth_through_fragments(gw: KitGateway) -> None:
    plan, body = await gw.run(
        """
        { account(id: "a1") { ... on Node { id } chats { ...ChatView } } }
        fragment ChatView on Chat { text account { ... on Node { id } username } }
        """
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        account(id: "a1") {
          id
          __typename
        }
      }
    },
    Flatten(path: "account") {
      Fetch(service: "b") {
        {
          ... on Account {
            __typename
            id
          }
        } =>
        {
          ... on Account {
            chats {
              text
              __typename
              id
            }
          }
        }
      },
    },
    Flatten(path: "account.chats.@") {
      Fetch(service: "a") {
        {
          ... on Chat {
            __typename
            id
          }
        } =>
        {
          ... on Chat {
            account {
              id
              username
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
            "account": {
                "id": "a1",
                "chats": [
                    {"text": "hi", "account": {"id": "a1", "username": "ann"}},
                    {"text": "yo", "account": {"id": "a2", "username": "bob"}},
                ],
            }
        }
    }


async def test_shared_root_field_with_fields_of_both_subgraphs(gw: KitGateway) -> None:
    plan, body = await gw.run('{ node(id: "c2") { id ... on Chat { text account { username } } } }')
    assert plan == snapshot("""\
QueryPlan {
  Parallel {
    Fetch(service: "a") {
      {
        node(id: "c2") {
          __typename
          ... on Account {
            id
          }
          ... on Chat {
            account {
              username
            }
          }
        }
      }
    },
    Fetch(service: "b") {
      {
        node(id: "c2") {
          __typename
          ... on Chat {
            id
            text
          }
        }
      }
    },
  },
}\
""")
    assert body == {"data": {"node": {"id": "c2", "text": "yo", "account": {"username": "bob"}}}}
