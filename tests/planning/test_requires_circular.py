# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""Circular `@requires` between two subgraphs (after Hive Router's requires-circular
fixture): a field of B requires a field of A, and a field of A requires that field of B,
so the fetches go A, B, A, B, ... in as many steps as the chain needs, never a cycle. The
same field required with different arguments stays two requirements with two values."""

from __future__ import annotations

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
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id")
{
  id: ID!
  name: String! @join__field(graph: A)
  yearsOfExperience: Int! @join__field(graph: A) @join__field(graph: B, external: true)
  score(weight: Int!): Int! @join__field(graph: A) @join__field(graph: B, external: true)
}

type Post
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id")
{
  id: ID!
  title: String! @join__field(graph: A)
  byNovice: Boolean!
    @join__field(graph: A, external: true)
    @join__field(graph: B, requires: "author { yearsOfExperience }")
  byExpert: Boolean! @join__field(graph: A, requires: "byNovice")
  author: Author! @join__field(graph: B)
  heavyRank: Int!
    @join__field(graph: A, external: true)
    @join__field(graph: B, requires: "author { score(weight: 2) }")
  lightRank: Int! @join__field(graph: B, requires: "author { score(weight: 1) }")
  verdict: String! @join__field(graph: A, requires: "byNovice heavyRank")
}

type Query
  @join__type(graph: A)
  @join__type(graph: B)
{
  feed: [Post] @join__field(graph: A)
  feedWithGaps: [Post] @join__field(graph: A)
}
""",
)

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@external", "@requires"])\n'
)


def _verdict(source: dict[str, Any], _info: Any) -> str:
    return f"{'novice' if source['byNovice'] else 'expert'}:{source['heavyRank']}"


def make_subgraphs() -> list[KitSubgraph]:
    a = KitSubgraph(
        "a",
        FED
        + """
        type Query { feed: [Post] feedWithGaps: [Post] }
        type Author @key(fields: "id") { id: ID! name: String! yearsOfExperience: Int! score(weight: Int!): Int! }
        type Post @key(fields: "id") {
          id: ID!
          title: String!
          byNovice: Boolean! @external
          byExpert: Boolean! @requires(fields: "byNovice")
          heavyRank: Int! @external
          verdict: String! @requires(fields: "byNovice heavyRank")
        }
        """,
        {
            "Post": [
                {"id": "p1", "title": "Hello"},
                {"id": "p2", "title": "Deep dive"},
                {"id": "p3", "title": "Intro"},
            ],
            "Author": [
                {"id": "x1", "name": "Ann", "yearsOfExperience": 1},
                {"id": "x2", "name": "Bob", "yearsOfExperience": 12},
            ],
        },
        {
            "Query.feed": lambda _s, _i: a.rows("Post"),
            "Query.feedWithGaps": lambda _s, _i: [{"id": "p1"}, None, {"id": "p3"}],
            "Author.score": lambda s, _i, weight: s["yearsOfExperience"] * weight,
            "Post.byExpert": lambda s, _i: not s["byNovice"],
            "Post.verdict": _verdict,
        },
    )
    b = KitSubgraph(
        "b",
        FED
        + """
        type Author @key(fields: "id") { id: ID! yearsOfExperience: Int! @external score(weight: Int!): Int! @external }
        type Post @key(fields: "id") {
          id: ID!
          author: Author!
          byNovice: Boolean! @requires(fields: "author { yearsOfExperience }")
          heavyRank: Int! @requires(fields: "author { score(weight: 2) }")
          lightRank: Int! @requires(fields: "author { score(weight: 1) }")
        }
        """,
        {
            "Post": [
                {"id": "p1", "author": {"id": "x1"}},
                {"id": "p2", "author": {"id": "x2"}},
                {"id": "p3", "author": {"id": "x1"}},
            ]
        },
        {
            "Post.byNovice": lambda s, _i: s["author"]["yearsOfExperience"] < 3,
            "Post.heavyRank": lambda s, _i: s["author"]["score"],
            "Post.lightRank": lambda s, _i: s["author"]["score"],
        },
    )
    return [a, b]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


def _counts(gw: KitGateway) -> dict[str, int]:
    return {name: len(requests) for name, requests in gw.sent().items()}


