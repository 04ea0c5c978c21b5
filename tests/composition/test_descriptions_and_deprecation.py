"""Descriptions and ``@deprecated`` survive composition."""

from __future__ import annotations

from inline_snapshot import snapshot

from tests.composition.helpers import compose_ok, type_block

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
    'import: ["@key", "@shareable"])\n'
)


def test_descriptions_and_deprecations_on_types_fields_arguments_and_values() -> None:
    supergraph = compose_ok(
        a=FED
        + '''
        """The root"""
        type Query {
          "All users"
          users(
            "Page size"
            first: Int
          ): [User] @deprecated(reason: "use search")
          old: Int @deprecated
        }
        """
        A person.
        Second line.
        """
        type User @key(fields: "id") { id: ID! "How to greet" name: String }
        enum Kind { "New" NEW OLD @deprecated(reason: "gone") }
        type Holder { kind: Kind }
        ''',
    )
    assert type_block(supergraph, "Query") == snapshot('''\
"""
The root
"""
type Query
  @join__type(graph: A)
{
  """
  All users
  """
  users(
    """
    Page size
    """
    first: Int
  ): [User] @deprecated(reason: "use search")
  old: Int @deprecated
}\
''')
    assert type_block(supergraph, "User") == snapshot('''\
"""
A person.
Second line.
"""
type User
  @join__type(graph: A, key: "id")
{
  id: ID!

  """
  How to greet
  """
  name: String
}\
''')
    assert type_block(supergraph, "Kind") == snapshot('''\
enum Kind
  @join__type(graph: A)
{
  """
  New
  """
  NEW @join__enumValue(graph: A)
  OLD @join__enumValue(graph: A) @deprecated(reason: "gone")
}\
''')


def test_the_most_common_description_wins() -> None:
    supergraph = compose_ok(
        a=FED + '"Shared money" type Money @shareable { amount: Int } type Query { a: Money }',
        b=FED + '"Money" type Money @shareable { amount: Int } type Query { b: Money }',
        c=FED + '"Money" type Money @shareable { amount: Int } type Query { c: Money }',
    )
    assert '"""\nMoney\n"""\ntype Money' in supergraph
