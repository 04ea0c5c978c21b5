# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""Shared root fields returning key-less values that hold entities and nested values:
`viewer` is `@shareable` in accounts, reviews and settings (each adds its own fields),
`search(term:)` in accounts and reviews (the argument goes to both), `config.ui` is a value
inside a value, split between accounts and settings. Each subgraph owning a selected
field is asked, the answers merge; entity fields below continue through keys.
"""

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
    ["accounts", "reviews", "settings"],
    """
type Config
  @join__type(graph: ACCOUNTS)
  @join__type(graph: SETTINGS)
{
  ui: UI!
}

type Query
  @join__type(graph: ACCOUNTS)
  @join__type(graph: REVIEWS)
  @join__type(graph: SETTINGS)
{
  viewer: Viewer
  search(term: String!): SearchResult! @join__field(graph: ACCOUNTS) @join__field(graph: REVIEWS)
  config: Config! @join__field(graph: ACCOUNTS) @join__field(graph: SETTINGS)
}

type Review
  @join__type(graph: REVIEWS, key: "id")
{
  id: ID!
  body: String!
}

type SearchResult
  @join__type(graph: ACCOUNTS)
  @join__type(graph: REVIEWS)
{
  total: Int! @join__field(graph: ACCOUNTS)
  reviews: [Review!]! @join__field(graph: REVIEWS)
}

type UI
  @join__type(graph: ACCOUNTS)
  @join__type(graph: SETTINGS)
{
  density: String! @join__field(graph: ACCOUNTS)
  theme: String! @join__field(graph: SETTINGS)
}

type User
  @join__type(graph: ACCOUNTS, key: "id")
  @join__type(graph: REVIEWS, key: "id")
{
  id: ID!
  name: String! @join__field(graph: ACCOUNTS)
  reviews: [Review!]! @join__field(graph: REVIEWS)
}

type Viewer
  @join__type(graph: ACCOUNTS)
  @join__type(graph: REVIEWS)
  @join__type(graph: SETTINGS)
{
  user: User @join__field(graph: ACCOUNTS)
  locale: String! @join__field(graph: ACCOUNTS) @join__field(graph: SETTINGS)
  reviews: [Review!]! @join__field(graph: REVIEWS)
  theme: String @join__field(graph: SETTINGS)
}
""",
)

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@shareable"])\n'
)

BODIES = {"r1": "Good", "r2": "Bad"}


def _matching(term: str) -> list[str]:
    return [rid for rid, text in BODIES.items() if term.lower() in text.lower()]


def make_subgraphs() -> list[KitSubgraph]:
    accounts = KitSubgraph(
        "accounts",
        FED
        + """
        type Query { viewer: Viewer @shareable search(term: String!): SearchResult! @shareable config: Config! @shareable }
        type Viewer @shareable { user: User locale: String! }
        type SearchResult @shareable { total: Int! }
        type Config @shareable { ui: UI! }
        type UI @shareable { density: String! }
        type User @key(fields: "id") { id: ID! name: String! }
        """,
        {"User": [{"id": "u1", "name": "Ann"}]},
        {
            "Query.viewer": lambda _s, _i: {"user": {"id": "u1"}, "locale": "en"},
            "Query.search": lambda _s, _i, term: {"total": len(_matching(term))},
            "Query.config": lambda _s, _i: {"ui": {"density": "compact"}},
        },
    )
    reviews = KitSubgraph(
        "reviews",
        FED
        + """
        type Query { viewer: Viewer @shareable search(term: String!): SearchResult! @shareable }
        type Viewer @shareable { reviews: [Review!]! }
        type SearchResult @shareable { reviews: [Review!]! }
        type Review @key(fields: "id") { id: ID! body: String! }
        type User @key(fields: "id") { id: ID! reviews: [Review!]! }
        """,
        {
            "Review": [{"id": rid, "body": text} for rid, text in BODIES.items()],
            "User": [{"id": "u1", "reviews": [{"id": "r1"}, {"id": "r2"}]}],
        },
        {
            "Query.viewer": lambda _s, _i: {"reviews": [{"id": "r2"}]},
            "Query.search": lambda _s, _i, term: {"reviews": [{"id": r} for r in _matching(term)]},
        },
    )

    def settings_viewer(_s: Any, _i: Any) -> dict[str, Any]:
        return {"theme": "dark", "locale": "en"}

    settings = KitSubgraph(
        "settings",
        FED
        + """
        type Query { viewer: Viewer @shareable config: Config! @shareable }
        type Viewer @shareable { locale: String! theme: String }
        type Config @shareable { ui: UI! }
        type UI @shareable { theme: String! }
        """,
        {},
        {"Query.viewer": settings_viewer, "Query.config": lambda _s, _i: {"ui": {"theme": "dark"}}},
    )
    return [accounts, reviews, settings]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_entity_of_one_subgraph_next_to_a_field_of_another(gw: KitGateway) -> None:
    plan, body = await gw.run("{ viewer { user { name } theme } }")
    assert plan == snapshot("""\