async def test_field_of_b_that_requires_a_field_of_a(gw: KitGateway) -> None:
    plan, body = await gw.run("{ feed { byNovice } }")
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
            author {
              __typename
              id
            }
          }
        }
      },
    },
    Flatten(path: "feed.@.author") {
      Fetch(service: "a") {
        {
          ... on Author {
            __typename
            id
          }
        } =>
        {
          ... on Author {
            yearsOfExperience
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
            author {
              yearsOfExperience
            }
          }
        } =>
        {
          ... on Post {
            byNovice
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"feed": [{"byNovice": True}, {"byNovice": False}, {"byNovice": True}]}}
    # feed (a), author (b), yearsOfExperience (a), byNovice (b).
    assert _counts(gw) == {"a": 2, "b": 2}
    assert gw["b"].requests[-1].variables == {
        "representations": [
            {"__typename": "Post", "id": "p1", "author": {"yearsOfExperience": 1}},
            {"__typename": "Post", "id": "p2", "author": {"yearsOfExperience": 12}},
            {"__typename": "Post", "id": "p3", "author": {"yearsOfExperience": 1}},
        ]
    }


async def test_field_of_a_that_requires_the_circular_field_of_b(gw: KitGateway) -> None:
    plan, body = await gw.run("{ feed { byExpert } }")
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
            author {
              __typename
              id
            }
          }
        }
      },
    },
    Flatten(path: "feed.@.author") {
      Fetch(service: "a") {
        {
          ... on Author {
            __typename
            id
          }
        } =>
        {
          ... on Author {
            yearsOfExperience
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
            author {
              yearsOfExperience
            }
          }
        } =>
        {
          ... on Post {
            byNovice
          }
        }
      },
    },
    Flatten(path: "feed.@") {
      Fetch(service: "a") {
        {
          ... on Post {
            __typename
            id
            byNovice
          }
        } =>
        {
          ... on Post {
            byExpert
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {"feed": [{"byExpert": False}, {"byExpert": True}, {"byExpert": False}]}
    }
    assert _counts(gw) == {"a": 3, "b": 2}
    assert gw["a"].requests[-1].variables == {
        "representations": [
            {"__typename": "Post", "id": "p1", "byNovice": True},
            {"__typename": "Post", "id": "p2", "byNovice": False},
            {"__typename": "Post", "id": "p3", "byNovice": True},
        ]
    }


async def test_circular_requirement_and_its_required_field_both_selected(gw: KitGateway) -> None:
    plan, body = await gw.run("{ feed { byNovice byExpert } }")
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
            author {
              __typename
              id
            }
          }
        }
      },
    },
    Flatten(path: "feed.@.author") {
      Fetch(service: "a") {
        {
          ... on Author {
            __typename
            id
          }
        } =>
        {
          ... on Author {
            yearsOfExperience
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
            author {
              yearsOfExperience
            }
          }
        } =>
        {
          ... on Post {
            byNovice
          }
        }
      },
    },
    Flatten(path: "feed.@") {
      Fetch(service: "a") {
        {
          ... on Post {
            __typename
            id
            byNovice
          }
        } =>
        {
          ... on Post {
            byExpert
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
                {"byNovice": True, "byExpert": False},
                {"byNovice": False, "byExpert": True},
                {"byNovice": True, "byExpert": False},
            ]
        }
    }


async def test_circular_requirement_next_to_the_fields_it_goes_through(gw: KitGateway) -> None:
    plan, body = await gw.run("{ feed { title byExpert author { name yearsOfExperience } } }")
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
            author {
              __typename
              id
            }
          }
        }
      },
    },
    Flatten(path: "feed.@.author") {
      Fetch(service: "a") {
        {
          ... on Author {
            __typename
            id
          }
        } =>
        {
          ... on Author {
            yearsOfExperience
            name
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
            author {
              yearsOfExperience
            }
          }
        } =>
        {
          ... on Post {
            byNovice
          }
        }
      },
    },
    Flatten(path: "feed.@") {
      Fetch(service: "a") {
        {
          ... on Post {
            __typename
            id
            byNovice
          }
        } =>
        {
          ... on Post {
            byExpert
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
                    "title": "Hello",
                    "byExpert": False,
                    "author": {"name": "Ann", "yearsOfExperience": 1},
                },
                {
                    "title": "Deep dive",
                    "byExpert": True,
                    "author": {"name": "Bob", "yearsOfExperience": 12},
                },
                {
                    "title": "Intro",
                    "byExpert": False,
                    "author": {"name": "Ann", "yearsOfExperience": 1},
                },
            ]
        }
    }


