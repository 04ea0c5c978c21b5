"""Enums and input types that differ between subgraphs: an output enum holds the values of
every subgraph (each value answered by the subgraph that has it), an input type only the
fields all subgraphs share; variables of such types reach every subgraph that uses them."""

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
    ["catalog", "paint"],
    """
enum Color
  @join__type(graph: CATALOG)
  @join__type(graph: PAINT)
{
  RED @join__enumValue(graph: CATALOG) @join__enumValue(graph: PAINT)
  GREEN @join__enumValue(graph: CATALOG)
  BLUE @join__enumValue(graph: PAINT)
}

input Filter
  @join__type(graph: CATALOG)
  @join__type(graph: PAINT)
{
  name: String
}

type Item
  @join__type(graph: CATALOG)
{
  name: String!
  color: Color!
}

type Paint
  @join__type(graph: PAINT)
{
  name: String!
  color: Color!
}

type Query
  @join__type(graph: CATALOG)
  @join__type(graph: PAINT)
{
  items(filter: Filter): [Item!]! @join__field(graph: CATALOG)
  paints(filter: Filter, color: Color): [Paint!]! @join__field(graph: PAINT)
}
""",
)


def _matching(rows: list[dict[str, Any]], filter: dict[str, Any] | None) -> list[dict[str, Any]]:
    name = (filter or {}).get("name")
    return [r for r in rows if name is None or name in r["name"]]


def make_subgraphs() -> list[KitSubgraph]:
    catalog = KitSubgraph(
        "catalog",
        """
        type Query { items(filter: Filter): [Item!]! }
        input Filter { name: String minPrice: Int }
        enum Color { RED GREEN }
        type Item { name: String! color: Color! }
        """,
        {"Item": [{"name": "Red lamp", "color": "RED"}, {"name": "Green rug", "color": "GREEN"}]},
        {"Query.items": lambda _s, _i, filter=None: _matching(catalog.rows("Item"), filter)},
    )
    paint = KitSubgraph(
        "paint",
        """
        type Query { paints(filter: Filter, color: Color): [Paint!]! }
        input Filter { name: String finish: String }
        enum Color { RED BLUE }
        type Paint { name: String! color: Color! }
        """,
        {"Paint": [{"name": "Red gloss", "color": "RED"}, {"name": "Blue matt", "color": "BLUE"}]},
        {
            "Query.paints": lambda _s, _i, filter=None, color=None: [
                r
                for r in _matching(paint.rows("Paint"), filter)
                if color is None or r["color"] == color
            ]
        },
    )
    return [catalog, paint]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_output_enum_values_of_each_subgraph(gw: KitGateway) -> None:
    plan, body = await gw.run("{ items { name color } paints { name color } }")
    assert plan == snapshot("""\
QueryPlan {
  Parallel {
    Fetch(service: "catalog") {
      {
        items {
          name
          color
        }
      }
    },
    Fetch(service: "paint") {
      {
        paints {
          name
          color
        }
      }
    },
  },
}\
""")
    assert body == snapshot(
        {
            "data": {
                "items": [
                    {"name": "Red lamp", "color": "RED"},
                    {"name": "Green rug", "color": "GREEN"},
                ],
                "paints": [
                    {"name": "Red gloss", "color": "RED"},
                    {"name": "Blue matt", "color": "BLUE"},
                ],
            }
        }
    )


async def test_input_type_variable_sent_to_every_subgraph_using_it(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "query Find($f: Filter) { items(filter: $f) { name } paints(filter: $f) { name } }",
        {"f": {"name": "Red"}},
    )
    assert plan == snapshot("""\
QueryPlan {
  Parallel {
    Fetch(service: "catalog") {
      {
        items(filter: $f) {
          name
        }
      }
    },
    Fetch(service: "paint") {
      {
        paints(filter: $f) {
          name
        }
      }
    },
  },
}\
""")
    assert body == snapshot(
        {"data": {"items": [{"name": "Red lamp"}], "paints": [{"name": "Red gloss"}]}}
    )
    assert {n: [(r.query, r.variables) for r in rs] for n, rs in gw.sent().items()} == snapshot(
        {
            "catalog": [
                (
                    "query Find__catalog__0($f: Filter){items(filter: $f) {name}}",
                    {"f": {"name": "Red"}},
                )
            ],
            "paint": [
                (
                    "query Find__paint__1($f: Filter){paints(filter: $f) {name}}",
                    {"f": {"name": "Red"}},
                )
            ],
        }
    )


async def test_enum_and_input_literals_as_arguments(gw: KitGateway) -> None:
    plan, body = await gw.run('{ paints(filter: { name: "matt" }, color: BLUE) { name } }')
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "paint") {
    {
      paints(filter: { name: "matt" }, color: BLUE) {
        name
      }
    }
  },
}\
""")
    assert body == snapshot({"data": {"paints": [{"name": "Blue matt"}]}})


async def test_enum_variable(gw: KitGateway) -> None:
    plan, body = await gw.run("query($c: Color) { paints(color: $c) { name color } }", {"c": "RED"})
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "paint") {
    {
      paints(color: $c) {
        name
        color
      }
    }
  },
}\
""")
    assert body == snapshot({"data": {"paints": [{"name": "Red gloss", "color": "RED"}]}})
    assert gw["paint"].requests[0].variables == snapshot({"c": "RED"})
