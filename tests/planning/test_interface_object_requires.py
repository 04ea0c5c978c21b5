"""`@requires` on an interface object's field: handles sees the Node interface (owned by
people) as an object and computes `username` from `name`, which it only has `@external`.
Whatever the start (people, handles itself, or scores, whose Node key is not resolvable:
it can only be left), `name` is fetched from people first and sent in the
representation, typed `Node` for handles.
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
    ["handles", "people", "scores"],
    """
type Bot implements Node
  @join__implements(graph: PEOPLE, interface: "Node")
  @join__type(graph: PEOPLE, key: "id")
{
  id: ID!
  name: String
  model: String
  username: String @join__field
}

interface Node
  @join__type(graph: HANDLES, key: "id", isInterfaceObject: true)
  @join__type(graph: PEOPLE, key: "id")
  @join__type(graph: SCORES, key: "id", resolvable: false, isInterfaceObject: true)
{
  id: ID!
  name: String @join__field(graph: HANDLES, external: true) @join__field(graph: PEOPLE)
  username: String @join__field(graph: HANDLES, requires: "name")
}

type Query
  @join__type(graph: HANDLES)
  @join__type(graph: PEOPLE)
  @join__type(graph: SCORES)
{
  handles: [Node] @join__field(graph: HANDLES)
  people: [Node!]! @join__field(graph: PEOPLE)
  top: [Node!]! @join__field(graph: SCORES)
}

type User implements Node
  @join__implements(graph: PEOPLE, interface: "Node")
  @join__type(graph: PEOPLE, key: "id")
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
    ' import: ["@key", "@external", "@requires", "@interfaceObject"])\n'
)


def _username(source: dict[str, Any], _info: Any) -> str | None:
    # Computed from the required name only: a representation without it is a planner bug.
    name = source.get("name")
    return None if name is None else f"{name.lower()}_h"


