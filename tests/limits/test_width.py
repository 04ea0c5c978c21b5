"""MaxWidthRule: the most selections in one selection set (inline fragments merged)."""

from __future__ import annotations

import time

from graphql import build_schema, parse, specified_rules, validate

from gateway.limits import LimitsConfig, limit_rules, split_warnings
from tests.limits.helpers import codes, numbers, only, run


def test_fields_and_spreads_count_inline_fragments_merge() -> None:
    document = """
    { me { id name ... on User { enrollments { progress } } ...F } }
    fragment F on User { id }
    """
    # me's set: id, name, enrollments (from the inline fragment), ...F
    assert run(document, only("width", 4)) == ([], [])
    errors, _ = run(document, only("width", 3))
    assert codes(errors) == ["MAX_WIDTH_LIMIT"]
    assert numbers(errors[0]) == (3, 4)


def test_the_widest_set_of_a_fragment_counts() -> None:
    document = """
    { me { ...Wide } }
    fragment Wide on User { a: id b: id c: id d: id e: id }
    """
    errors, _ = run(document, only("width", 4))
    assert numbers(errors[0]) == (4, 5)


def test_warn_only() -> None:
    errors, warnings = run("{ me { id name } }", only("width", 1, warn_only=True))
    assert errors == [] and codes(warnings) == ["MAX_WIDTH_LIMIT"]


def test_many_same_named_fields_are_refused_before_the_pairwise_comparison() -> None:
    schema = build_schema("type Query { me: User } type User { avatar(size: Int): String }")
    # ~15,000 tokens: within the parser's limit, and seconds of OverlappingFieldsCanBeMerged
    document = parse("{ me { " + " ".join(f"avatar(size: {i})" for i in range(2500)) + " } }")
    rules = [*specified_rules, *limit_rules(LimitsConfig())]
    started = time.monotonic()
    errors, _ = split_warnings(validate(schema, document, rules))
    elapsed = time.monotonic() - started
    assert codes(errors) == ["MAX_WIDTH_LIMIT"]
    assert numbers(errors[0]) == (100, 2500)
    assert elapsed < 60  # a generous bound: without the limit this is seconds, not minutes
