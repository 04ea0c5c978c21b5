"""MaxAliasesRule: aliased fields, counted at every fragment spread."""

from __future__ import annotations

import time

from graphql import parse

from gateway.limits import LimitsConfig
from tests.limits.helpers import codes, numbers, only, run


def test_aliases_are_counted_per_spread() -> None:
    document = """
    { a: me { ...N } b: me { ...N } }
    fragment N on User { n1: name n2: name }
    """
    # 2 own aliases + 2 spreads x 2 aliases
    assert run(document, only("aliases", 6)) == ([], [])
    errors, _ = run(document, only("aliases", 5))
    assert codes(errors) == ["MAX_ALIASES_LIMIT"]
    assert numbers(errors[0]) == (5, 6)


def test_hundred_thousand_aliases_are_refused_before_the_spec_rules_run() -> None:
    """Beyond the parser's token limit in production; here parsed without it, to show the
    rule alone ends validation before ``OverlappingFieldsCanBeMerged`` compares fields."""
    document = parse("{ " + " ".join(f"a{i}: __typename" for i in range(100_000)) + " }")
    started = time.monotonic()
    errors, _ = run(document, LimitsConfig())
    elapsed = time.monotonic() - started
    assert codes(errors) == ["MAX_ALIASES_LIMIT", "MAX_ROOT_FIELDS_LIMIT", "MAX_WIDTH_LIMIT"]
    assert numbers(errors[0]) == (30, 100_000)
    assert numbers(errors[1]) == (20, 100_000)
    assert numbers(errors[2]) == (100, 100_000)
    assert elapsed < 60  # validation only; a generous bound: the point is that it ends


def test_conflicting_aliases_would_be_slow_for_the_spec_rules() -> None:
    # 2,000 fields with one response key and different arguments: only the alias limit
    # keeps OverlappingFieldsCanBeMerged from comparing them.
    document = "{ " + " ".join(f"a: course(id: {i}) {{ id }}" for i in range(2_000)) + " }"
    errors, _ = run(document, only("aliases", 30))
    assert codes(errors) == ["MAX_ALIASES_LIMIT"]


def test_warn_only_leaves_the_spec_rules_running() -> None:
    errors, warnings = run("{ x: me { y: nope } }", only("aliases", 0, warn_only=True))
    assert codes(warnings) == ["MAX_ALIASES_LIMIT"]
    assert [e.message for e in errors] == [
        "Cannot query field 'nope' on type 'User'. Did you mean 'name'?"
    ]
