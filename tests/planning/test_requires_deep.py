"""A requirement that goes through a list field with an argument into another subgraph
(after Hive Router's deep-requires fixture): `Post.author` in b requires
`comments(limit: 3) { authorId }`, the comments are b's, their `authorId` is a's. The
requirement's comments are not the client's: a client asking for `comments(limit: 1)`
gets one comment."""

from __future__ import annotations

from collections import Counter
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
    ["a", "b"],
    """
type Author
  @join__type(graph: B)
{
  id: ID!
  name: String
}

type Comment
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id")
{
  id: ID!
  authorId: ID @join__field(graph: A) @join__field(graph: B, external: true)
  body: String! @join__field(graph: A)
  date: String @join__field(graph: B)
}

type Post
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id")
{
  id: ID!
  title: String @join__field(graph: A)
  author: Author @join__field(graph: B, requires: "comments(limit: 3) { authorId }")
  comments(limit: Int!): [Comment] @join__field(graph: B)
}

type Query
  @join__type(graph: A)
  @join__type(graph: B)
{
  feed: [Post] @join__field(graph: A)
}
""",
)

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@external", "@requires"])\n'
)

AUTHORS = {"a1": "Ann", "a2": "Bob", "a3": "Cy"}


def _author(source: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    # The most frequent author among the (at most three) required comments.
    ids = [c["authorId"] for c in source.get("comments") or [] if c and c.get("authorId")]
    if not ids:
        return None
    top = Counter(ids).most_common(1)[0][0]
    return {"id": top, "name": AUTHORS[top]}


def make_subgraphs() -> list[KitSubgraph]:
    a = KitSubgraph(
        "a",
        FED
        + """
        type Query { feed: [Post] }
        type Post @key(fields: "id") { id: ID! title: String }
        type Comment @key(fields: "id") { id: ID! authorId: ID body: String! }
        """,
        {
            "Post": [
                {"id": "t1", "title": "One"},
                {"id": "t2", "title": "Two"},
                {"id": "t3", "title": "Three"},
            ],
            "Comment": [
                {"id": "c1", "authorId": "a1", "body": "first"},
                {"id": "c2", "authorId": "a2", "body": "second"},
                {"id": "c3", "authorId": "a1", "body": "third"},
                {"id": "c4", "authorId": "a3", "body": "fourth"},
                {"id": "c5", "authorId": "a2", "body": "fifth"},
            ],
        },
        {"Query.feed": lambda _s, _i: a.rows("Post")},
    )
    b = KitSubgraph(
        "b",
        FED
        + """
        type Author { id: ID! name: String }
        type Comment @key(fields: "id") { id: ID! authorId: ID @external date: String }
        type Post @key(fields: "id") {
          id: ID!
          author: Author @requires(fields: "comments(limit: 3) { authorId }")
          comments(limit: Int!): [Comment]
        }
        """,
        {
            "Post": [
                {"id": "t1", "all": [{"id": "c1"}, {"id": "c2"}, {"id": "c3"}, {"id": "c4"}]},
                {"id": "t2", "all": [{"id": "c5"}]},
                {"id": "t3", "all": []},
            ],
            "Comment": [{"id": f"c{n}", "date": f"2024-01-0{n}"} for n in range(1, 6)],
        },
        {
            "Post.comments": lambda s, _i, limit: s["all"][:limit],
            "Post.author": _author,
        },
    )
    return [a, b]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_requirement_through_a_list_with_an_argument_into_another_subgraph(
    gw: KitGateway,
) -> None:
    plan, body = await gw.run("{ feed { author { name } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        feed {
          __typename
          id
        }
      }
    },
    Flatten(path: "feed.@") {
      Fetch(service: "b") {
        {
          ... on Post {
            __typename
            id
          }
        } =>
        {
          ... on Post {
            comments(limit: 3) {
              __typename
              id
            }
          }
        }
      },
    },
    Flatten(path: "feed.@.comments.@") {
      Fetch(service: "a") {
        {
          ... on Comment {
            __typename
            id
          }
        } =>
        {
          ... on Comment {
            authorId
          }
        }
      },
    },
    Flatten(path: "feed.@") {
      Fetch(service: "b") {
        {
          ... on Post {
            __typename
            id
            comments {
              authorId
            }
          }
        } =>
        {
          ... on Post {
            author {
              name
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
            "feed": [{"author": {"name": "Ann"}}, {"author": {"name": "Bob"}}, {"author": None}]
        }
    }
    # b's posts, a's authorIds, b's authors.
    assert {name: len(r) for name, r in gw.sent().items()} == {"a": 2, "b": 2}


async def test_client_comments_with_another_limit_than_the_requirement(gw: KitGateway) -> None:
    plan, body = await gw.run("{ feed { id comments(limit: 1) { body } author { id } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        feed {
          id
          __typename
        }
      }
    },
    Flatten(path: "feed.@") {
      Fetch(service: "b") {
        {
          ... on Post {
            __typename
            id
          }
        } =>
        {
          ... on Post {
            comments(limit: 1) {
              __typename
              id
            }
            _gw_comments: comments(limit: 3) {
              __typename
              id
            }
          }
        }
      },
    },
    Parallel {
      Flatten(path: "feed.@.comments.@") {
        Fetch(service: "a") {
          {
            ... on Comment {
              __typename
              id
            }
          } =>
          {
            ... on Comment {
              body
            }
          }
        },
      },
      Flatten(path: "feed.@._gw_comments.@") {
        Fetch(service: "a") {
          {
            ... on Comment {
              __typename
              id
            }
          } =>
          {
            ... on Comment {
              authorId
            }
          }
        },
      },
    },
    Flatten(path: "feed.@") {
      Fetch(service: "b") {
        {
          ... on Post {
            __typename
            id
            comments {
              authorId
            }
          }
        } =>
        {
          ... on Post {
            author {
              id
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
            "feed": [
                {"id": "t1", "comments": [{"body": "first"}], "author": {"id": "a1"}},
                {"id": "t2", "comments": [{"body": "fifth"}], "author": {"id": "a2"}},
                {"id": "t3", "comments": [], "author": None},
            ]
        }
    }


async def test_client_comments_with_the_requirement_limit(gw: KitGateway) -> None:
    plan, body = await gw.run("{ feed { comments(limit: 3) { authorId date } author { name } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        feed {
          __typename
          id
        }
      }
    },
    Flatten(path: "feed.@") {
      Fetch(service: "b") {
        {
          ... on Post {
            __typename
            id
          }
        } =>
        {
          ... on Post {
            comments(limit: 3) {
              __typename
              id
              date
            }
          }
        }
      },
    },
    Flatten(path: "feed.@.comments.@") {
      Fetch(service: "a") {
        {
          ... on Comment {
            __typename
            id
          }
        } =>
        {
          ... on Comment {
            authorId
          }
        }
      },
    },
    Flatten(path: "feed.@") {
      Fetch(service: "b") {
        {
          ... on Post {
            __typename
            id
            comments {
              authorId
            }
          }
        } =>
        {
          ... on Post {
            author {
              name
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
            "feed": [
                {
                    "comments": [
                        {"authorId": "a1", "date": "2024-01-01"},
                        {"authorId": "a2", "date": "2024-01-02"},
                        {"authorId": "a1", "date": "2024-01-03"},
                    ],
                    "author": {"name": "Ann"},
                },
                {"comments": [{"authorId": "a2", "date": "2024-01-05"}], "author": {"name": "Bob"}},
                {"comments": [], "author": None},
            ]
        }
    }


async def test_client_comments_with_a_larger_limit_next_to_the_author(gw: KitGateway) -> None:
    plan, body = await gw.run("{ feed { title author { name } comments(limit: 5) { id } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        feed {
          title
          __typename
          id
        }
      }
    },
    Flatten(path: "feed.@") {
      Fetch(service: "b") {
        {
          ... on Post {
            __typename
            id
          }
        } =>
        {
          ... on Post {
            _gw_comments: comments(limit: 3) {
              __typename
              id
            }
            comments(limit: 5) {
              id
            }
          }
        }
      },
    },
    Flatten(path: "feed.@._gw_comments.@") {
      Fetch(service: "a") {
        {
          ... on Comment {
            __typename
            id
          }
        } =>
        {
          ... on Comment {
            authorId
          }
        }
      },
    },
    Flatten(path: "feed.@") {
      Fetch(service: "b") {
        {
          ... on Post {
            __typename
            id
            comments {
              authorId
            }
          }
        } =>
        {
          ... on Post {
            author {
              name
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
            "feed": [
                {
                    "title": "One",
                    "author": {"name": "Ann"},
                    "comments": [{"id": "c1"}, {"id": "c2"}, {"id": "c3"}, {"id": "c4"}],
                },
                {"title": "Two", "author": {"name": "Bob"}, "comments": [{"id": "c5"}]},
                {"title": "Three", "author": None, "comments": []},
            ]
        }
    }


async def test_requirement_alone_in_a_variable_operation(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "query ($n: Int!) { feed { comments(limit: $n) { body } author { name } } }", {"n": 2}
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        feed {
          __typename
          id
        }
      }
    },
    Flatten(path: "feed.@") {
      Fetch(service: "b") {
        {
          ... on Post {
            __typename
            id
          }
        } =>
        {
          ... on Post {
            comments(limit: $n) {
              __typename
              id
            }
            _gw_comments: comments(limit: 3) {
              __typename
              id
            }
          }
        }
      },
    },
    Parallel {
      Flatten(path: "feed.@.comments.@") {
        Fetch(service: "a") {
          {
            ... on Comment {
              __typename
              id
            }
          } =>
          {
            ... on Comment {
              body
            }
          }
        },
      },
      Flatten(path: "feed.@._gw_comments.@") {
        Fetch(service: "a") {
          {
            ... on Comment {
              __typename
              id
            }
          } =>
          {
            ... on Comment {
              authorId
            }
          }
        },
      },
    },
    Flatten(path: "feed.@") {
      Fetch(service: "b") {
        {
          ... on Post {
            __typename
            id
            comments {
              authorId
            }
          }
        } =>
        {
          ... on Post {
            author {
              name
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
            "feed": [
                {"comments": [{"body": "first"}, {"body": "second"}], "author": {"name": "Ann"}},
                {"comments": [{"body": "fifth"}], "author": {"name": "Bob"}},
                {"comments": [], "author": None},
            ]
        }
    }