QueryPlan {
  Parallel {
    Fetch(service: "accounts") {
      {
        viewer {
          user {
            name
          }
        }
      }
    },
    Fetch(service: "settings") {
      {
        viewer {
          theme
        }
      }
    },
  },
}\
""")
    assert body == {"data": {"viewer": {"user": {"name": "Ann"}, "theme": "dark"}}}
    assert sorted(gw.sent()) == ["accounts", "settings"]


async def test_field_two_subgraphs_share_is_one_fetch(gw: KitGateway) -> None:
    plan, body = await gw.run("{ viewer { locale } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "accounts") {
    {
      viewer {
        locale
      }
    }
  },
}\
""")
    assert body == {"data": {"viewer": {"locale": "en"}}}
    assert len([r for rs in gw.sent().values() for r in rs]) == 1


async def test_fields_of_the_three_subgraphs(gw: KitGateway) -> None:
    plan, body = await gw.run("{ viewer { theme reviews { body } user { id } locale } }")
    assert plan == snapshot("""\
QueryPlan {
  Parallel {
    Fetch(service: "accounts") {
      {
        viewer {
          user {
            id
          }
          locale
        }
      }
    },
    Fetch(service: "reviews") {
      {
        viewer {
          reviews {
            body
          }
        }
      }
    },
    Fetch(service: "settings") {
      {
        viewer {
          theme
        }
      }
    },
  },
}\
""")
    assert body == {
        "data": {
            "viewer": {
                "theme": "dark",
                "reviews": [{"body": "Bad"}],
                "user": {"id": "u1"},
                "locale": "en",
            }
        }
    }
    assert sorted(gw.sent()) == ["accounts", "reviews", "settings"]


async def test_argument_of_the_shared_root_goes_to_each_subgraph(gw: KitGateway) -> None:
    plan, body = await gw.run('{ search(term: "a") { total reviews { body } } }')
    assert plan == snapshot("""\
QueryPlan {
  Parallel {
    Fetch(service: "reviews") {
      {
        search(term: "a") {
          reviews {
            body
          }
        }
      }
    },
    Fetch(service: "accounts") {
      {
        search(term: "a") {
          total
        }
      }
    },
  },
}\
""")
    assert body == {"data": {"search": {"total": 1, "reviews": [{"body": "Bad"}]}}}
    assert sorted(gw.sent()) == ["accounts", "reviews"]


async def test_variable_of_the_shared_root_goes_to_each_subgraph(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "query Find($t: String!) { search(term: $t) { reviews { body } total } }",
        {"t": "O"},
    )
    assert plan == snapshot("""\
QueryPlan {
  Parallel {
    Fetch(service: "reviews") {
      {
        search(term: $t) {
          reviews {
            body
          }
        }
      }
    },
    Fetch(service: "accounts") {
      {
        search(term: $t) {
          total
        }
      }
    },
  },
}\
""")
    assert body == {"data": {"search": {"reviews": [{"body": "Good"}], "total": 1}}}
    for requests in gw.sent().values():
        assert [r.variables for r in requests] == [{"t": "O"}]


async def test_value_inside_a_value_split_between_subgraphs(gw: KitGateway) -> None:
    plan, body = await gw.run("{ config { ui { theme density } } }")
    assert plan == snapshot("""\
QueryPlan {
  Parallel {
    Fetch(service: "accounts") {
      {
        config {
          ui {
            density
          }
        }
      }
    },
    Fetch(service: "settings") {
      {
        config {
          ui {
            theme
          }
        }
      }
    },
  },
}\
""")
    assert body == {"data": {"config": {"ui": {"theme": "dark", "density": "compact"}}}}


async def test_entity_below_the_shared_value_continues_through_its_key(gw: KitGateway) -> None:
    plan, body = await gw.run("{ viewer { user { name reviews { body } } theme } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Parallel {
      Fetch(service: "accounts") {
        {
          viewer {
            user {
              name
              __typename
              id
            }
          }
        }
      },
      Fetch(service: "settings") {
        {
          viewer {
            theme
          }
        }
      },
    },
    Flatten(path: "viewer.user") {
      Fetch(service: "reviews") {
        {
          ... on User {
            __typename
            id
          }
        } =>
        {
          ... on User {
            reviews {
              body
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
            "viewer": {
                "user": {"name": "Ann", "reviews": [{"body": "Good"}, {"body": "Bad"}]},
                "theme": "dark",
            }
        }
    }
