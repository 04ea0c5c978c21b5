# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""`@requires` below an interface: each implementation requires its own fields; one
`_entities` call carries representations of both types, each with its own requirements."""

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
    ["media", "stats"],
    """
interface Media @join__type(graph: MEDIA) { id: ID! title: String! }
type Book implements Media @join__implements(graph: MEDIA, interface: "Media") @join__type(graph: MEDIA, key: "id") @join__type(graph: STATS, key: "id") {
  id: ID!
  title: String! @join__field(graph: MEDIA) @join__field(graph: STATS, external: true)
  pages: Int! @join__field(graph: MEDIA) @join__field(graph: STATS, external: true)
  blurb: String! @join__field(graph: STATS, requires: "title pages")
}
type Film implements Media @join__implements(graph: MEDIA, interface: "Media") @join__type(graph: MEDIA, key: "id") @join__type(graph: STATS, key: "id") {
  id: ID!
  title: String! @join__field(graph: MEDIA) @join__field(graph: STATS, external: true)
  minutes: Int! @join__field(graph: MEDIA) @join__field(graph: STATS, external: true)
  blurb: String! @join__field(graph: STATS, requires: "title minutes")
}
type Query @join__type(graph: MEDIA) @join__type(graph: STATS) { library: [Media!]! @join__field(graph: MEDIA) }
""",
)


def make_subgraphs() -> list[KitSubgraph]:
    m = KitSubgraph(
        "media",
        """type Query { library: [Media!]! } interface Media { id: ID! title: String! }
      type Book implements Media @key(fields: "id") { id: ID! title: String! pages: Int! }
      type Film implements Media @key(fields: "id") { id: ID! title: String! minutes: Int! }""",
        {
            "Book": [{"id": "b1", "title": "Dune", "pages": 412}],
            "Film": [{"id": "f1", "title": "Alien", "minutes": 117}],
        },
        {"Query.library": lambda _s, _i: m.rows("Book") + m.rows("Film")},
    )
    st = KitSubgraph(
        "stats",
        """type Book @key(fields: "id") { id: ID! title: String! @external pages: Int! @external blurb: String! @requires(fields: "title pages") }
      type Film @key(fields: "id") { id: ID! title: String! @external minutes: Int! @external blurb: String! @requires(fields: "title minutes") }""",
        {},
        {
            "Book.blurb": lambda s, _i: f"{s['title']} ({s['pages']} pages)",
            "Film.blurb": lambda s, _i: f"{s['title']} ({s['minutes']} min)",
        },
    )
    return [m, st]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_requirements_per_implementation_in_one_entities_call(gw: KitGateway) -> None:
    plan, body = await gw.run("{ library { ... on Book { blurb } ... on Film { blurb } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "media") {
      {
        library {
          __typename
          ... on Book {
            __typename
            id
            title
            pages
          }
          ... on Film {
            __typename
            id
            title
            minutes
          }
        }
      }
    },
    Flatten(path: "library.@") {
      Fetch(service: "stats") {
        {
          ... on Book {
            __typename
            id
            title
            pages
          }
          ... on Film {
            __typename
            id
            title
            minutes
          }
        } =>
        {
          ... on Book {
            blurb
          }
          ... on Film {
            blurb
          }
        }
      },
    },
  },
}\
""")
    assert body == snapshot(
        {"data": {"library": [{"blurb": "Dune (412 pages)"}, {"blurb": "Alien (117 min)"}]}}
    )
    assert gw["stats"].requests[0].variables == snapshot(
        {
            "representations": [
                {"__typename": "Book", "id": "b1", "title": "Dune", "pages": 412},
                {"__typename": "Film", "id": "f1", "title": "Alien", "minutes": 117},
            ]
        }
    )


async def test_requirement_of_one_implementation_only(gw: KitGateway) -> None:
    plan, body = await gw.run("{ library { title ... on Book { blurb } } }")
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
            pages
          }
          ... on Film {
            title
          }
        }
      }
    },
    Flatten(path: "library.@") {
      Fetch(service: "stats") {
        {
          ... on Book {
            __typename
            id
            title
            pages
          }
        } =>
        {
          ... on Book {
            blurb
          }
        }
      },
    },
  },
}\
""")
    assert body == snapshot(
        {"data": {"library": [{"title": "Dune", "blurb": "Dune (412 pages)"}, {"title": "Alien"}]}}
    )
    assert gw["stats"].requests[0].variables == snapshot(
        {"representations": [{"__typename": "Book", "id": "b1", "title": "Dune", "pages": 412}]}
    )
