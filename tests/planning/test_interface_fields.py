# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""An interface field resolved by different subgraphs for different implementations
(Book.title in media, Song.title in lyrics); a root field skipped entirely."""

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
    ["lyrics", "media"],
    """
interface Media @join__type(graph: MEDIA) @join__type(graph: LYRICS) { id: ID! title: String! }
type Book implements Media @join__implements(graph: MEDIA, interface: "Media") @join__type(graph: MEDIA, key: "id") {
  id: ID!
  title: String!
}
type Song implements Media @join__implements(graph: MEDIA, interface: "Media") @join__implements(graph: LYRICS, interface: "Media")
  @join__type(graph: MEDIA, key: "id") @join__type(graph: LYRICS, key: "id") {
  id: ID!
  title: String! @join__field(graph: LYRICS) @join__field(graph: MEDIA, external: true)
  text: String! @join__field(graph: LYRICS)
}
type Query @join__type(graph: LYRICS) @join__type(graph: MEDIA) {
  library: [Media!]! @join__field(graph: MEDIA)
  songs: [Media!]! @join__field(graph: LYRICS)
  empty: String @join__field(graph: MEDIA)
}
""",
)


def make_subgraphs() -> list[KitSubgraph]:
    m = KitSubgraph(
        "media",
        """type Query { library: [Media!]! empty: String }
      interface Media { id: ID! title: String! }
      type Book implements Media @key(fields: "id") { id: ID! title: String! }
      type Song implements Media @key(fields: "id") { id: ID! title: String! @external }""",
        {"Book": [{"id": "b1", "title": "Dune"}], "Song": [{"id": "s1"}]},
        {"Query.library": lambda _s, _i: m.rows("Book") + m.rows("Song")},
    )
    lyrics = KitSubgraph(
        "lyrics",
        """type Query { songs: [Media!]! }
      interface Media { id: ID! title: String! }
      type Song implements Media @key(fields: "id") { id: ID! title: String! text: String! }""",
        {"Song": [{"id": "s1", "title": "Heroes", "text": "I, I will be king"}]},
        {"Query.songs": lambda _s, _i: lyrics.rows("Song")},
    )
    return [lyrics, m]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_interface_field_from_a_different_subgraph_per_implementation(
    gw: KitGateway,
) -> None:
    plan, body = await gw.run("{ library { __typename title } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "media") {
      {
        library {
          __typename
          ... on Book {
            __typename
            title
          }
          ... on Song {
            __typename
            id
          }
        }
      }
    },
    Flatten(path: "library.@") {
      Fetch(service: "lyrics") {
        {
          ... on Song {
            __typename
            id
          }
        } =>
        {
          ... on Song {
            title
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
                "library": [
                    {"__typename": "Book", "title": "Dune"},
                    {"__typename": "Song", "title": "Heroes"},
                ]
            }
        }
    )


async def test_implementation_field_of_another_subgraph(gw: KitGateway) -> None:
    plan, body = await gw.run("{ library { id ... on Song { text } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "media") {
      {
        library {
          __typename
          ... on Book {
            id
          }
          ... on Song {
            id
            __typename
          }
        }
      }
    },
    Flatten(path: "library.@") {
      Fetch(service: "lyrics") {
        {
          ... on Song {
            __typename
            id
          }
        } =>
        {
          ... on Song {
            text
          }
        }
      },
    },
  },
}\
""")
    assert body == snapshot(
        {"data": {"library": [{"id": "b1"}, {"id": "s1", "text": "I, I will be king"}]}}
    )


async def test_interface_in_a_subgraph_with_one_implementation(gw: KitGateway) -> None:
    plan, body = await gw.run("{ songs { title } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "lyrics") {
    {
      songs {
        __typename
        ... on Song {
          title
        }
      }
    }
  },
}\
""")
    assert body == snapshot({"data": {"songs": [{"title": "Heroes"}]}})


async def test_everything_skipped_needs_no_fetch(gw: KitGateway) -> None:
    plan, body = await gw.run("{ empty @skip(if: true) }")
    assert plan == snapshot("""\
QueryPlan {
}\
""")
    assert body == snapshot({"data": {}})
    assert gw.sent() == {}
