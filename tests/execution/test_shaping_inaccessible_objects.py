"""Objects of an `@inaccessible` type: a union member or interface implementation that
subgraphs return but the client's schema does not have comes back as `null` (never `{}`),
with the nullability rules of the position that holds it: a nullable field or list item is
null without an error; in a non-null position the null bubbles to the nearest nullable
parent with an error at the object's path."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from inline_snapshot import snapshot

from tests.planning.header import INACCESSIBLE_LINK, supergraph
from tests.planning.helpers import KitGateway, KitSubgraph, kit_gateway

#: One event loop per module: the module-scoped kit servers and gateway live in it.
pytestmark = pytest.mark.asyncio(loop_scope="module")

SUPERGRAPH = supergraph(
    ["catalog", "extras"],
    """
type Book implements Node
  @join__implements(graph: CATALOG, interface: "Node")
  @join__type(graph: CATALOG, key: "id")
  @join__type(graph: EXTRAS, key: "id")
{
  id: ID!
  title: String! @join__field(graph: CATALOG)
  sequel: Media @join__field(graph: EXTRAS)
  sequels: [Media!] @join__field(graph: EXTRAS)
}

type Draft implements Node
  @join__implements(graph: CATALOG, interface: "Node")
  @join__type(graph: CATALOG)
  @join__type(graph: EXTRAS)
  @inaccessible
{
  id: ID!
  notes: String @join__field(graph: CATALOG)
}

type Film implements Node
  @join__implements(graph: CATALOG, interface: "Node")
  @join__type(graph: CATALOG, key: "id")
{
  id: ID!
  title: String!
}

union Media
  @join__type(graph: CATALOG)
  @join__type(graph: EXTRAS)
  @join__unionMember(graph: CATALOG, member: "Book")
  @join__unionMember(graph: CATALOG, member: "Draft")
  @join__unionMember(graph: CATALOG, member: "Film")
  @join__unionMember(graph: EXTRAS, member: "Book")
  @join__unionMember(graph: EXTRAS, member: "Draft")
 = Book | Draft | Film

interface Node
  @join__type(graph: CATALOG)
{
  id: ID!
}

type Query
  @join__type(graph: CATALOG)
  @join__type(graph: EXTRAS)
{
  media: [Media] @join__field(graph: CATALOG)
  mediaStrict: [Media!] @join__field(graph: CATALOG)
  featured: Media @join__field(graph: CATALOG)
  pinned: Media! @join__field(graph: CATALOG)
  nodes: [Node] @join__field(graph: CATALOG)
  books: [Book!]! @join__field(graph: CATALOG)
}
""",
    extra_links=INACCESSIBLE_LINK,
)

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@inaccessible", "@shareable"])\n'
)

BOOK_1 = {"__typename": "Book", "id": "b1"}
BOOK_2 = {"__typename": "Book", "id": "b2"}
DRAFT = {"__typename": "Draft", "id": "d1"}
FILM = {"__typename": "Film", "id": "f1"}


def make_subgraphs() -> list[KitSubgraph]:
    catalog = KitSubgraph(
        "catalog",
        FED
        + """
        type Query {
          media: [Media] mediaStrict: [Media!] featured: Media pinned: Media!
          nodes: [Node] books: [Book!]!
        }
        interface Node { id: ID! }
        union Media = Book | Draft | Film
        type Book implements Node @key(fields: "id") { id: ID! title: String! }
        type Film implements Node @key(fields: "id") { id: ID! title: String! }
        type Draft implements Node @inaccessible @shareable { id: ID! notes: String }
        """,
        {
            "Book": [{"id": "b1", "title": "Dune"}, {"id": "b2", "title": "Dune Messiah"}],
            "Film": [{"id": "f1", "title": "Alien"}],
            "Draft": [{"id": "d1", "notes": "todo"}],
        },
        {
            "Query.media": lambda _s, _i: [BOOK_1, DRAFT, FILM],
            "Query.mediaStrict": lambda _s, _i: [BOOK_1, DRAFT],
            "Query.featured": lambda _s, _i: DRAFT,
            "Query.pinned": lambda _s, _i: DRAFT,
            "Query.nodes": lambda _s, _i: [BOOK_1, DRAFT, FILM],
            "Query.books": lambda _s, _i: [BOOK_1, BOOK_2],
        },
    )
    extras = KitSubgraph(
        "extras",
        FED
        + """
        union Media = Book | Draft
        type Book @key(fields: "id") { id: ID! sequel: Media sequels: [Media!] }
        type Draft @inaccessible @shareable { id: ID! }
        """,
        {
            "Book": [
                {"id": "b1", "sequel": BOOK_2, "sequels": [BOOK_2]},
                {
                    "id": "b2",
                    "sequel": {"__typename": "Draft", "id": "d9"},
                    "sequels": [BOOK_1, {"__typename": "Draft", "id": "d9"}],
                },
            ]
        },
    )
    return [catalog, extras]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_hidden_union_member_in_a_list_is_null(gw: KitGateway) -> None:
    plan, body = await gw.run("{ media { ... on Book { title } ... on Film { title } } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "catalog") {
    {
      media {
        __typename
        ... on Book {
          title
        }
        ... on Film {
          title
        }
      }
    }
  },
}\
""")
    assert body == {"data": {"media": [{"title": "Dune"}, None, {"title": "Alien"}]}}


