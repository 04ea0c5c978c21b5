# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""A union whose members differ by subgraph: Media is Book | Song in a and Book | Movie in
b, and `book` is typed Book in a but Media in b. Every operation a subgraph receives must be
valid against its own schema: only the members it knows as type conditions (none inside a
field it types as Book but Song), members it does not know asked of the subgraph that
does, or dropped when the field's subgraph cannot return them; Book's own fields are
completed through its key.
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
    ["a", "b"],
    """
type Book
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id")
{
  id: ID!
  title: String!
  aTitle: String! @join__field(graph: A)
  bTitle: String! @join__field(graph: B)
}

union Media
  @join__type(graph: A)
  @join__type(graph: B)
  @join__unionMember(graph: A, member: "Book")
  @join__unionMember(graph: A, member: "Song")
  @join__unionMember(graph: B, member: "Book")
  @join__unionMember(graph: B, member: "Movie")
 = Book | Song | Movie

type Movie @join__type(graph: B) {
  title: String!
}

type Query
  @join__type(graph: A)
  @join__type(graph: B)
{
  media: Media
  book: Media @join__field(graph: A, type: "Book") @join__field(graph: B, type: "Media")
  aMedia: [Media!]! @join__field(graph: A)
  bMedia: [Media!]! @join__field(graph: B)
  viewer: Viewer
}

type Song @join__type(graph: A) {
  title: String!
}

type Viewer
  @join__type(graph: A)
  @join__type(graph: B)
{
  media: Media
  song: Media @join__field(graph: A)
}
""",
)

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@shareable"])\n'
)

BOOK = {"__typename": "Book", "id": "b1"}
SONG = {"__typename": "Song", "title": "Blue"}
MOVIE = {"__typename": "Movie", "title": "Alien"}


def make_subgraphs() -> list[KitSubgraph]:
    a = KitSubgraph(
        "a",
        FED
        + """
        type Query {
          media: Media @shareable
          book: Book @shareable
          aMedia: [Media!]!
          viewer: Viewer @shareable
        }
        type Viewer @shareable { media: Media song: Media }
        union Media = Book | Song
        type Book @key(fields: "id") { id: ID! title: String! @shareable aTitle: String! }
        type Song { title: String! }
        """,
        {"Book": [{"id": "b1", "title": "Dune", "aTitle": "Dune (a)"}]},
        {
            "Query.media": lambda _s, _i: BOOK,
            "Query.book": lambda _s, _i: BOOK,
            "Query.aMedia": lambda _s, _i: [BOOK, SONG],
            "Query.viewer": lambda _s, _i: {"media": BOOK, "song": SONG},
        },
    )
    b = KitSubgraph(
        "b",
        FED
        + """
        type Query {
          media: Media @shareable
          book: Media @shareable
          bMedia: [Media!]!
          viewer: Viewer @shareable
        }
        type Viewer @shareable { media: Media }
        union Media = Book | Movie
        type Book @key(fields: "id") { id: ID! title: String! @shareable bTitle: String! }
        type Movie { title: String! }
        """,
        {"Book": [{"id": "b1", "title": "Dune", "bTitle": "Dune (b)"}]},
        {
            "Query.media": lambda _s, _i: BOOK,
            "Query.book": lambda _s, _i: BOOK,
            "Query.bMedia": lambda _s, _i: [BOOK, MOVIE],
            "Query.viewer": lambda _s, _i: {"media": BOOK},
        },
    )
    return [a, b]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


def _type_conditions_known(gw: KitGateway) -> None:
    """No subgraph received a type condition on a member its union lacks."""
    for request in gw.sent().get("a", []):
        assert "on Movie" not in request.query
    for request in gw.sent().get("b", []):
        assert "on Song" not in request.query


async def test_member_both_subgraphs_know(gw: KitGateway) -> None:
    plan, body = await gw.run("{ media { ... on Book { title } } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "a") {
    {
      media {
        __typename
        ... on Book {
          title
        }
      }
    }
  },
}\
""")
    assert body == {"data": {"media": {"title": "Dune"}}}
    assert len([r for rs in gw.sent().values() for r in rs]) == 1


async def test_member_only_the_other_subgraph_knows(gw: KitGateway) -> None:
    plan, body = await gw.run("{ media { __typename ... on Movie { title } } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "b") {
    {
      media {
        __typename
        ... on Book {
          __typename
        }
        ... on Movie {
          __typename
          title
        }
      }
    }
  },
}\
""")
    assert body == {"data": {"media": {"__typename": "Book"}}}
    _type_conditions_known(gw)


