"""Custom executable directives survive when every subgraph accepts them."""

from __future__ import annotations

from tests.composition.helpers import compose_ok

FED = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'


def test_a_directive_every_subgraph_defines_keeps_the_shared_locations() -> None:
    supergraph = compose_ok(
        a=FED + "directive @trace(level: Int = 1) on FIELD | QUERY type Query { a: Int }",
        b=FED
        + "directive @trace(level: Int = 1) on FIELD | FIELD_DEFINITION type Query { b: Int }",
    )
    directives = [b for b in supergraph.split("\n\n") if b.startswith("directive @")]
    assert directives[-1] == "directive @trace(level: Int = 1) on FIELD"
    assert directives[0].startswith("directive @join__enumValue")


def test_a_directive_missing_from_one_subgraph_is_dropped() -> None:
    supergraph = compose_ok(
        a=FED + "directive @trace on FIELD type Query { a: Int }",
        b=FED + "type Query { b: Int }",
    )
    assert "@trace" not in supergraph


def test_a_directive_with_no_shared_executable_location_is_dropped() -> None:
    supergraph = compose_ok(
        a=FED + "directive @trace on FIELD type Query { a: Int }",
        b=FED + "directive @trace on FRAGMENT_SPREAD type Query { b: Int }",
    )
    assert "@trace" not in supergraph


def test_a_type_system_only_directive_is_dropped() -> None:
    supergraph = compose_ok(
        a=FED + "directive @meta on FIELD_DEFINITION type Query { a: Int @meta }",
        b=FED + "directive @meta on FIELD_DEFINITION type Query { b: Int @meta }",
    )
    assert "@meta" not in supergraph