async def test_hidden_union_member_with_only_typename_is_null(gw: KitGateway) -> None:
    plan, body = await gw.run("{ media { __typename } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "catalog") {
    {
      media {
        __typename
        ... on Book {
          __typename
        }
        ... on Film {
          __typename
        }
      }
    }
  },
}\
""")
    assert body == {"data": {"media": [{"__typename": "Book"}, None, {"__typename": "Film"}]}}


async def test_hidden_object_with_no_fields_selected_for_it_is_null(gw: KitGateway) -> None:
    # Book's fields only: a Film is `{}` (a visible type with nothing selected), a Draft null.
    plan, body = await gw.run("{ media { ... on Book { id } } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "catalog") {
    {
      media {
        __typename
        ... on Book {
          id
        }
      }
    }
  },
}\
""")
    assert body == {"data": {"media": [{"id": "b1"}, None, {}]}}


async def test_hidden_object_in_a_non_null_list_item_bubbles_to_the_list(gw: KitGateway) -> None:
    plan, body = await gw.run("{ mediaStrict { ... on Book { title } } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "catalog") {
    {
      mediaStrict {
        __typename
        ... on Book {
          title
        }
      }
    }
  },
}\
""")
    assert body == {
        "data": {"mediaStrict": None},
        "errors": [
            {
                "message": "Cannot return null for non-nullable field Query.mediaStrict.",
                "path": ["mediaStrict", 1],
                "extensions": {"code": "NON_NULL_FIELD_IS_NULL"},
            }
        ],
    }


async def test_hidden_object_in_a_nullable_field_is_null(gw: KitGateway) -> None:
    plan, body = await gw.run("{ featured { __typename } books { id } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "catalog") {
    {
      featured {
        __typename
        ... on Book {
          __typename
        }
        ... on Film {
          __typename
        }
      }
      books {
        id
      }
    }
  },
}\
""")
    assert body == {"data": {"featured": None, "books": [{"id": "b1"}, {"id": "b2"}]}}


async def test_hidden_object_in_a_non_null_root_field_nulls_the_data(gw: KitGateway) -> None:
    plan, body = await gw.run("{ pinned { ... on Book { title } } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "catalog") {
    {
      pinned {
        __typename
        ... on Book {
          title
        }
      }
    }
  },
}\
""")
    assert body == {
        "data": None,
        "errors": [
            {
                "message": "Cannot return null for non-nullable field Query.pinned.",
                "path": ["pinned"],
                "extensions": {"code": "NON_NULL_FIELD_IS_NULL"},
            }
        ],
    }


async def test_hidden_interface_implementation_is_null(gw: KitGateway) -> None:
    plan, body = await gw.run("{ nodes { id } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "catalog") {
    {
      nodes {
        __typename
        ... on Book {
          id
        }
        ... on Film {
          id
        }
      }
    }
  },
}\
""")
    assert body == {"data": {"nodes": [{"id": "b1"}, None, {"id": "f1"}]}}


async def test_hidden_object_from_an_entity_fetch_is_null(gw: KitGateway) -> None:
    plan, body = await gw.run("{ books { title sequel { __typename ... on Book { title } } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "catalog") {
      {
        books {
          title
          __typename
          id
        }
      }
    },
    Flatten(path: "books.@") {
      Fetch(service: "extras") {
        {
          ... on Book {
            __typename
            id
          }
        } =>
        {
          ... on Book {
            sequel {
              __typename
              ... on Book {
                __typename
                id
              }
            }
          }
        }
      },
    },
    Flatten(path: "books.@.sequel") {
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
            "books": [
                {"title": "Dune", "sequel": {"__typename": "Book", "title": "Dune Messiah"}},
                {"title": "Dune Messiah", "sequel": None},
            ]
        }
    }


async def test_hidden_object_in_a_non_null_item_below_an_entity_fetch(gw: KitGateway) -> None:
    plan, body = await gw.run("{ books { id sequels { ... on Book { id } } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "catalog") {
      {
        books {
          id
          __typename
        }
      }
    },
    Flatten(path: "books.@") {
      Fetch(service: "extras") {
        {
          ... on Book {
            __typename
            id
          }
        } =>
        {
          ... on Book {
            sequels {
              __typename
              ... on Book {
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
    assert body == {
        "data": {"books": [{"id": "b1", "sequels": [{"id": "b2"}]}, {"id": "b2", "sequels": None}]},
        "errors": [
            {
                "message": "Cannot return null for non-nullable field Book.sequels.",
                "path": ["books", 1, "sequels", 1],
                "extensions": {"code": "NON_NULL_FIELD_IS_NULL"},
            }
        ],
    }
