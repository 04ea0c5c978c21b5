# ruff: noqa: E501  (expected supergraph text and messages are kept verbatim)
"""Demand control: ``@cost``/``@listSize`` (federation v2.9) carried with the cost spec link."""

from __future__ import annotations

from inline_snapshot import snapshot

from tests.composition.helpers import compose_ok, type_block

FED9 = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", '
    'import: ["@key", "@shareable", "@cost", "@listSize"])\n'
)


def test_cost_and_list_size_reach_the_supergraph() -> None:
    supergraph = compose_ok(
        a=FED9
        + """
        type Query {
          books(first: Int = 10): [Book!]! @listSize(slicingArguments: ["first"], requireOneSlicingArgument: false)
          expensive: Int @cost(weight: 20) @shareable
        }
        type Book @cost(weight: 2) { title: String }
        """,
        b=FED9 + "type Query { expensive: Int @cost(weight: 30) @shareable }",
    )
    assert supergraph.split("\n}\n", 1)[0] == snapshot("""\
schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.5", for: EXECUTION)
  @link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@cost", "@listSize"])
{
  query: Query\
""")
    assert type_block(supergraph, "Query") == snapshot("""\
type Query
  @join__type(graph: A)
  @join__type(graph: B)
{
  books(first: Int = 10): [Book!]! @join__field(graph: A) @listSize(slicingArguments: ["first"], requireOneSlicingArgument: false)
  expensive: Int @cost(weight: 30)
}\
""")
    assert type_block(supergraph, "Book") == snapshot("""\
type Book
  @join__type(graph: A)
  @cost(weight: 2)
{
  title: String
}\
""")
    assert "directive @cost(weight: Int!) on ARGUMENT_DEFINITION" in supergraph
    assert "directive @listSize(assumedSize: Int, slicingArguments: [String!]" in supergraph


def test_cost_imported_from_the_cost_spec_itself() -> None:
    supergraph = compose_ok(
        a='extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])'
        ' @link(url: "https://specs.apollo.dev/cost/v0.1", import: [{name: "@cost", as: "@weight"}])\n'
        "type Query { a: Int @weight(weight: 7) }"
    )
    assert "a: Int @join__field" not in supergraph
    assert "  a: Int @cost(weight: 7)" in supergraph
