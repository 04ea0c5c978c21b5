# ruff: noqa: E501  (expected supergraph text and messages are kept verbatim)
"""Enums merge by usage: output only -> union, input only -> intersection, both -> equal."""

from __future__ import annotations

from inline_snapshot import snapshot

from tests.composition.helpers import compose_errors, compose_ok, type_block


def test_an_output_only_enum_gets_every_value() -> None:
    supergraph = compose_ok(
        a="type Query { a: Color } enum Color { RED GREEN }",
        b="type Query { b: Color } enum Color { RED BLUE }",
    )
    assert type_block(supergraph, "Color") == snapshot("""\
enum Color
  @join__type(graph: A)
  @join__type(graph: B)
{
  RED @join__enumValue(graph: A) @join__enumValue(graph: B)
  GREEN @join__enumValue(graph: A)
  BLUE @join__enumValue(graph: B)
}\
""")


def test_an_input_only_enum_keeps_the_common_values() -> None:
    supergraph = compose_ok(
        a="type Query { a(c: Color): Int } enum Color { RED GREEN }",
        b="type Query { b(c: Color): Int } enum Color { RED BLUE }",
    )
    assert type_block(supergraph, "Color") == snapshot("""\
enum Color
  @join__type(graph: A)
  @join__type(graph: B)
{
  RED @join__enumValue(graph: A) @join__enumValue(graph: B)
}\
""")


def test_an_enum_used_both_ways_must_agree() -> None:
    errors = compose_errors(
        a="type Query { a(c: Color): Color } enum Color { RED GREEN }",
        b="type Query { b: Color } enum Color { RED BLUE }",
    )
    assert errors == snapshot(
        [
            (
                "ENUM_VALUE_MISMATCH",
                'Enum type "Color" is used as both input type and output type, but value(s) "GREEN" and "BLUE" are not defined in every subgraph defining it',
            )
        ]
    )


def test_an_input_enum_with_no_common_value() -> None:
    errors = compose_errors(
        a="type Query { a(c: Color): Int } enum Color { GREEN }",
        b="type Query { b(c: Color): Int } enum Color { BLUE }",
    )
    assert errors == snapshot(
        [
            (
                "EMPTY_MERGED_ENUM_TYPE",
                'None of the values of enum type "Color" are defined consistently in all the subgraphs defining it (it is only used in inputs, so values are intersected)',
            )
        ]
    )
