"""A subgraph must be a valid schema on its own; errors name the subgraph."""

from __future__ import annotations

from tests.composition.helpers import compose_errors


def test_an_unknown_field_type() -> None:
    assert compose_errors(a="type Query { me: Usr }") == [
        ("INVALID_GRAPHQL", '[a] Unknown type "Usr" (field "Query.me")')
    ]


def test_an_output_type_used_as_an_argument() -> None:
    assert compose_errors(a="type Query { me(u: User): User } type User { id: ID }") == [
        ("INVALID_GRAPHQL", '[a] "User" is not a valid type for argument "Query.me(u:)"')
    ]


def test_implementing_a_type_that_is_not_an_interface() -> None:
    assert compose_errors(
        a="type Query { a: A } type B { id: ID } type A implements B { id: ID }"
    ) == [("INVALID_GRAPHQL", '[a] "B" is not a valid type for "A" implements it')]


def test_a_union_of_a_scalar() -> None:
    assert compose_errors(a="type Query { u: U } union U = String") == [
        ("INVALID_GRAPHQL", '[a] "String" is not a valid type for member of union "U"')
    ]


def test_a_field_defined_twice() -> None:
    assert compose_errors(a="type Query { a: Int } extend type Query { a: Int }") == [
        ("INVALID_GRAPHQL", '[a] field "Query.a" is defined twice')
    ]
