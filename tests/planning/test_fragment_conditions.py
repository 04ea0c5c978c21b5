"""Fragments inside fragments with `@include`/`@skip` on both levels: an abstract fragment
(`... on Node`) around concrete ones (`... on Account`), two fragments on the same type
(both count), one named fragment spread twice under different conditions. Every
condition is honoured whether the field is local (email) or needs another subgraph
(username, in profiles).
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
    ["accounts", "profiles"],
    """
type Account implements Node
  @join__implements(graph: ACCOUNTS, interface: "Node")
  @join__type(graph: ACCOUNTS, key: "id")
  @join__type(graph: PROFILES, key: "id")
{
  id: ID!
  email: String @join__field(graph: ACCOUNTS)
  username: String @join__field(graph: PROFILES)
}

interface Node
  @join__type(graph: ACCOUNTS)
{
  id: ID!
}

type Query
  @join__type(graph: ACCOUNTS)
  @join__type(graph: PROFILES)
{
  account(id: ID!): Account @join__field(graph: ACCOUNTS)
  node(id: ID!): Node @join__field(graph: ACCOUNTS)
  nodes: [Node!]! @join__field(graph: ACCOUNTS)
}

type Team implements Node
  @join__implements(graph: ACCOUNTS, interface: "Node")
  @join__type(graph: ACCOUNTS)
{
  id: ID!
  name: String!
}
""",
)

FED = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'


def make_subgraphs() -> list[KitSubgraph]:
    accounts = KitSubgraph(
        "accounts",
        FED
        + """
        type Query { account(id: ID!): Account node(id: ID!): Node nodes: [Node!]! }
        interface Node { id: ID! }
        type Account implements Node @key(fields: "id") { id: ID! email: String }
        type Team implements Node { id: ID! name: String! }
        """,
        {
            "Account": [{"id": "a1", "email": "ann@x"}, {"id": "a2", "email": None}],
            "Team": [{"id": "t1", "name": "Core"}],
        },
        {
            "Query.account": lambda _s, _i, id: accounts.find("Account", {"id": id}),
            "Query.node": lambda _s, _i, id: next(
                (r for t in ("Account", "Team") for r in accounts.rows(t) if r["id"] == id), None
            ),
            "Query.nodes": lambda _s, _i: accounts.rows("Team") + accounts.rows("Account"),
        },
    )
    profiles = KitSubgraph(
        "profiles",
        FED + 'type Account @key(fields: "id") { id: ID! username: String }',
        {"Account": [{"id": "a1", "username": "ann"}, {"id": "a2", "username": "bee"}]},
    )
    return [accounts, profiles]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


NESTED = """
query ($parent: Boolean!, $child: Boolean!) {
  account(id: "a1") {
    email
    ... on Node @include(if: $parent) { ... on Account @include(if: $child) { username } }
  }
}
"""


async def test_two_fragments_on_one_type_inside_an_abstract_fragment(gw: KitGateway) -> None:
    plan, body = await gw.run(
        '{ account(id: "a1") { ... on Node {'
        " ... on Account { id } ... on Account { username } } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "accounts") {
      {
        account(id: "a1") {
          id
          __typename
        }
      }
    },
    Flatten(path: "account") {
      Fetch(service: "profiles") {
        {
          ... on Account {
            __typename
            id
          }
        } =>
        {
          ... on Account {
            username
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"account": {"id": "a1", "username": "ann"}}}


async def test_inner_condition_false_drops_the_remote_field(gw: KitGateway) -> None:
    plan, body = await gw.run(NESTED, {"parent": True, "child": False})
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "accounts") {
    {
      account(id: "a1") {
        email
      }
    }
  },
}\
""")
    assert body == {"data": {"account": {"email": "ann@x"}}}
    assert list(gw.sent()) == ["accounts"]


