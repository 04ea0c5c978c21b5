# ruff: noqa: E501  (expected messages are kept verbatim)
"""Fields a query can reach but no plan can resolve (the reduced satisfiability check)."""

from __future__ import annotations

from inline_snapshot import snapshot

from tests.composition.helpers import compose_errors, compose_ok

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
    'import: ["@key", "@shareable"])\n'
)


def test_a_value_type_field_added_in_only_one_subgraph() -> None:
    errors = compose_errors(
        a=FED + "type Query { positionA: Position! } type Position @shareable { x: Int! y: Int! }",
        b=FED
        + "type Query { positionB: Position! } type Position @shareable { x: Int! y: Int! z: Int! }",
    )
    assert errors == snapshot(
        [
            (
                "SATISFIABILITY_ERROR",
                'Field "Position.z" cannot always be resolved: subgraph "a" can return "Position" but does not define "z", and subgraph "b", which does, has no resolvable @key on "Position" that "a" can provide (make the type an entity, or add the field everywhere)',
            )
        ]
    )


def test_an_entity_field_is_reachable_through_the_key() -> None:
    supergraph = compose_ok(
        a=FED + 'type Query { p: Position! } type Position @key(fields: "id") { id: ID! x: Int! }',
        b=FED + 'type Position @key(fields: "id") { id: ID! z: Int! }',
    )
    assert "  z: Int! @join__field(graph: B)" in supergraph


def test_a_key_the_origin_cannot_provide() -> None:
    errors = compose_errors(
        a=FED + 'type Query { p: Position! } type Position @key(fields: "id") { id: ID! x: Int! }',
        b=FED + 'type Position @key(fields: "code") { code: ID! z: Int! }',
    )
    assert errors == snapshot(
        [
            (
                "SATISFIABILITY_ERROR",
                'Field "Position.code" cannot always be resolved: subgraph "a" can return "Position" but does not define "code", and subgraph "b", which does, has no resolvable @key on "Position" that "a" can provide (make the type an entity, or add the field everywhere)',
            ),
            (
                "SATISFIABILITY_ERROR",
                'Field "Position.z" cannot always be resolved: subgraph "a" can return "Position" but does not define "z", and subgraph "b", which does, has no resolvable @key on "Position" that "a" can provide (make the type an entity, or add the field everywhere)',
            ),
            (
                "SATISFIABILITY_ERROR",
                'Field "Position.id" cannot always be resolved: subgraph "b" can return "Position" but does not define "id", and subgraph "a", which does, has no resolvable @key on "Position" that "b" can provide (make the type an entity, or add the field everywhere)',
            ),
            (
                "SATISFIABILITY_ERROR",
                'Field "Position.x" cannot always be resolved: subgraph "b" can return "Position" but does not define "x", and subgraph "a", which does, has no resolvable @key on "Position" that "b" can provide (make the type an entity, or add the field everywhere)',
            ),
        ]
    )


def test_a_type_a_subgraph_cannot_return_needs_no_jump() -> None:
    # b defines Position but never returns it (no root field, no resolvable key).
    supergraph = compose_ok(
        a=FED + "type Query { p: Position! } type Position @shareable { x: Int! y: Int! }",
        b=FED + "type Position @shareable { x: Int! }",
    )
    assert "  y: Int! @join__field(graph: A)" in supergraph
