# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""A union below an entity fetch: feed's Item is Book | Post, media's Item is Book | Song;
feed is asked only about its members, Book's title comes from media."""

from __future__ import annotations

import pytest
from inline_snapshot import snapshot

from tests.planning.header import supergraph
from tests.planning.helpers import KitSubgraph, kit_gateway

pytestmark = pytest.mark.asyncio(loop_scope="module")

SUPERGRAPH = supergraph(
    ["feed", "media", "users"],
    """
type Book @join__type(graph: FEED, key: "id") @join__type(graph: MEDIA, key: "id") { id: ID! title: String! @join__field(graph: MEDIA) }
type Song @join__type(graph: MEDIA, key: "id") { id: ID! title: String! }
type Post @join__type(graph: FEED, key: "id") { id: ID! text: String! }
union Item @join__type(graph: FEED) @join__type(graph: MEDIA)
  @join__unionMember(graph: FEED, member: "Book") @join__unionMember(graph: FEED, member: "Post")
  @join__unionMember(graph: MEDIA, member: "Book") @join__unionMember(graph: MEDIA, member: "Song")
 = Book | Post | Song
type User @join__type(graph: FEED, key: "id") @join__type(graph: USERS, key: "id") {
  id: ID!
  name: String! @join__field(graph: USERS)
  likes: [Item!]! @join__field(graph: FEED)
}
type Query @join__type(graph: FEED) @join__type(graph: MEDIA) @join__type(graph: USERS) {
  users: [User!]! @join__field(graph: USERS)
}
""",
)


def make_subgraphs() -> list[KitSubgraph]:
    f = KitSubgraph(
        "feed",
        """type Book @key(fields: "id") { id: ID! } type Post @key(fields: "id") { id: ID! text: String! }
      union Item = Book | Post
      type User @key(fields: "id") { id: ID! likes: [Item!]! }""",
        {
            "Post": [{"id": "p1", "text": "hello"}],
            "User": [
                {
                    "id": "u1",
                    "likes": [
                        {"__typename": "Book", "id": "b1"},
                        {"__typename": "Post", "id": "p1"},
                    ],
                }
            ],
        },
    )
    m = KitSubgraph(
        "media",
        """type Book @key(fields: "id") { id: ID! title: String! } type Song @key(fields: "id") { id: ID! title: String! } union Item = Book | Song""",
        {"Book": [{"id": "b1", "title": "Dune"}], "Song": [{"id": "s1", "title": "Heroes"}]},
    )
    u = KitSubgraph(
        "users",
        """type Query { users: [User!]! } type User @key(fields: "id") { id: ID! name: String! }""",
        {"User": [{"id": "u1", "name": "Ann"}]},
        {"Query.users": lambda _s, _i: u.rows("User")},
    )
    return [f, m, u]


async def test_union_members_below_an_entity_fetch() -> None:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gw:
        plan, body = await gw.run(
            "{ users { name likes { __typename ... on Book { title } ... on Song { title } ... on Post { text } } } }"
        )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "users") {
      {
        users {
          name
          __typename
          id
        }
      }
    },
    Flatten(path: "users.@") {
      Fetch(service: "feed") {
        {
          ... on User {
            __typename
            id
          }
        } =>
        {
          ... on User {
            likes {
              __typename
              ... on Book {
                __typename
                id
              }
              ... on Post {
                __typename
                text
              }
            }
          }
        }
      },
    },
    Flatten(path: "users.@.likes.@") {
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
                "users": [
                    {
                        "name": "Ann",
                        "likes": [
                            {"__typename": "Book", "title": "Dune"},
                            {"__typename": "Post", "text": "hello"},
                        ],
                    }
                ]
            }
        }
    )
    assert all("Song" not in r.query for r in gw["feed"].requests)
