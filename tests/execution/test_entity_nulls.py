"""Entities in nullable positions: null list items and nested lists around entities,
the same entity at several places (one representation), a null key (never sent)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from inline_snapshot import snapshot

from tests.planning.header import supergraph
from tests.planning.helpers import KitGateway, KitSubgraph, kit_gateway, subgraph_error

#: One event loop per module: the module-scoped kit servers and gateway live in it.
pytestmark = pytest.mark.asyncio(loop_scope="module")

SUPERGRAPH = supergraph(
    ["a", "b"],
    """
type Query @join__type(graph: A) @join__type(graph: B) {
  things: [Thing] @join__field(graph: A)
  grid: [[Thing]] @join__field(graph: A)
}
type Thing @join__type(graph: A, key: "id") @join__type(graph: B, key: "id") {
  id: ID
  name: String @join__field(graph: A)
  extra: String @join__field(graph: B)
  strict: String! @join__field(graph: B)
}
""",
)


def make_subgraphs() -> list[KitSubgraph]:
    a = KitSubgraph(
        "a",
        """type Query { things: [Thing] grid: [[Thing]] }
      type Thing @key(fields: "id") { id: ID name: String }""",
        {
            "Thing": [
                {"id": "1", "name": "one"},
                {"id": None, "name": "nokey"},
                {"id": "3", "name": "three"},
            ]
        },
        {
            "Query.things": lambda _s, _i: [*a.rows("Thing"), None],
            "Query.grid": lambda _s, _i: [[a.rows("Thing")[0], None], None, [a.rows("Thing")[0]]],
        },
    )

    def extra(s: dict[str, Any], _i: object) -> Any:
        if s["id"] == "1":
            return subgraph_error("no extra", "E1")
        return "x" + s["id"]

    b = KitSubgraph(
        "b",
        """type Thing @key(fields: "id") { id: ID extra: String strict: String }""",
        {"Thing": [{"id": "1", "strict": None}, {"id": "3", "strict": "s3"}]},
        {"Thing.extra": extra},
    )
    return [a, b]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_null_items_in_nested_lists_around_entities(gw: KitGateway) -> None:
    plan, body = await gw.run("{ grid { id strict } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        grid {
          id
          __typename
        }
      }
    },
    Flatten(path: "grid.@.@") {
      Fetch(service: "b") {
        {
          ... on Thing {
            __typename
            id
          }
        } =>
        {
          ... on Thing {
            strict
          }
        }
      },
    },
  },
}\
""")
    # Thing 1 appears twice: one representation, and both places get the non-null error.
    assert body == snapshot(
        {
            "data": {"grid": [[None, None], None, [None]]},
            "errors": [
                {
                    "message": "Cannot return null for non-nullable field Thing.strict.",
                    "path": ["grid", 0, 0, "strict"],
                    "extensions": {"code": "NON_NULL_FIELD_IS_NULL"},
                },
                {
                    "message": "Cannot return null for non-nullable field Thing.strict.",
                    "path": ["grid", 2, 0, "strict"],
                    "extensions": {"code": "NON_NULL_FIELD_IS_NULL"},
                },
            ],
        }
    )
    assert gw["b"].requests[0].variables == snapshot(
        {"representations": [{"__typename": "Thing", "id": "1"}]}
    )


async def test_entity_with_a_null_key_is_not_sent(gw: KitGateway) -> None:
    plan, body = await gw.run("{ things { name extra } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        things {
          name
          __typename
          id
        }
      }
    },
    Flatten(path: "things.@") {
      Fetch(service: "b") {
        {
          ... on Thing {
            __typename
            id
          }
        } =>
        {
          ... on Thing {
            extra
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
                "things": [
                    {"name": "one", "extra": None},
                    {"name": "nokey", "extra": None},
                    {"name": "three", "extra": "x3"},
                    None,
                ]
            },
            "errors": [
                {
                    "message": "no extra",
                    "path": ["things", 0, "extra"],
                    "extensions": {"code": "E1", "service": "b"},
                }
            ],
        }
    )
    assert gw["b"].requests[0].variables == snapshot(
        {
            "representations": [
                {"__typename": "Thing", "id": "1"},
                {"__typename": "Thing", "id": "3"},
            ]
        }
    )


async def test_error_of_a_deduplicated_entity_at_every_place(gw: KitGateway) -> None:
    plan, body = await gw.run("{ grid { name extra } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        grid {
          name
          __typename
          id
        }
      }
    },
    Flatten(path: "grid.@.@") {
      Fetch(service: "b") {
        {
          ... on Thing {
            __typename
            id
          }
        } =>
        {
          ... on Thing {
            extra
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
                "grid": [
                    [{"name": "one", "extra": None}, None],
                    None,
                    [{"name": "one", "extra": None}],
                ]
            },
            "errors": [
                {
                    "message": "no extra",
                    "path": ["grid", 0, 0, "extra"],
                    "extensions": {"code": "E1", "service": "b"},
                },
                {
                    "message": "no extra",
                    "path": ["grid", 2, 0, "extra"],
                    "extensions": {"code": "E1", "service": "b"},
                },
            ],
        }
    )


async def test_one_fetch_for_two_paths_puts_an_entity_error_at_every_place(
    gw: KitGateway,
) -> None:
    # things.@ and grid.@.@ need the same fields of the same entities from b: one
    # request, Thing 1 sent once, and its error lands at each of its three places.
    plan, body = await gw.run("{ things { extra } grid { extra } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        things {
          __typename
          id
        }
        grid {
          __typename
          id
        }
      }
    },
    Flatten(paths: ["things.@", "grid.@.@"]) {
      Fetch(service: "b") {
        {
          ... on Thing {
            __typename
            id
          }
        } =>
        {
          ... on Thing {
            extra
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
                "things": [{"extra": None}, {"extra": None}, {"extra": "x3"}, None],
                "grid": [[{"extra": None}, None], None, [{"extra": None}]],
            },
            "errors": [
                {
                    "message": "no extra",
                    "path": ["things", 0, "extra"],
                    "extensions": {"code": "E1", "service": "b"},
                },
                {
                    "message": "no extra",
                    "path": ["grid", 0, 0, "extra"],
                    "extensions": {"code": "E1", "service": "b"},
                },
                {
                    "message": "no extra",
                    "path": ["grid", 2, 0, "extra"],
                    "extensions": {"code": "E1", "service": "b"},
                },
            ],
        }
    )
    (request,) = gw["b"].requests
    assert request.variables == snapshot(
        {
            "representations": [
                {"__typename": "Thing", "id": "1"},
                {"__typename": "Thing", "id": "3"},
            ]
        }
    )
