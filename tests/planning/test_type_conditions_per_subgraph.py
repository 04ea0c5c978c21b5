# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""Type conditions valid in one subgraph's schema and not in another's although both know
the type: Song and Movie are entities in a and b, but Song is a member of Media and an
implementation of Named only in a, Movie only in b. A type condition a subgraph's union
or interface cannot hold is never sent there: it is dropped when that subgraph returns
the list, and fields of a member it does hold come from wherever they live.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from graphql import parse, validate
from inline_snapshot import snapshot

from tests.planning.header import supergraph
from tests.planning.helpers import KitGateway, KitSubgraph, kit_gateway

#: One event loop per module: the module-scoped kit servers and gateway live in it.
pytestmark = pytest.mark.asyncio(loop_scope="module")

SUPERGRAPH = supergraph(
    ["a", "b"],
    """
type Book implements Named
  @join__implements(graph: A, interface: "Named")
  @join__implements(graph: B, interface: "Named")
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id")
{
  id: ID!
  name: String!
  pages: Int @join__field(graph: A)
  price: Int @join__field(graph: B)
}

union Media
  @join__type(graph: A)
  @join__type(graph: B)
  @join__unionMember(graph: A, member: "Book")
  @join__unionMember(graph: A, member: "Song")
  @join__unionMember(graph: B, member: "Book")
  @join__unionMember(graph: B, member: "Movie")
 = Book | Song | Movie

type Movie implements Named
  @join__implements(graph: B, interface: "Named")
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id")
{
  id: ID!
  name: String! @join__field(graph: B)
  rating: Int @join__field(graph: A)
}

interface Named
  @join__type(graph: A)
  @join__type(graph: B)
{
  name: String!
}

type Query
  @join__type(graph: A)
  @join__type(graph: B)
{
  aMedia: [Media!]! @join__field(graph: A)
  aNamed: [Named!]! @join__field(graph: A)
  bMedia: [Media!]! @join__field(graph: B)
  bNamed: [Named!]! @join__field(graph: B)
}

type Song implements Named
  @join__implements(graph: A, interface: "Named")
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id")
{
  id: ID!
  name: String! @join__field(graph: A)
  plays: Int @join__field(graph: B)
}
""",
)

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@shareable"])\n'
)

BOOK = {"__typename": "Book", "id": "bk1"}
SONG = {"__typename": "Song", "id": "s1"}
MOVIE = {"__typename": "Movie", "id": "mv1"}


def make_subgraphs() -> list[KitSubgraph]:
    a = KitSubgraph(
        "a",
        FED
        + """
        type Query { aMedia: [Media!]! aNamed: [Named!]! }
        union Media = Book | Song
        interface Named { name: String! }
        type Book implements Named @key(fields: "id") { id: ID! name: String! @shareable pages: Int }
        type Song implements Named @key(fields: "id") { id: ID! name: String! }
        type Movie @key(fields: "id") { id: ID! rating: Int }
        """,
        {
            "Book": [{"id": "bk1", "name": "Dune", "pages": 400}],
            "Song": [{"id": "s1", "name": "Blue"}],
            "Movie": [{"id": "mv1", "rating": 5}],
        },
        {"Query.aMedia": lambda _s, _i: [BOOK, SONG], "Query.aNamed": lambda _s, _i: [SONG, BOOK]},
    )
    b = KitSubgraph(
        "b",
        FED
        + """
        type Query { bMedia: [Media!]! bNamed: [Named!]! }
        union Media = Book | Movie
        interface Named { name: String! }
        type Book implements Named @key(fields: "id") { id: ID! name: String! @shareable price: Int }
        type Movie implements Named @key(fields: "id") { id: ID! name: String! }
        type Song @key(fields: "id") { id: ID! plays: Int }
        """,
        {
            "Book": [{"id": "bk1", "name": "Dune", "price": 9}],
            "Movie": [{"id": "mv1", "name": "Alien"}],
            "Song": [{"id": "s1", "plays": 1000}],
        },
        {
            "Query.bMedia": lambda _s, _i: [MOVIE, BOOK],
            "Query.bNamed": lambda _s, _i: [BOOK, MOVIE],
        },
    )
    return [a, b]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


def _valid_everywhere(gw: KitGateway) -> None:
    """Every operation sent is valid against the receiving subgraph's own schema."""
    for name, requests in gw.sent().items():
        for request in requests:
            errors = validate(gw[name].schema, parse(request.query))
            assert not errors, (name, request.query, [e.message for e in errors])


