"""An entity interface whose implementations are split between subgraphs: directory knows
every Item, stream_a only ItemA and ItemB, stream_b only ItemD and ItemF, and both streams
resolve `details`. Each stream is sent only representations of the types its schema has.
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


def _implementation(name: str, stream: str) -> str:
    return f"""
type {name} implements Item
  @join__implements(graph: DIRECTORY, interface: "Item")
  @join__implements(graph: {stream}, interface: "Item")
  @join__type(graph: DIRECTORY, key: "id")
  @join__type(graph: {stream}, key: "id")
{{
  id: ID!
  details: String @join__field(graph: {stream})
}}
"""


SUPERGRAPH = supergraph(
    ["directory", "stream_a", "stream_b"],
    """
interface Item
  @join__type(graph: DIRECTORY, key: "id")
  @join__type(graph: STREAM_A, key: "id")
  @join__type(graph: STREAM_B, key: "id")
{
  id: ID!
  details: String @join__field(graph: STREAM_A) @join__field(graph: STREAM_B)
}
"""
    + _implementation("ItemA", "STREAM_A")
    + _implementation("ItemB", "STREAM_A")
    + _implementation("ItemD", "STREAM_B")
    + _implementation("ItemF", "STREAM_B")
    + """
type Query
  @join__type(graph: DIRECTORY)
  @join__type(graph: STREAM_A)
  @join__type(graph: STREAM_B)
{
  allItems: [Item!]! @join__field(graph: DIRECTORY)
}
""",
)

FED = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'


def _stream(name: str, types: list[str], details: dict[str, str | None]) -> KitSubgraph:
    sdl = 'interface Item @key(fields: "id") { id: ID! details: String }\n' + "".join(
        f'type {t} implements Item @key(fields: "id") {{ id: ID! details: String }}\n'
        for t in types
    )
    rows = {
        t: [{"id": i, "details": d} for i, d in details.items() if i.startswith(t[-1].lower())]
        for t in types
    }
    return KitSubgraph(name, FED + sdl, rows)


def make_subgraphs() -> list[KitSubgraph]:
    order = [("ItemA", "a1"), ("ItemD", "d1"), ("ItemB", "b1"), ("ItemF", "f1")]
    directory = KitSubgraph(
        "directory",
        FED
        + """
        type Query { allItems: [Item!]! }
        interface Item @key(fields: "id") { id: ID! }
        type ItemA implements Item @key(fields: "id") { id: ID! }
        type ItemB implements Item @key(fields: "id") { id: ID! }
        type ItemD implements Item @key(fields: "id") { id: ID! }
        type ItemF implements Item @key(fields: "id") { id: ID! }
        """,
        {t: [{"id": i}] for t, i in order},
        {"Query.allItems": lambda _s, _i: [{"__typename": t, "id": i} for t, i in order]},
    )
    stream_a = _stream("stream_a", ["ItemA", "ItemB"], {"a1": "A1", "b1": None})
    stream_b = _stream("stream_b", ["ItemD", "ItemF"], {"d1": "D1", "f1": "F1"})
    return [directory, stream_a, stream_b]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


def _typenames(gw: KitGateway, name: str) -> list[str]:
    return sorted(
        r["__typename"] for q in gw[name].requests for r in q.variables["representations"]
    )


async def test_interface_field_from_the_stream_that_has_each_implementation(
    gw: KitGateway,
) -> None:
    plan, body = await gw.run("{ allItems { id details } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "directory") {
      {
        allItems {
          __typename
          ... on ItemA {
            id
            __typename
          }
          ... on ItemB {
            id
            __typename
          }
          ... on ItemD {
            id
            __typename
          }
          ... on ItemF {
            id
            __typename
          }
        }
      }
    },
    Parallel {
      Flatten(path: "allItems.@") {
        Fetch(service: "stream_a") {
          {
            ... on ItemA {
              __typename
              id
            }
            ... on ItemB {
              __typename
              id
            }
          } =>
          {
            ... on ItemA {
              details
            }
            ... on ItemB {
              details
            }
          }
        },
      },
      Flatten(path: "allItems.@") {
        Fetch(service: "stream_b") {
          {
            ... on ItemD {
              __typename
              id
            }
            ... on ItemF {
              __typename
              id
            }
          } =>
          {
            ... on ItemD {
              details
            }
            ... on ItemF {
              details
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
            "allItems": [
                {"id": "a1", "details": "A1"},
                {"id": "d1", "details": "D1"},
                {"id": "b1", "details": None},
                {"id": "f1", "details": "F1"},
            ]
        }
    }
    assert _typenames(gw, "stream_a") == ["ItemA", "ItemB"]
    assert _typenames(gw, "stream_b") == ["ItemD", "ItemF"]


async def test_one_implementation_of_each_stream(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ allItems { __typename ... on ItemA { details } ... on ItemF { details } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "directory") {
      {
        allItems {
          __typename
          ... on ItemA {
            __typename
            id
          }
          ... on ItemB {
            __typename
          }
          ... on ItemD {
            __typename
          }
          ... on ItemF {
            __typename
            id
          }
        }
      }
    },
    Parallel {
      Flatten(path: "allItems.@") {
        Fetch(service: "stream_a") {
          {
            ... on ItemA {
              __typename
              id
            }
          } =>
          {
            ... on ItemA {
              details
            }
          }
        },
      },
      Flatten(path: "allItems.@") {
        Fetch(service: "stream_b") {
          {
            ... on ItemF {
              __typename
              id
            }
          } =>
          {
            ... on ItemF {
              details
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
            "allItems": [
                {"__typename": "ItemA", "details": "A1"},
                {"__typename": "ItemD"},
                {"__typename": "ItemB"},
                {"__typename": "ItemF", "details": "F1"},
            ]
        }
    }
    assert _typenames(gw, "stream_a") == ["ItemA"]
    assert _typenames(gw, "stream_b") == ["ItemF"]


async def test_implementations_of_one_stream_only(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ allItems { ... on ItemD { id details } ... on ItemF { details } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "directory") {
      {
        allItems {
          __typename
          ... on ItemD {
            id
            __typename
          }
          ... on ItemF {
            __typename
            id
          }
        }
      }
    },
    Flatten(path: "allItems.@") {
      Fetch(service: "stream_b") {
        {
          ... on ItemD {
            __typename
            id
          }
          ... on ItemF {
            __typename
            id
          }
        } =>
        {
          ... on ItemD {
            details
          }
          ... on ItemF {
            details
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {"allItems": [{}, {"id": "d1", "details": "D1"}, {}, {"details": "F1"}]}
    }
    assert sorted(gw.sent()) == ["directory", "stream_b"]


async def test_interface_fragment_with_the_split_field(gw: KitGateway) -> None:
    plan, body = await gw.run("{ allItems { ... on Item { details } ... on ItemB { id } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "directory") {
      {
        allItems {
          __typename
          ... on ItemA {
            __typename
            id
          }
          ... on ItemB {
            __typename
            id
          }
          ... on ItemD {
            __typename
            id
          }
          ... on ItemF {
            __typename
            id
          }
        }
      }
    },
    Parallel {
      Flatten(path: "allItems.@") {
        Fetch(service: "stream_a") {
          {
            ... on ItemA {
              __typename
              id
            }
            ... on ItemB {
              __typename
              id
            }
          } =>
          {
            ... on ItemA {
              details
            }
            ... on ItemB {
              details
            }
          }
        },
      },
      Flatten(path: "allItems.@") {
        Fetch(service: "stream_b") {
          {
            ... on ItemD {
              __typename
              id
            }
            ... on ItemF {
              __typename
              id
            }
          } =>
          {
            ... on ItemD {
              details
            }
            ... on ItemF {
              details
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
            "allItems": [
                {"details": "A1"},
                {"details": "D1"},
                {"details": None, "id": "b1"},
                {"details": "F1"},
            ]
        }
    }
    assert _typenames(gw, "stream_a") == ["ItemA", "ItemB"]
    assert _typenames(gw, "stream_b") == ["ItemD", "ItemF"]
