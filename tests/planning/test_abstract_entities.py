# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""Abstract types below entity fetches: an entity field (catalog) returning an interface
whose implementations get more fields from another subgraph (extras), and an interface
list in a subgraph that knows only some of the implementations (people)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from inline_snapshot import snapshot

from tests.planning.header import supergraph
from tests.planning.helpers import KitGateway, KitSubgraph, kit_gateway

#: One event loop per module: the module-scoped kit servers and gateway live in it.
pytestmark = pytest.mark.asyncio(loop_scope="module")

# Item belongs to catalog and people; people knows Book but not Film.
SUPERGRAPH = supergraph(
    ["catalog", "extras", "people"],
    """
interface Item @join__type(graph: CATALOG) @join__type(graph: PEOPLE) { id: ID! }
type Book implements Item @join__implements(graph: CATALOG, interface: "Item") @join__implements(graph: PEOPLE, interface: "Item")
  @join__type(graph: CATALOG, key: "id") @join__type(graph: EXTRAS, key: "id") @join__type(graph: PEOPLE, key: "id") {
  id: ID!
  title: String! @join__field(graph: CATALOG)
  isbn: String! @join__field(graph: EXTRAS)
}
type Film implements Item @join__implements(graph: CATALOG, interface: "Item")
  @join__type(graph: CATALOG, key: "id") @join__type(graph: EXTRAS, key: "id") {
  id: ID!
  title: String! @join__field(graph: CATALOG)
  rating: String! @join__field(graph: EXTRAS)
}
type Person @join__type(graph: PEOPLE, key: "id") @join__type(graph: CATALOG, key: "id") {
  id: ID!
  name: String! @join__field(graph: PEOPLE)
  favorite: Item @join__field(graph: CATALOG)
  wishlist: [Item!]! @join__field(graph: PEOPLE)
}
type Query @join__type(graph: CATALOG) @join__type(graph: EXTRAS) @join__type(graph: PEOPLE) {
  people: [Person!]! @join__field(graph: PEOPLE)
}
""",
)


def make_subgraphs() -> list[KitSubgraph]:
    c = KitSubgraph(
        "catalog",
        """interface Item { id: ID! }
      type Book implements Item @key(fields: "id") { id: ID! title: String! }
      type Film implements Item @key(fields: "id") { id: ID! title: String! }
      type Person @key(fields: "id") { id: ID! favorite: Item }""",
        {
            "Book": [{"id": "b1", "title": "Dune"}],
            "Film": [{"id": "f1", "title": "Alien"}],
            "Person": [
                {"id": "p1", "favorite": {"__typename": "Film", "id": "f1"}},
                {"id": "p2", "favorite": {"__typename": "Book", "id": "b1"}},
            ],
        },
    )
    e = KitSubgraph(
        "extras",
        """type Book @key(fields: "id") { id: ID! isbn: String! }
      type Film @key(fields: "id") { id: ID! rating: String! }""",
        {"Book": [{"id": "b1", "isbn": "978"}], "Film": [{"id": "f1", "rating": "R"}]},
    )
    p = KitSubgraph(
        "people",
        """type Query { people: [Person!]! }
      interface Item { id: ID! }
      type Book implements Item @key(fields: "id") { id: ID! }
      type Person @key(fields: "id") { id: ID! name: String! wishlist: [Item!]! }""",
        {
            "Person": [
                {"id": "p1", "name": "Ann", "wishlist": [{"__typename": "Book", "id": "b1"}]},
                {"id": "p2", "name": "Bob", "wishlist": []},
            ]
        },
        {"Query.people": lambda _s, _i: p.rows("Person")},
    )
    return [c, e, p]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_interface_below_an_entity_fetch_then_implementation_fields(
    gw: KitGateway,
) -> None:
    plan, body = await gw.run(
        "{ people { name favorite { __typename id ... on Book { title isbn } ... on Film { title rating } } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "people") {
      {
        people {
          name
          __typename
          id
        }
      }
    },
    Flatten(path: "people.@") {
      Fetch(service: "catalog") {
        {
          ... on Person {
            __typename
            id
          }
        } =>
        {
          ... on Person {
            favorite {
              __typename
              ... on Book {
                __typename
                id
                title
              }
              ... on Film {
                __typename
                id
                title
              }
            }
          }
        }
      },
    },
    Flatten(path: "people.@.favorite") {
      Fetch(service: "extras") {
        {
          ... on Book {
            __typename
            id
          }
          ... on Film {
            __typename
            id
          }
        } =>
        {
          ... on Book {
            isbn
          }
          ... on Film {
            rating
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
                "people": [
                    {
                        "name": "Ann",
                        "favorite": {
                            "__typename": "Film",
                            "id": "f1",
                            "title": "Alien",
                            "rating": "R",
                        },
                    },
                    {
                        "name": "Bob",
                        "favorite": {
                            "__typename": "Book",
                            "id": "b1",
                            "title": "Dune",
                            "isbn": "978",
                        },
                    },
                ]
            }
        }
    )
    # One _entities call to extras for both types.
    assert [r.variables for r in gw["extras"].requests] == snapshot(
        [
            {
                "representations": [
                    {"__typename": "Film", "id": "f1"},
                    {"__typename": "Book", "id": "b1"},
                ]
            }
        ]
    )


async def test_interface_list_in_a_subgraph_that_knows_some_implementations(
    gw: KitGateway,
) -> None:
    plan, body = await gw.run(
        "{ people { wishlist { __typename ... on Book { title isbn } ... on Film { rating } } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "people") {
      {
        people {
          wishlist {
            __typename
            ... on Book {
              __typename
              id
            }
          }
        }
      }
    },
    Parallel {
      Flatten(path: "people.@.wishlist.@") {
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
      Flatten(path: "people.@.wishlist.@") {
        Fetch(service: "extras") {
          {
            ... on Book {
              __typename
              id
            }
          } =>
          {
            ... on Book {
              isbn
            }
          }
        },
      },
    },
  },
}\
""")
    assert body == snapshot(
        {
            "data": {
                "people": [
                    {"wishlist": [{"__typename": "Book", "title": "Dune", "isbn": "978"}]},
                    {"wishlist": []},
                ]
            }
        }
    )
    assert all("Film" not in r.query for r in gw["people"].requests)


async def test_fragment_on_the_interface_itself(gw: KitGateway) -> None:
    plan, body = await gw.run("{ people { favorite { ... on Item { id } } wishlist { id } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "people") {
      {
        people {
          __typename
          id
          wishlist {
            __typename
            ... on Book {
              id
            }
          }
        }
      }
    },
    Flatten(path: "people.@") {
      Fetch(service: "catalog") {
        {
          ... on Person {
            __typename
            id
          }
        } =>
        {
          ... on Person {
            favorite {
              __typename
              ... on Book {
                id
              }
              ... on Film {
                id
              }
            }
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
                "people": [
                    {"favorite": {"id": "f1"}, "wishlist": [{"id": "b1"}]},
                    {"favorite": {"id": "b1"}, "wishlist": []},
                ]
            }
        }
    )