def make_subgraphs() -> list[KitSubgraph]:
    people = KitSubgraph(
        "people",
        FED
        + """
        type Query { people: [Node!]! }
        interface Node @key(fields: "id") { id: ID! name: String }
        type User implements Node @key(fields: "id") { id: ID! name: String age: Int }
        type Bot implements Node @key(fields: "id") { id: ID! name: String model: String }
        """,
        {
            "User": [{"id": "u1", "name": "Ann", "age": 30}, {"id": "u2", "name": None, "age": 7}],
            "Bot": [{"id": "b1", "name": "R2", "model": "astromech"}],
        },
        {"Query.people": lambda _s, _i: people.rows("User") + people.rows("Bot")},
    )
    handles = KitSubgraph(
        "handles",
        FED
        + """
        type Query { handles: [Node] }
        type Node @key(fields: "id") @interfaceObject {
          id: ID!
          name: String @external
          username: String @requires(fields: "name")
        }
        """,
        {},
        {
            "Query.handles": lambda _s, _i: [{"id": "b1"}, None, {"id": "u1"}, {"id": "u2"}],
            "Node.username": _username,
        },
    )
    scores = KitSubgraph(
        "scores",
        FED
        + """
        type Query { top: [Node!]! }
        type Node @key(fields: "id", resolvable: false) @interfaceObject { id: ID! }
        """,
        {},
        {"Query.top": lambda _s, _i: [{"id": "u2"}, {"id": "b1"}]},
    )
    return [handles, people, scores]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_requirement_from_the_interface_owner_root(gw: KitGateway) -> None:
    plan, body = await gw.run("{ people { username } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "people") {
      {
        people {
          __typename
          ... on Bot {
            __typename
            id
            name
          }
          ... on User {
            __typename
            id
            name
          }
        }
      }
    },
    Flatten(path: "people.@") {
      Fetch(service: "handles") {
        {
          ... on Bot {
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
          ... on Node {
            username
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {"people": [{"username": "ann_h"}, {"username": None}, {"username": "r2_h"}]}
    }
    assert gw["handles"].requests[0].variables == {
        "representations": [
            {"__typename": "Node", "id": "u1", "name": "Ann"},
            {"__typename": "Node", "id": "u2", "name": None},
            {"__typename": "Node", "id": "b1", "name": "R2"},
        ]
    }


async def test_requirement_from_the_interface_object_own_root(gw: KitGateway) -> None:
    plan, body = await gw.run("{ handles { username } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "handles") {
      {
        handles {
          __typename
          id
        }
      }
    },
    Flatten(path: "handles.@") {
      Fetch(service: "people") {
        {
          ... on Node {
            __typename
            id
          }
        } =>
        {
          ... on Node {
            name
          }
        }
      },
    },
    Flatten(path: "handles.@") {
      Fetch(service: "handles") {
        {
          ... on Node {
            __typename
            id
            name
          }
        } =>
        {
          ... on Node {
            username
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {"handles": [{"username": "r2_h"}, None, {"username": "ann_h"}, {"username": None}]}
    }
    assert {n: len(r) for n, r in gw.sent().items()} == {"handles": 2, "people": 1}


async def test_client_also_selects_the_required_field(gw: KitGateway) -> None:
    plan, body = await gw.run("{ handles { id name username } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "handles") {
      {
        handles {
          __typename
          id
        }
      }
    },
    Flatten(path: "handles.@") {
      Fetch(service: "people") {
        {
          ... on Node {
            __typename
            id
          }
        } =>
        {
          ... on Node {
            name
          }
        }
      },
    },
    Flatten(path: "handles.@") {
      Fetch(service: "handles") {
        {
          ... on Node {
            __typename
            id
            name
          }
        } =>
        {
          ... on Node {
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
            "handles": [
                {"id": "b1", "name": "R2", "username": "r2_h"},
                None,
                {"id": "u1", "name": "Ann", "username": "ann_h"},
                {"id": "u2", "name": None, "username": None},
            ]
        }
    }


async def test_requiring_field_inside_a_type_condition(gw: KitGateway) -> None:
    plan, body = await gw.run("{ handles { ... on Bot { model username } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "handles") {
      {
        handles {
          __typename
          id
        }
      }
    },
    Flatten(path: "handles.@") {
      Fetch(service: "people") {
        {
          ... on Node {
            __typename
            id
          }
        } =>
        {
          ... on Node {
            name
            __typename
            ... on Bot {
              model
            }
          }
        }
      },
    },
    Flatten(path: "handles.@") {
      Fetch(service: "handles") {
        {
          ... on Node {
            __typename
            id
            name
          }
        } =>
        {
          ... on Node {
            username
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"handles": [{"model": "astromech", "username": "r2_h"}, None, {}, {}]}}


async def test_requirement_starting_from_an_unresolvable_interface_object(
    gw: KitGateway,
) -> None:
    plan, body = await gw.run("{ top { id username } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "scores") {
      {
        top {
          __typename
          id
        }
      }
    },
    Flatten(path: "top.@") {
      Fetch(service: "people") {
        {
          ... on Node {
            __typename
            id
          }
        } =>
        {
          ... on Node {
            name
          }
        }
      },
    },
    Flatten(path: "top.@") {
      Fetch(service: "handles") {
        {
          ... on Node {
            __typename
            id
            name
          }
        } =>
        {
          ... on Node {
            username
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {"top": [{"id": "u2", "username": None}, {"id": "b1", "username": "r2_h"}]}
    }
    assert sorted(gw.sent()) == ["handles", "people", "scores"]


async def test_concrete_fields_from_an_unresolvable_interface_object(gw: KitGateway) -> None:
    plan, body = await gw.run("{ top { __typename name ... on User { age } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "scores") {
      {
        top {
          __typename
          id
        }
      }
    },
    Flatten(path: "top.@") {
      Fetch(service: "people") {
        {
          ... on Node {
            __typename
            id
          }
        } =>
        {
          ... on Node {
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
            "top": [
                {"__typename": "User", "name": None, "age": 7},
                {"__typename": "Bot", "name": "R2"},
            ]
        }
    }
    # scores' Node cannot be entered: it is only ever the start.
    assert len(gw.sent()["scores"]) == 1


async def test_requiring_field_under_each_implementation(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ people { ... on User { age username } ... on Bot { username model } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "people") {
      {
        people {
          __typename
          ... on Bot {
            __typename
            id
            name
            model
          }
          ... on User {
            age
            __typename
            id
            name
          }
        }
      }
    },
    Flatten(path: "people.@") {
      Fetch(service: "handles") {
        {
          ... on Bot {
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
          ... on Node {
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
            "people": [
                {"age": 30, "username": "ann_h"},
                {"age": 7, "username": None},
                {"username": "r2_h", "model": "astromech"},
            ]
        }
    }
