# ruff: noqa: E501  (expected supergraph text and messages are kept verbatim)
"""``@override(from:, label:)``: migrating a field from one subgraph to another."""

from __future__ import annotations

from inline_snapshot import snapshot

from tests.composition.helpers import compose_errors, compose_ok, type_block


def _fed(minor: int) -> str:
    return (
        f'extend schema @link(url: "https://specs.apollo.dev/federation/v2.{minor}", '
        'import: ["@key", "@override", "@shareable", "@requires", "@external"])\n'
    )


OLD = 'type Query { t: T } type T @key(fields: "id") { id: ID! total: Int price: Int }'


def test_the_overridden_subgraph_loses_the_field() -> None:
    supergraph = compose_ok(
        old=_fed(3) + OLD,
        new=_fed(3) + 'type T @key(fields: "id") { id: ID! total: Int @override(from: "old") }',
    )
    assert type_block(supergraph, "T") == snapshot("""\
type T
  @join__type(graph: NEW, key: "id")
  @join__type(graph: OLD, key: "id")
{
  id: ID!
  total: Int @join__field(graph: NEW, override: "old")
  price: Int @join__field(graph: OLD)
}\
""")


def test_an_overridden_field_still_used_by_its_subgraph_is_marked_used_overridden() -> None:
    supergraph = compose_ok(
        old=_fed(3)
        + """
        type Query { t: T }
        type T @key(fields: "id total") { id: ID! total: Int price: Int }
        """,
        new=_fed(3) + 'type T @key(fields: "id") { id: ID! total: Int @override(from: "old") }',
    )
    assert type_block(supergraph, "T") == snapshot("""\
type T
  @join__type(graph: NEW, key: "id")
  @join__type(graph: OLD, key: "id total")
{
  id: ID!
  total: Int @join__field(graph: NEW, override: "old") @join__field(graph: OLD, usedOverridden: true)
  price: Int @join__field(graph: OLD)
}\
""")


def test_progressive_override_keeps_both_with_the_label() -> None:
    supergraph = compose_ok(
        old=_fed(7) + OLD,
        new=_fed(7)
        + 'type T @key(fields: "id") { id: ID! total: Int @override(from: "old", label: "percent(25)") }',
    )
    assert '@link(url: "https://specs.apollo.dev/join/v0.4", for: EXECUTION)' in supergraph
    assert type_block(supergraph, "T") == snapshot("""\
type T
  @join__type(graph: NEW, key: "id")
  @join__type(graph: OLD, key: "id")
{
  id: ID!
  total: Int @join__field(graph: NEW, override: "old", overrideLabel: "percent(25)") @join__field(graph: OLD, overrideLabel: "percent(25)")
  price: Int @join__field(graph: OLD)
}\
""")


def test_override_from_its_own_subgraph() -> None:
    errors = compose_errors(
        old=_fed(3) + 'type Query { t: Int @override(from: "old") }',
    )
    assert errors == snapshot(
        [("OVERRIDE_FROM_SELF_ERROR", '[old] @override on "Query.t" names its own subgraph "old"')]
    )


def test_override_of_a_field_that_itself_overrides() -> None:
    errors = compose_errors(
        a=_fed(3) + 'type Query { t: Int @override(from: "b") }',
        b=_fed(3) + 'type Query { t: Int @override(from: "a") }',
    )
    assert errors == snapshot(
        [
            (
                "OVERRIDE_SOURCE_HAS_OVERRIDE",
                'Field "Query.t" on subgraph "a" is overridden from subgraph "b", which also overrides it',
            ),
            (
                "OVERRIDE_SOURCE_HAS_OVERRIDE",
                'Field "Query.t" on subgraph "b" is overridden from subgraph "a", which also overrides it',
            ),
        ]
    )


def test_a_label_needs_federation_2_7() -> None:
    errors = compose_errors(
        old=_fed(3) + OLD,
        new=_fed(3)
        + 'type T @key(fields: "id") { id: ID! total: Int @override(from: "old", label: "percent(5)") }',
    )
    assert errors == snapshot(
        [
            (
                "INVALID_GRAPHQL",
                '[new] @override(label:) on "T.total" needs federation v2.7 or later (this subgraph links v2.3)',
            )
        ]
    )


def test_an_invalid_label() -> None:
    errors = compose_errors(
        old=_fed(7) + OLD,
        new=_fed(7)
        + 'type T @key(fields: "id") { id: ID! total: Int @override(from: "old", label: "percent(150)") }',
    )
    assert errors == snapshot(
        [
            (
                "OVERRIDE_LABEL_INVALID",
                '[new] Invalid @override label "percent(150)" on "T.total": it must be "percent(<0-100>)" or start with a letter and use only letters, digits and _ - : . /',
            )
        ]
    )


def test_a_named_label() -> None:
    supergraph = compose_ok(
        old=_fed(7) + OLD,
        new=_fed(7)
        + 'type T @key(fields: "id") { id: ID! total: Int @override(from: "old", label: "new-billing") }',
    )
    assert 'overrideLabel: "new-billing"' in supergraph
