"""Unions: the members of every subgraph, each recorded with ``@join__unionMember``."""

from __future__ import annotations

from inline_snapshot import snapshot

from tests.composition.helpers import compose_ok, type_block


def test_union_members_are_merged_per_subgraph() -> None:
    supergraph = compose_ok(
        a="type Query { search: [Result] } union Result = Book | Author "
        "type Book { title: String } type Author { name: String }",
        b="union Result = Film type Film { title: String } type Query { films: [Result] }",
    )
    assert type_block(supergraph, "Result") == snapshot("""\
union Result
  @join__type(graph: A)
  @join__type(graph: B)
  @join__unionMember(graph: A, member: "Book")
  @join__unionMember(graph: A, member: "Author")
  @join__unionMember(graph: B, member: "Film")
 = Book | Author | Film\
""")