async def test_members_no_single_subgraph_knows(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ media { ... on Song { title } ... on Movie { title } ... on Book { id } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "a") {
    {
      media {
        __typename
        ... on Book {
          id
        }
        ... on Song {
          title
        }
      }
    }
  },
}\
""")
    assert body == {"data": {"media": {"id": "b1"}}}
    _type_conditions_known(gw)


async def test_field_typed_as_the_member_in_one_subgraph(gw: KitGateway) -> None:
    # In a, `book` is a Book: `... on Song` inside it is invalid there.
    plan, body = await gw.run("{ book { ... on Book { title } ... on Song { title } } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "a") {
    {
      book {
        __typename
        ... on Book {
          title
        }
      }
    }
  },
}\
""")
    assert body == {"data": {"book": {"title": "Dune"}}}
    _type_conditions_known(gw)
    for request in gw.sent().get("a", []):
        assert "on Song" not in request.query


async def test_member_fields_of_both_subgraphs_through_the_key(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ aMedia { __typename ... on Book { title aTitle bTitle } ... on Song { title } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        aMedia {
          __typename
          ... on Book {
            __typename
            title
            aTitle
            id
          }
          ... on Song {
            __typename
            title
          }
        }
      }
    },
    Flatten(path: "aMedia.@") {
      Fetch(service: "b") {
        {
          ... on Book {
            __typename
            id
          }
        } =>
        {
          ... on Book {
            bTitle
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "aMedia": [
                {"__typename": "Book", "title": "Dune", "aTitle": "Dune (a)", "bTitle": "Dune (b)"},
                {"__typename": "Song", "title": "Blue"},
            ]
        }
    }
    _type_conditions_known(gw)


async def test_conditions_on_members_the_root_subgraph_lacks_are_dropped(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ bMedia { ... on Movie { title } ... on Book { aTitle } ... on Song { title } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "b") {
      {
        bMedia {
          __typename
          ... on Book {
            __typename
            id
          }
          ... on Movie {
            title
          }
        }
      }
    },
    Flatten(path: "bMedia.@") {
      Fetch(service: "a") {
        {
          ... on Book {
            __typename
            id
          }
        } =>
        {
          ... on Book {
            aTitle
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"bMedia": [{"aTitle": "Dune (a)"}, {"title": "Alien"}]}}
    _type_conditions_known(gw)


async def test_nested_union_field_of_one_subgraph_with_every_member(gw: KitGateway) -> None:
    plan, body = await gw.run(
        """{ viewer { song { __typename ... on Song { title } ... on Movie { title }
                           ... on Book { bTitle } } } }"""
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        viewer {
          song {
            __typename
            ... on Book {
              __typename
              id
            }
            ... on Song {
              __typename
              title
            }
          }
        }
      }
    },
    Flatten(path: "viewer.song") {
      Fetch(service: "b") {
        {
          ... on Book {
            __typename
            id
          }
        } =>
        {
          ... on Book {
            bTitle
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"viewer": {"song": {"__typename": "Song", "title": "Blue"}}}}
    _type_conditions_known(gw)


async def test_shared_nested_union_with_fields_of_both_subgraphs(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ viewer { media { ... on Book { aTitle bTitle } } song { ... on Song { title } } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        viewer {
          media {
            __typename
            ... on Book {
              aTitle
              __typename
              id
            }
          }
          song {
            __typename
            ... on Song {
              title
            }
          }
        }
      }
    },
    Flatten(path: "viewer.media") {
      Fetch(service: "b") {
        {
          ... on Book {
            __typename
            id
          }
        } =>
        {
          ... on Book {
            bTitle
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "viewer": {
                "media": {"aTitle": "Dune (a)", "bTitle": "Dune (b)"},
                "song": {"title": "Blue"},
            }
        }
    }
    _type_conditions_known(gw)


async def test_one_fragment_on_the_union_used_in_both_subgraphs(gw: KitGateway) -> None:
    plan, body = await gw.run(
        """
        { aMedia { ...M } bMedia { ...M } }
        fragment M on Media { __typename ... on Song { title } ... on Movie { title } ... on Book { title } }
        """
    )
    assert plan == snapshot("""\
QueryPlan {
  Parallel {
    Fetch(service: "a") {
      {
        aMedia {
          __typename
          ... on Book {
            __typename
            title
          }
          ... on Song {
            __typename
            title
          }
        }
      }
    },
    Fetch(service: "b") {
      {
        bMedia {
          __typename
          ... on Book {
            __typename
            title
          }
          ... on Movie {
            __typename
            title
          }
        }
      }
    },
  },
}\
""")
    assert body == {
        "data": {
            "aMedia": [
                {"__typename": "Book", "title": "Dune"},
                {"__typename": "Song", "title": "Blue"},
            ],
            "bMedia": [
                {"__typename": "Book", "title": "Dune"},
                {"__typename": "Movie", "title": "Alien"},
            ],
        }
    }
    _type_conditions_known(gw)
