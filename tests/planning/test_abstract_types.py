"""Interfaces and unions across subgraphs: type conditions, fragments on abstract types,
`__typename`, union members and interface implementations that only some subgraphs know
(a subgraph is never sent a type condition its schema lacks)."""

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
    ["media", "shop"],
    """
type Book implements Media & Priced
  @join__implements(graph: MEDIA, interface: "Media")
  @join__implements(graph: SHOP, interface: "Priced")
  @join__type(graph: MEDIA, key: "id")
  @join__type(graph: SHOP, key: "id")
{
  id: ID!
  title: String! @join__field(graph: MEDIA)
  pages: Int! @join__field(graph: MEDIA)
  price: Int! @join__field(graph: SHOP)
}

interface Media
  @join__type(graph: MEDIA)
{
  id: ID!
  title: String!
}

type Movie implements Media & Priced
  @join__implements(graph: MEDIA, interface: "Media")
  @join__implements(graph: SHOP, interface: "Priced")
  @join__type(graph: MEDIA, key: "id")
  @join__type(graph: SHOP, key: "id")
{
  id: ID!
  title: String! @join__field(graph: MEDIA)
  minutes: Int! @join__field(graph: MEDIA)
  price: Int! @join__field(graph: SHOP)
}

interface Priced
  @join__type(graph: SHOP)
{
  price: Int!
}

type Query
  @join__type(graph: MEDIA)
  @join__type(graph: SHOP)
{
  library: [Media!]! @join__field(graph: MEDIA)
  search(term: String!): [SearchResult!]! @join__field(graph: MEDIA)
  featured: [SearchResult!]! @join__field(graph: SHOP)
  bargains: [Priced!]! @join__field(graph: SHOP)
}

union SearchResult
  @join__type(graph: MEDIA)
  @join__type(graph: SHOP)
  @join__unionMember(graph: MEDIA, member: "Book")
  @join__unionMember(graph: MEDIA, member: "Movie")
  @join__unionMember(graph: MEDIA, member: "Song")
  @join__unionMember(graph: SHOP, member: "Book")
  @join__unionMember(graph: SHOP, member: "Movie")
 = Book | Movie | Song

type Song implements Media
  @join__implements(graph: MEDIA, interface: "Media")
  @join__type(graph: MEDIA, key: "id")
{
  id: ID!
  title: String!
  seconds: Int!
}
""",
)

FED = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'