async def test_both_conditions_true_keep_the_remote_field(gw: KitGateway) -> None:
    plan, body = await gw.run(NESTED, {"parent": True, "child": True})
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "accounts") {
      {
        account(id: "a1") {
          email
          __typename
          id
        }
      }
    },
    Flatten(path: "account") {
      Fetch(service: "profiles") {
        {
          ... on Account {
            __typename
            id
          }
        } =>
        {
          ... on Account {
            username
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"account": {"email": "ann@x", "username": "ann"}}}


async def test_outer_condition_false_wins_over_inner_true(gw: KitGateway) -> None:
    plan, body = await gw.run(NESTED, {"parent": False, "child": True})
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "accounts") {
    {
      account(id: "a1") {
        email
      }
    }
  },
}\
""")
    assert body == {"data": {"account": {"email": "ann@x"}}}
    assert list(gw.sent()) == ["accounts"]


async def test_skip_outside_and_include_inside(gw: KitGateway) -> None:
    plan, body = await gw.run(
        """
        query ($skip: Boolean!, $include: Boolean!) {
          account(id: "a2") {
            ... on Node @skip(if: $skip) { id ... on Account @include(if: $include) { username } }
          }
        }
        """,
        {"skip": False, "include": True},
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "accounts") {
      {
        account(id: "a2") {
          id
          __typename
        }
      }
    },
    Flatten(path: "account") {
      Fetch(service: "profiles") {
        {
          ... on Account {
            __typename
            id
          }
        } =>
        {
          ... on Account {
            username
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"account": {"id": "a2", "username": "bee"}}}


async def test_one_named_fragment_under_two_conditions(gw: KitGateway) -> None:
    plan, body = await gw.run(
        """
        query ($first: Boolean!, $second: Boolean!) {
          account(id: "a1") { ...F @include(if: $first) ...F @include(if: $second) }
        }
        fragment F on Account { username email }
        """,
        {"first": False, "second": True},
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "accounts") {
      {
        account(id: "a1") {
          __typename
          id
          email
        }
      }
    },
    Flatten(path: "account") {
      Fetch(service: "profiles") {
        {
          ... on Account {
            __typename
            id
          }
        } =>
        {
          ... on Account {
            username
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"account": {"username": "ann", "email": "ann@x"}}}


async def test_one_named_fragment_under_two_conditions_inside_an_abstract_parent(
    gw: KitGateway,
) -> None:
    plan, body = await gw.run(
        """
        query ($first: Boolean!, $second: Boolean!) {
          node(id: "a1") { ... on Node { ...F @include(if: $first) ...F @include(if: $second) } }
        }
        fragment F on Account { username }
        """,
        {"first": True, "second": False},
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "accounts") {
      {
        node(id: "a1") {
          __typename
          ... on Account {
            __typename
            id
          }
        }
      }
    },
    Flatten(path: "node") {
      Fetch(service: "profiles") {
        {
          ... on Account {
            __typename
            id
          }
        } =>
        {
          ... on Account {
            username
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"node": {"username": "ann"}}}


async def test_conditional_remote_field_on_one_implementation_of_a_list(gw: KitGateway) -> None:
    plan, body = await gw.run(
        """
        query ($withNames: Boolean!) {
          nodes { id ... on Team { name } ... on Account @include(if: $withNames) { username } }
        }
        """,
        {"withNames": True},
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "accounts") {
      {
        nodes {
          __typename
          ... on Account {
            id
            __typename
          }
          ... on Team {
            id
            name
          }
        }
      }
    },
    Flatten(path: "nodes.@") {
      Fetch(service: "profiles") {
        {
          ... on Account {
            __typename
            id
          }
        } =>
        {
          ... on Account {
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
            "nodes": [
                {"id": "t1", "name": "Core"},
                {"id": "a1", "username": "ann"},
                {"id": "a2", "username": "bee"},
            ]
        }
    }
    assert gw["profiles"].requests[0].variables == {
        "representations": [
            {"__typename": "Account", "id": "a1"},
            {"__typename": "Account", "id": "a2"},
        ]
    }