async def test_member_the_subgraph_knows_only_outside_its_union(gw: KitGateway) -> None:
    plan, body = await gw.run("{ bMedia { ... on Song { plays } ... on Book { name } } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "b") {
    {
      bMedia {
        __typename
        ... on Book {
          name
        }
      }
    }
  },
}\
""")
    assert body == {"data": {"bMedia": [{}, {"name": "Dune"}]}}
    _valid_everywhere(gw)


async def test_member_field_of_the_other_subgraph_and_a_condition_to_drop(
    gw: KitGateway,
) -> None:
    plan, body = await gw.run("{ aMedia { ... on Movie { rating } ... on Song { plays } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        aMedia {
          __typename
          ... on Song {
            __typename
            id
          }
        }
      }
    },
    Flatten(path: "aMedia.@") {
      Fetch(service: "b") {
        {
          ... on Song {
            __typename
            id
          }
        } =>
        {
          ... on Song {
            plays
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"aMedia": [{}, {"plays": 1000}]}}
    _valid_everywhere(gw)


async def test_interface_condition_on_a_type_not_implementing_it_there(gw: KitGateway) -> None:
    plan, body = await gw.run("{ aNamed { name ... on Movie { rating } ... on Song { plays } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        aNamed {
          __typename
          ... on Book {
            name
          }
          ... on Song {
            name
            __typename
            id
          }
        }
      }
    },
    Flatten(path: "aNamed.@") {
      Fetch(service: "b") {
        {
          ... on Song {
            __typename
            id
          }
        } =>
        {
          ... on Song {
            plays
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"aNamed": [{"name": "Blue", "plays": 1000}, {"name": "Dune"}]}}
    _valid_everywhere(gw)


async def test_implementation_field_of_the_subgraph_without_the_implementation(
    gw: KitGateway,
) -> None:
    plan, body = await gw.run("{ bNamed { name ... on Song { plays } ... on Movie { rating } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "b") {
      {
        bNamed {
          __typename
          ... on Book {
            name
          }
          ... on Movie {
            name
            __typename
            id
          }
        }
      }
    },
    Flatten(path: "bNamed.@") {
      Fetch(service: "a") {
        {
          ... on Movie {
            __typename
            id
          }
        } =>
        {
          ... on Movie {
            rating
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"bNamed": [{"name": "Dune"}, {"name": "Alien", "rating": 5}]}}
    _valid_everywhere(gw)
    # Movie's rating lives in a, where Movie is no Named: asked of a as a plain entity.
    assert gw["a"].requests[0].variables == {
        "representations": [{"__typename": "Movie", "id": "mv1"}]
    }


async def test_interface_fragment_inside_a_union(gw: KitGateway) -> None:
    plan, body = await gw.run("{ bMedia { ... on Named { name } } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "b") {
    {
      bMedia {
        __typename
        ... on Book {
          name
        }
        ... on Movie {
          name
        }
      }
    }
  },
}\
""")
    assert body == {"data": {"bMedia": [{"name": "Alien"}, {"name": "Dune"}]}}
    _valid_everywhere(gw)
    assert list(gw.sent()) == ["b"]


async def test_interface_fragment_inside_the_other_union(gw: KitGateway) -> None:
    plan, body = await gw.run("{ aMedia { __typename ... on Named { name } } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "a") {
    {
      aMedia {
        __typename
        ... on Book {
          __typename
          name
        }
        ... on Song {
          __typename
          name
        }
      }
    }
  },
}\
""")
    assert body == {
        "data": {
            "aMedia": [
                {"__typename": "Book", "name": "Dune"},
                {"__typename": "Song", "name": "Blue"},
            ]
        }
    }
    _valid_everywhere(gw)
    assert list(gw.sent()) == ["a"]


async def test_member_fields_of_both_subgraphs(gw: KitGateway) -> None:
    plan, body = await gw.run("{ aMedia { ... on Book { price pages } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        aMedia {
          __typename
          ... on Book {
            __typename
            id
            pages
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
            price
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"aMedia": [{"price": 9, "pages": 400}, {}]}}
    _valid_everywhere(gw)


async def test_named_fragments_on_each_member_from_both_roots(gw: KitGateway) -> None:
    plan, body = await gw.run(
        """
        { aMedia { ...S ...M ...B } bMedia { ...S ...M ...B } }
        fragment S on Song { name plays }
        fragment M on Movie { name rating }
        fragment B on Book { id }
        """
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Parallel {
      Fetch(service: "a") {
        {
          aMedia {
            __typename
            ... on Book {
              id
            }
            ... on Song {
              name
              __typename
              id
            }
          }
        }
      },
      Fetch(service: "b") {
        {
          bMedia {
            __typename
            ... on Book {
              id
            }
            ... on Movie {
              name
              __typename
              id
            }
          }
        }
      },
    },
    Parallel {
      Flatten(path: "aMedia.@") {
        Fetch(service: "b") {
          {
            ... on Song {
              __typename
              id
            }
          } =>
          {
            ... on Song {
              plays
            }
          }
        },
      },
      Flatten(path: "bMedia.@") {
        Fetch(service: "a") {
          {
            ... on Movie {
              __typename
              id
            }
          } =>
          {
            ... on Movie {
              rating
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
            "aMedia": [{"id": "bk1"}, {"name": "Blue", "plays": 1000}],
            "bMedia": [{"name": "Alien", "rating": 5}, {"id": "bk1"}],
        }
    }
    _valid_everywhere(gw)