def make_subgraphs() -> list[KitSubgraph]:
    media = KitSubgraph(
        "media",
        FED
        + """
        type Query { library: [Media!]! search(term: String!): [SearchResult!]! }
        interface Media { id: ID! title: String! }
        type Book implements Media @key(fields: "id") { id: ID! title: String! pages: Int! }
        type Movie implements Media @key(fields: "id") { id: ID! title: String! minutes: Int! }
        type Song implements Media @key(fields: "id") { id: ID! title: String! seconds: Int! }
        union SearchResult = Book | Movie | Song
        """,
        {
            "Book": [{"id": "b1", "title": "Dune", "pages": 412}],
            "Movie": [{"id": "m1", "title": "Alien", "minutes": 117}],
            "Song": [{"id": "s1", "title": "Heroes", "seconds": 371}],
        },
        {
            "Query.library": lambda _s, _i: (
                media.rows("Book") + media.rows("Movie") + media.rows("Song")
            ),
            "Query.search": lambda _s, _i, term: [
                row
                for t in ("Song", "Book", "Movie")
                for row in media.rows(t)
                if term.lower() in row["title"].lower()
            ],
        },
    )
    shop = KitSubgraph(
        "shop",
        FED
        + """
        type Query { featured: [SearchResult!]! bargains: [Priced!]! }
        interface Priced { price: Int! }
        type Book implements Priced @key(fields: "id") { id: ID! price: Int! }
        type Movie implements Priced @key(fields: "id") { id: ID! price: Int! }
        union SearchResult = Book | Movie
        """,
        {"Book": [{"id": "b1", "price": 15}], "Movie": [{"id": "m1", "price": 10}]},
        {
            "Query.featured": lambda _s, _i: [
                {"__typename": "Movie", "id": "m1"},
                {"__typename": "Book", "id": "b1"},
            ],
            "Query.bargains": lambda _s, _i: [{"__typename": "Movie", "id": "m1"}],
        },
    )
    return [media, shop]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_interface_fields_and_typename(gw: KitGateway) -> None:
    plan, body = await gw.run("{ library { __typename title } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "media") {
    {
      library {
        __typename
        ... on Book {
          __typename
          title
        }
        ... on Movie {
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
}\
""")
    assert body == snapshot(
        {
            "data": {
                "library": [
                    {"__typename": "Book", "title": "Dune"},
                    {"__typename": "Movie", "title": "Alien"},
                    {"__typename": "Song", "title": "Heroes"},
                ]
            }
        }
    )


async def test_type_conditions_with_entity_fields_of_two_types(gw: KitGateway) -> None:
    # Book and Movie prices: one _entities call to shop carrying both types.
    plan, body = await gw.run(
        "{ library { title ... on Book { pages price } ... on Movie { price } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "media") {
      {
        library {
          __typename
          ... on Book {
            title
            pages
            __typename
            id
          }
          ... on Movie {
            title
            __typename
            id
          }
          ... on Song {
            title
          }
        }
      }
    },
    Flatten(path: "library.@") {
      Fetch(service: "shop") {
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
            price
          }
          ... on Movie {
            price
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
                    {"title": "Dune", "pages": 412, "price": 15},
                    {"title": "Alien", "price": 10},
                    {"title": "Heroes"},
                ]
            }
        }
    )
    assert gw["shop"].requests[0].variables == snapshot(
        {
            "representations": [
                {"__typename": "Book", "id": "b1"},
                {"__typename": "Movie", "id": "m1"},
            ]
        }
    )


async def test_union_with_a_member_one_subgraph_lacks(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ featured { __typename ... on Book { title price } ... on Song { title } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "shop") {
      {
        featured {
          __typename
          ... on Book {
            __typename
            id
            price
          }
          ... on Movie {
            __typename
          }
        }
      }
    },
    Flatten(path: "featured.@") {
      Fetch(service: "media") {
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
    assert body == snapshot(
        {
            "data": {
                "featured": [
                    {"__typename": "Movie"},
                    {"__typename": "Book", "title": "Dune", "price": 15},
                ]
            }
        }
    )
    # shop's SearchResult has no Song: it must never see "... on Song".
    assert all("Song" not in r.query for r in gw["shop"].requests)


async def test_union_in_its_own_subgraph(gw: KitGateway) -> None:
    plan, body = await gw.run(
        '{ search(term: "e") { ... on Book { title } ... on Song { seconds } } }'
    )
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "media") {
    {
      search(term: "e") {
        __typename
        ... on Book {
          title
        }
        ... on Song {
          seconds
        }
      }
    }
  },
}\
""")
    assert body == snapshot({"data": {"search": [{"seconds": 371}, {"title": "Dune"}, {}]}})


async def test_named_fragment_on_an_interface(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "query { library { ...M } } fragment M on Media { id title ... on Movie { minutes } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "media") {
    {
      library {
        __typename
        ... on Book {
          id
          title
        }
        ... on Movie {
          id
          title
          minutes
        }
        ... on Song {
          id
          title
        }
      }
    }
  },
}\
""")
    assert body == snapshot(
        {
            "data": {
                "library": [
                    {"id": "b1", "title": "Dune"},
                    {"id": "m1", "title": "Alien", "minutes": 117},
                    {"id": "s1", "title": "Heroes"},
                ]
            }
        }
    )


async def test_interface_fragment_inside_a_union_a_subgraph_does_not_know(
    gw: KitGateway,
) -> None:
    # shop has no Media interface: the fragment is asked as its concrete types.
    plan, body = await gw.run("{ featured { ... on Media { title } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "shop") {
      {
        featured {
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
    Flatten(path: "featured.@") {
      Fetch(service: "media") {
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
    assert body == snapshot({"data": {"featured": [{"title": "Alien"}, {"title": "Dune"}]}})
    assert all("Media" not in r.query for r in gw["shop"].requests)


async def test_interface_of_another_subgraph_inside_an_interface(gw: KitGateway) -> None:
    # media has no Priced interface: asked as Book/Movie there, prices from shop.
    plan, body = await gw.run("{ library { title ... on Priced { price } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "media") {
      {
        library {
          __typename
          ... on Book {
            title
            __typename
            id
          }
          ... on Movie {
            title
            __typename
            id
          }
          ... on Song {
            title
          }
        }
      }
    },
    Flatten(path: "library.@") {
      Fetch(service: "shop") {
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
            price
          }
          ... on Movie {
            price
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
                    {"title": "Dune", "price": 15},
                    {"title": "Alien", "price": 10},
                    {"title": "Heroes"},
                ]
            }
        }
    )
    assert all("Priced" not in r.query for r in gw["media"].requests)


async def test_interface_root_in_one_subgraph_fields_in_another(gw: KitGateway) -> None:
    plan, body = await gw.run("{ bargains { price ... on Movie { title minutes } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "shop") {
      {
        bargains {
          __typename
          ... on Book {
            price
          }
          ... on Movie {
            price
            __typename
            id
          }
        }
      }
    },
    Flatten(path: "bargains.@") {
      Fetch(service: "media") {
        {
          ... on Movie {
            __typename
            id
          }
        } =>
        {
          ... on Movie {
            title
            minutes
          }
        }
      },
    },
  },
}\
""")
    assert body == snapshot(
        {"data": {"bargains": [{"price": 10, "title": "Alien", "minutes": 117}]}}
    )