async def test_same_field_required_with_two_arguments_stays_two_values(gw: KitGateway) -> None:
    plan, body = await gw.run("{ feed { heavyRank lightRank } }")
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
            author {
              __typename
              id
            }
          }
        }
      },
    },
    Flatten(path: "feed.@.author") {
      Fetch(service: "a") {
        {
          ... on Author {
            __typename
            id
          }
        } =>
        {
          ... on Author {
            score(weight: 2)
            _gw_score: score(weight: 1)
          }
        }
      },
    },
    Parallel {
      Flatten(path: "feed.@") {
        Fetch(service: "b") {
          {
            ... on Post {
              __typename
              id
              author {
                score
              }
            }
          } =>
          {
            ... on Post {
              heavyRank
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
              author {
                score
              }
            }
          } =>
          {
            ... on Post {
              lightRank
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
            "feed": [
                {"heavyRank": 2, "lightRank": 1},
                {"heavyRank": 24, "lightRank": 12},
                {"heavyRank": 2, "lightRank": 1},
            ]
        }
    }


async def test_requirement_on_two_circular_fields_one_with_arguments(gw: KitGateway) -> None:
    plan, body = await gw.run("{ feed { id verdict } }")
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
            author {
              __typename
              id
            }
          }
        }
      },
    },
    Flatten(path: "feed.@.author") {
      Fetch(service: "a") {
        {
          ... on Author {
            __typename
            id
          }
        } =>
        {
          ... on Author {
            yearsOfExperience
            score(weight: 2)
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
            author {
              yearsOfExperience
              score
            }
          }
        } =>
        {
          ... on Post {
            byNovice
            heavyRank
          }
        }
      },
    },
    Flatten(path: "feed.@") {
      Fetch(service: "a") {
        {
          ... on Post {
            __typename
            id
            byNovice
            heavyRank
          }
        } =>
        {
          ... on Post {
            verdict
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
                {"id": "p1", "verdict": "novice:2"},
                {"id": "p2", "verdict": "expert:24"},
                {"id": "p3", "verdict": "novice:2"},
            ]
        }
    }


async def test_circular_requirement_over_a_list_with_null_items(gw: KitGateway) -> None:
    plan, body = await gw.run("{ feedWithGaps { id byExpert } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        feedWithGaps {
          id
          __typename
        }
      }
    },
    Flatten(path: "feedWithGaps.@") {
      Fetch(service: "b") {
        {
          ... on Post {
            __typename
            id
          }
        } =>
        {
          ... on Post {
            author {
              __typename
              id
            }
          }
        }
      },
    },
    Flatten(path: "feedWithGaps.@.author") {
      Fetch(service: "a") {
        {
          ... on Author {
            __typename
            id
          }
        } =>
        {
          ... on Author {
            yearsOfExperience
          }
        }
      },
    },
    Flatten(path: "feedWithGaps.@") {
      Fetch(service: "b") {
        {
          ... on Post {
            __typename
            id
            author {
              yearsOfExperience
            }
          }
        } =>
        {
          ... on Post {
            byNovice
          }
        }
      },
    },
    Flatten(path: "feedWithGaps.@") {
      Fetch(service: "a") {
        {
          ... on Post {
            __typename
            id
            byNovice
          }
        } =>
        {
          ... on Post {
            byExpert
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "feedWithGaps": [{"id": "p1", "byExpert": False}, None, {"id": "p3", "byExpert": False}]
        }
    }


async def test_circular_requirement_under_two_aliases(gw: KitGateway) -> None:
    plan, body = await gw.run("{ first: feed { byExpert } second: feedWithGaps { byNovice } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        first: feed {
          __typename
          id
        }
        second: feedWithGaps {
          __typename
          id
        }
      }
    },
    Flatten(paths: ["first.@", "second.@"]) {
      Fetch(service: "b") {
        {
          ... on Post {
            __typename
            id
          }
        } =>
        {
          ... on Post {
            author {
              __typename
              id
            }
          }
        }
      },
    },
    Flatten(paths: ["first.@.author", "second.@.author"]) {
      Fetch(service: "a") {
        {
          ... on Author {
            __typename
            id
          }
        } =>
        {
          ... on Author {
            yearsOfExperience
          }
        }
      },
    },
    Flatten(paths: ["first.@", "second.@"]) {
      Fetch(service: "b") {
        {
          ... on Post {
            __typename
            id
            author {
              yearsOfExperience
            }
          }
        } =>
        {
          ... on Post {
            byNovice
          }
        }
      },
    },
    Flatten(path: "first.@") {
      Fetch(service: "a") {
        {
          ... on Post {
            __typename
            id
            byNovice
          }
        } =>
        {
          ... on Post {
            byExpert
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "first": [{"byExpert": False}, {"byExpert": True}, {"byExpert": False}],
            "second": [{"byNovice": True}, None, {"byNovice": True}],
        }
    }
