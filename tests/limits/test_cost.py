"""Demand control: ``estimate_cost`` and ``check_cost`` per the IBM Cost Directives."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from graphql import build_schema, parse

from gateway.errors import OperationNotFound
from gateway.limits import CostConfig, CostTooExpensive, SlicingArgumentRequired, check_cost
from gateway.limits import estimate_cost as estimate
from tests.limits.test_fragments import fan_out

SDL = """
directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION
  | INPUT_FIELD_DEFINITION | OBJECT | SCALAR
directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!],
  requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION

type Query {
  me: User
  course(id: ID!): Course
  courses(first: Int, last: Int): CourseConnection
    @listSize(slicingArguments: ["first", "last"], sizedFields: ["edges", "nodes"])
  search(filter: SearchFilter, limit: Int = 5): [Course!]!
    @listSize(slicingArguments: ["limit"])
  featured: [Course!]! @listSize(assumedSize: 3)
  tags: [String!]!
  expensive: Report @cost(weight: 50)
  paged(input: PageInput!): [Course!]! @listSize(slicingArguments: ["input.first"])
  optional(first: Int, after: String): [Course!]!
    @listSize(slicingArguments: ["first"], requireOneSlicingArgument: false)
}
type Mutation { completeLesson(lessonId: ID!): Lesson  free(id: ID!): Lesson @cost(weight: 1) }
type Subscription { progressUpdated: Enrollment }
type User { id: ID! name: String enrollments: [Enrollment!]! }
type Enrollment { course: Course! progress: Float }
type Course { id: ID! title: String modules: [Module!]! level: Level price: Money }
type Module { id: ID! lessons: [Lesson!]! }
type Lesson { id: ID! title: String }
type CourseConnection { edges: [CourseEdge!]! nodes: [Course!]! totalCount: Int }
type CourseEdge { node: Course! cursor: String }
type Report @cost(weight: 7) { id: ID! }
enum Level @cost(weight: 2) { BEGINNER EXPERT }
scalar Money @cost(weight: 3)
input SearchFilter { text: String  fuzzy: Boolean @cost(weight: 20) }
input PageInput { first: Int }
"""
SCHEMA = build_schema(SDL)


def cost(
    text: str, variables: Mapping[str, object] | None = None, *, default_list_size: int = 10
) -> int:
    return estimate(SCHEMA, parse(text), None, variables, default_list_size=default_list_size)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("{ me { id name } }", 1),  # object 1, scalars 0
        ("{ __typename me { __typename } }", 1),
        ("{ me { enrollments { progress } } }", 1 + 10 * 1),  # default list size 10
        ("{ me { enrollments { course { id } } } }", 1 + 10 * (1 + 1)),
        ("{ course(id: 1) { level price } }", 1 + 2 + 3),  # enum and scalar @cost
        ("{ expensive { id } }", 50),  # field @cost overrides the type's
        ("{ featured { id } }", 3 * 1),  # assumedSize
        ("{ tags }", 0),  # a list of scalars costs nothing
        ("mutation { completeLesson(lessonId: 1) { id } }", 10),  # mutation field default
        ("mutation { free(id: 1) { id } }", 1),
        ("subscription { progressUpdated { course { id } } }", 2),
    ],
)
def test_spec_default_weights(query: str, expected: int) -> None:
    assert cost(query) == expected


def test_type_weight_applies_to_fields_returning_the_type() -> None:
    assert cost("{ a: course(id: 1) { level } b: course(id: 2) { level } }") == 2 * (1 + 2)


def test_slicing_argument_from_literal_and_variable() -> None:
    assert cost("{ search(limit: 7) { id } }") == 7
    assert cost("query($n: Int) { search(limit: $n) { id } }", {"n": 40}) == 40
    assert cost("query($n: Int = 12) { search(limit: $n) { id } }") == 12


def test_slicing_argument_default_value_is_used_when_absent() -> None:
    assert cost("{ search { id } }") == 5


def test_sized_fields_apply_the_size_to_connection_children() -> None:
    query = "{ courses(first: 20) { totalCount edges { node { id } } nodes { id } } }"
    # connection 1 + edges 20 * (1 + node 1) + nodes 20 * 1
    assert cost(query) == 1 + 20 * 2 + 20


def test_sized_fields_reach_through_fragments() -> None:
    query = """
    query { courses(last: 4) { ...Page } }
    fragment Page on CourseConnection { nodes { ...C } }
    fragment C on Course { id modules { id } }
    """
    # connection 1 + nodes 4 * (course 1 + modules 10 * 1)
    assert cost(query) == 1 + 4 * (1 + 10)


def test_require_one_slicing_argument() -> None:
    with pytest.raises(SlicingArgumentRequired) as caught:
        cost("{ courses { totalCount } }")
    assert caught.value.code == "COST_SLICING_ARGUMENT_REQUIRED"
    assert "first, last" in caught.value.message
    with pytest.raises(SlicingArgumentRequired):
        cost("{ courses(first: 1, last: 2) { totalCount } }")
    # a variable whose value is null counts as not given
    with pytest.raises(SlicingArgumentRequired):
        cost("query($f: Int) { courses(first: $f) { totalCount } }", {"f": None})


def test_optional_slicing_argument_falls_back_to_the_default_list_size() -> None:
    assert cost("{ optional { id } }") == 10
    assert cost("{ optional { id } }", default_list_size=2) == 2
    assert cost("{ optional(first: 3) { id } }") == 3


def test_nested_slicing_argument_path() -> None:
    assert cost("{ paged(input: {first: 6}) { id } }") == 6
    assert cost("query($p: PageInput!) { paged(input: $p) { id } }", {"p": {"first": 9}}) == 9


def test_input_field_cost_counts_when_set() -> None:
    assert cost('{ search(limit: 1, filter: {text: "a"}) { id } }') == 1
    assert cost('{ search(limit: 1, filter: {text: "a", fuzzy: true}) { id } }') == 1 + 20


def test_fragment_fan_out_is_costed_without_expansion() -> None:
    fan = build_schema("type Query { me: User } type User { name: String friend: User }")
    # every fragment spreads the next twice: 2**30 selections of User.name (scalar, 0)
    assert estimate(fan, parse(fan_out(30)), "Fan", None) == 1
    objects = "query Fan { me { ...F0 } }\n" + "\n".join(
        [
            f"fragment F{i} on User {{ friend {{ id: name }} ...F{i + 1} ...F{i + 1} }}"
            for i in range(30)
        ]
        + ["fragment F30 on User { name }"]
    )
    assert estimate(fan, parse(objects), "Fan", None) == 1 + (2**30 - 1)


def test_fragment_cycle_does_not_loop() -> None:
    text = "{ me { ...A } } fragment A on User { enrollments { course { id } } ...A }"
    assert cost(text) == 1 + 10 * 2


def test_operation_selection() -> None:
    document = parse("query A { me { id } } query B { expensive { id } }")
    assert estimate(SCHEMA, document, "B", None) == 50
    with pytest.raises(OperationNotFound) as missing:
        estimate(SCHEMA, document, None, None)
    assert missing.value.code == "OPERATION_NAME_REQUIRED"
    with pytest.raises(OperationNotFound):
        estimate(SCHEMA, document, "C", None)


def test_check_cost_enforces_the_maximum() -> None:
    document = parse("query($n: Int) { search(limit: $n) { modules { id } } }")
    report = check_cost(CostConfig(max=100), SCHEMA, document, None, {"n": 9})
    assert (report.estimated, report.max, report.warning) == (9 * 11, 100, None)
    assert report.extension() == {"estimated": 99, "max": 100}
    with pytest.raises(CostTooExpensive) as caught:
        check_cost(CostConfig(max=100), SCHEMA, document, None, {"n": 1000})
    error = caught.value
    assert error.code == "COST_ESTIMATED_TOO_EXPENSIVE"
    assert error.status == 400
    assert error.extra_extensions == {"limit": 100, "measured": 11_000}
    assert "11000" in error.message and "100" in error.message


def test_check_cost_warn_only_and_unlimited() -> None:
    document = parse("{ search(limit: 1000) { id } }")
    report = check_cost(CostConfig(max=10, warn_only=True), SCHEMA, document, None, None)
    assert report.estimated == 1000
    assert report.warning is not None and "1000" in report.warning
    unlimited = check_cost(CostConfig(max=None), SCHEMA, document, None, None)
    assert (unlimited.estimated, unlimited.warning) == (1000, None)


def test_huge_variables_do_not_break_the_estimate() -> None:
    big = {"p": {"first": 10**12, "junk": ["x" * 1000] * 1000}}
    assert cost("query($p: PageInput!) { paged(input: $p) { id } }", big) == 10**12
    with pytest.raises(CostTooExpensive):
        check_cost(
            CostConfig(max=10_000),
            SCHEMA,
            parse("query($p: PageInput!) { paged(input: $p) { id } }"),
            None,
            big,
        )
