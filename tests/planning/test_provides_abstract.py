# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""`@provides` whose selection goes through a union or an interface: feed has Book and Movie
titles only `@external`, but provides them on `feed` (both members), `bookFeed` (Book
only), `shelf` (an interface) and `List.items` (Movie only, below a plain type). On
those paths and for those members feed answers; every other title comes from catalog.
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
    ["catalog", "feed"],
    """
type Book implements Titled
  @join__implements(graph: CATALOG, interface: "Titled")
  @join__implements(graph: FEED, interface: "Titled")
  @join__type(graph: CATALOG, key: "id")
  @join__type(graph: FEED, key: "id")
{
  id: ID!
  title: String! @join__field(graph: CATALOG) @join__field(graph: FEED, external: true)
  author: String! @join__field(graph: CATALOG)
}

type List @join__type(graph: FEED) {
  name: String!
  items: [Media!]! @join__field(graph: FEED, provides: "... on Movie { title }")
}

union Media
  @join__type(graph: CATALOG)
  @join__type(graph: FEED)
  @join__unionMember(graph: CATALOG, member: "Book")
  @join__unionMember(graph: CATALOG, member: "Movie")
  @join__unionMember(graph: FEED, member: "Book")
  @join__unionMember(graph: FEED, member: "Movie")
 = Book | Movie

type Movie implements Titled
  @join__implements(graph: CATALOG, interface: "Titled")
  @join__implements(graph: FEED, interface: "Titled")
  @join__type(graph: CATALOG, key: "id")
  @join__type(graph: FEED, key: "id")
{
  id: ID!
  title: String! @join__field(graph: CATALOG) @join__field(graph: FEED, external: true)
  director: String! @join__field(graph: CATALOG)
}

type Query
  @join__type(graph: CATALOG)
  @join__type(graph: FEED)
{
  everything: [Media!]! @join__field(graph: CATALOG)
  feed: [Media!]! @join__field(graph: FEED, provides: "... on Book { title } ... on Movie { title }")
  bookFeed: [Media!]! @join__field(graph: FEED, provides: "... on Book { title }")
  recent: [Media!]! @join__field(graph: FEED)
  shelf: [Titled!]! @join__field(graph: FEED, provides: "... on Book { title } ... on Movie { title }")
  lists: [List!]! @join__field(graph: FEED)
}

interface Titled
  @join__type(graph: CATALOG)
  @join__type(graph: FEED)
{
  title: String!
}
""",
)

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@external", "@provides"])\n'
)

B1 = {"__typename": "Book", "id": "b1"}
B2 = {"__typename": "Book", "id": "b2"}
M1 = {"__typename": "Movie", "id": "m1"}


