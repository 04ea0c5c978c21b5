# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""An interface implementing an interface (Media implements Node), a custom JSON scalar from
another subgraph passed through as a leaf, and a field whose type differs per subgraph
(`@join__field(type:)`)."""

from __future__ import annotations

import pytest
from inline_snapshot import snapshot

from tests.planning.header import supergraph
from tests.planning.helpers import KitSubgraph, kit_gateway

pytestmark = pytest.mark.asyncio(loop_scope="module")

SUPERGRAPH = supergraph(
    ["a", "b"],
    """
scalar JSON @join__type(graph: A) @join__type(graph: B)
interface Node @join__type(graph: A) { id: ID! }
interface Media implements Node @join__implements(graph: A, interface: "Node") @join__type(graph: A) { id: ID! title: String! }
type Book implements Node & Media @join__implements(graph: A, interface: "Node") @join__implements(graph: A, interface: "Media")
  @join__type(graph: A, key: "id") @join__type(graph: B, key: "id") {
  id: ID!
  title: String! @join__field(graph: A)
  meta: JSON @join__field(graph: B)
  note: String @join__field(graph: A, type: "String!")
}
type Query @join__type(graph: A) @join__type(graph: B) { nodes: [Node!]! @join__field(graph: A) }
""",
)


def make_subgraphs() -> list[KitSubgraph]:
    a = KitSubgraph(
        "a",
        """scalar JSON type Query { nodes: [Node!]! } interface Node { id: ID! } interface Media implements Node { id: ID! title: String! }
      type Book implements Node & Media @key(fields: "id") { id: ID! title: String! note: String! }""",
        {"Book": [{"id": "b1", "title": "Dune", "note": "n"}]},
        {"Query.nodes": lambda _s, _i: a.rows("Book")},
    )
    b = KitSubgraph(
        "b",
        """scalar JSON type Book @key(fields: "id") { id: ID! meta: JSON }""",
        {"Book": [{"id": "b1", "meta": {"tags": ["sf", 1, None], "deep": {"x": True}}}]},
    )
    return [a, b]


async def test_nested_interfaces_and_a_custom_scalar() -> None:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gw:
        plan, body = await gw.run(
            "{ nodes { id ... on Media { title } ... on Book { meta note } } }"
        )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        nodes {
          __typename
          ... on Book {
            id
            title
            __typename
            note
          }
        }
      }
    },
    Flatten(path: "nodes.@") {
      Fetch(service: "b") {
        {
          ... on Book {
            __typename
            id
          }
        } =>
        {
          ... on Book {
            meta
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
                "nodes": [
                    {
                        "id": "b1",
                        "title": "Dune",
                        "meta": {"tags": ["sf", 1, None], "deep": {"x": True}},
                        "note": "n",
                    }
                ]
            }
        }
    )