def make_subgraphs() -> list[KitSubgraph]:
    catalog = KitSubgraph(
        "catalog",
        FED
        + """
        type Query { everything: [Media!]! }
        union Media = Book | Movie
        interface Titled { title: String! }
        type Book implements Titled @key(fields: "id") { id: ID! title: String! author: String! }
        type Movie implements Titled @key(fields: "id") { id: ID! title: String! director: String! }
        """,
        {
            "Book": [
                {"id": "b1", "title": "Dune", "author": "Herbert"},
                {"id": "b2", "title": "Emma", "author": "Austen"},
            ],
            "Movie": [{"id": "m1", "title": "Alien", "director": "Scott"}],
        },
        {"Query.everything": lambda _s, _i: [B1, M1, B2]},
    )
    # feed has no rows: a title it returns is one its resolvers provide, nothing else.
    feed = KitSubgraph(
        "feed",
        FED
        + """
        type Query {
          feed: [Media!]! @provides(fields: "... on Book { title } ... on Movie { title }")
          bookFeed: [Media!]! @provides(fields: "... on Book { title }")
          recent: [Media!]!
          shelf: [Titled!]! @provides(fields: "... on Book { title } ... on Movie { title }")
          lists: [List!]!
        }
        type List { name: String! items: [Media!]! @provides(fields: "... on Movie { title }") }
        union Media = Book | Movie
        interface Titled { title: String! }
        type Book implements Titled @key(fields: "id") { id: ID! title: String! @external }
        type Movie implements Titled @key(fields: "id") { id: ID! title: String! @external }
        """,
        {},
        {
            "Query.feed": lambda _s, _i: [{**B1, "title": "Dune"}, {**M1, "title": "Alien"}],
            "Query.bookFeed": lambda _s, _i: [{**B2, "title": "Emma"}, M1],
            "Query.recent": lambda _s, _i: [M1, B2],
            "Query.shelf": lambda _s, _i: [{**B2, "title": "Emma"}, {**M1, "title": "Alien"}],
            "Query.lists": lambda _s, _i: [
                {"name": "Watch", "items": [{**M1, "title": "Alien"}, B1]},
                {"name": "Empty", "items": []},
            ],
        },
    )
    return [catalog, feed]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_provided_for_every_union_member(gw: KitGateway) -> None:
    plan, body = await gw.run("{ feed { ... on Book { title } ... on Movie { title } } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "feed") {
    {
      feed {
        __typename
        ... on Book {
          title
        }
        ... on Movie {
          title
        }
      }
    }
  },
}\
""")
    assert body == {"data": {"feed": [{"title": "Dune"}, {"title": "Alien"}]}}
    assert list(gw.sent()) == ["feed"]


async def test_provided_member_field_next_to_one_from_the_owner(gw: KitGateway) -> None:
    plan, body = await gw.run("{ feed { ... on Book { title author } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "feed") {
      {
        feed {
          __typename
          ... on Book {
            title
            __typename
            id
          }
        }
      }
    },
    Flatten(path: "feed.@") {
      Fetch(service: "catalog") {
        {
          ... on Book {
            __typename
            id
          }
        } =>
        {
          ... on Book {
            author
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"feed": [{"title": "Dune", "author": "Herbert"}, {}]}}
    assert {n: len(r) for n, r in gw.sent().items()} == {"catalog": 1, "feed": 1}


async def test_provided_for_one_member_only(gw: KitGateway) -> None:
    plan, body = await gw.run("{ bookFeed { ... on Book { title } ... on Movie { title } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "feed") {
      {
        bookFeed {
          __typename
          ... on Book {
            title
          }
          ... on Movie {
            __typename
            id
          }
        }
      }
    },
    Flatten(path: "bookFeed.@") {
      Fetch(service: "catalog") {
        {
          ... on Movie {
            __typename
            id
          }
        } =>
        {
          ... on Movie {
            title
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"bookFeed": [{"title": "Emma"}, {"title": "Alien"}]}}
    # Only the movie is asked of catalog.
    assert gw["catalog"].requests[0].variables == {
        "representations": [{"__typename": "Movie", "id": "m1"}]
    }


async def test_not_provided_off_the_path(gw: KitGateway) -> None:
    plan, body = await gw.run("{ recent { ... on Book { title } ... on Movie { title } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "feed") {
      {
        recent {
          __typename
          ... on Book {
            __typename
            id
          }
          ... on Movie {
            __typename
            id
          }
        }
      }
    },
    Flatten(path: "recent.@") {
      Fetch(service: "catalog") {
        {
          ... on Book {
            __typename
            id
          }
          ... on Movie {
            __typename
            id
          }
        } =>
        {
          ... on Book {
            title
          }
          ... on Movie {
            title
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"recent": [{"title": "Alien"}, {"title": "Emma"}]}}
    assert sorted(gw.sent()) == ["catalog", "feed"]


async def test_interface_field_provided_in_every_implementation(gw: KitGateway) -> None:
    plan, body = await gw.run("{ shelf { title } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "feed") {
    {
      shelf {
        __typename
        ... on Book {
          title
        }
        ... on Movie {
          title
        }
      }
    }
  },
}\
""")
    assert body == {"data": {"shelf": [{"title": "Emma"}, {"title": "Alien"}]}}
    assert list(gw.sent()) == ["feed"]


async def test_provided_interface_field_next_to_an_owner_field(gw: KitGateway) -> None:
    plan, body = await gw.run("{ shelf { title ... on Movie { director } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "feed") {
      {
        shelf {
          __typename
          ... on Book {
            title
          }
          ... on Movie {
            title
            __typename
            id
          }
        }
      }
    },
    Flatten(path: "shelf.@") {
      Fetch(service: "catalog") {
        {
          ... on Movie {
            __typename
            id
          }
        } =>
        {
          ... on Movie {
            director
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"shelf": [{"title": "Emma"}, {"title": "Alien", "director": "Scott"}]}}
    assert gw["catalog"].requests[0].variables == {
        "representations": [{"__typename": "Movie", "id": "m1"}]
    }


async def test_provides_on_a_nested_field_covers_one_member(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ lists { name items { __typename ... on Movie { title } ... on Book { title } } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "feed") {
      {
        lists {
          name
          items {
            __typename
            ... on Book {
              __typename
              id
            }
            ... on Movie {
              __typename
              title
            }
          }
        }
      }
    },
    Flatten(path: "lists.@.items.@") {
      Fetch(service: "catalog") {
        {
          ... on Book {
            __typename
            id
          }
        } =>
        {
          ... on Book {
            title
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "lists": [
                {
                    "name": "Watch",
                    "items": [
                        {"__typename": "Movie", "title": "Alien"},
                        {"__typename": "Book", "title": "Dune"},
                    ],
                },
                {"name": "Empty", "items": []},
            ]
        }
    }
    assert gw["catalog"].requests[0].variables == {
        "representations": [{"__typename": "Book", "id": "b1"}]
    }


async def test_owner_root_needs_no_provides(gw: KitGateway) -> None:
    plan, body = await gw.run("{ everything { ... on Titled { title } ... on Book { author } } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "catalog") {
    {
      everything {
        __typename
        ... on Book {
          title
          author
        }
        ... on Movie {
          title
        }
      }
    }
  },
}\
""")
    assert body == {
        "data": {
            "everything": [
                {"title": "Dune", "author": "Herbert"},
                {"title": "Alien"},
                {"title": "Emma", "author": "Austen"},
            ]
        }
    }
    assert list(gw.sent()) == ["catalog"]
