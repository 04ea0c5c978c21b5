"""MaxDirectivesRule: directive applications, counted at every fragment spread."""

from __future__ import annotations

import time

from graphql import parse

from gateway.limits import LimitsConfig
from tests.limits.helpers import codes, numbers, only, run


def test_directives_everywhere_count() -> None:
    document = """
    query Q($s: Boolean = false @deprecated) @skip(if: false) {
      me @include(if: true) { ...F @skip(if: false) ... @include(if: true) { id } }
    }
    fragment F on User @skip(if: false) { name @skip(if: $s) }
    """
    # operation 1 (+1 on the variable; invalid there, but counted) + me 1 + spread 1
    # + inline 1 + fragment definition 1 + name 1
    errors, _ = run(document, only("directives", 5), spec_rules=False)
    assert codes(errors) == ["MAX_DIRECTIVES_LIMIT"]
    assert numbers(errors[0]) == (5, 7)


def test_fifty_thousand_directives_are_refused() -> None:
    document = parse("{ me " + "@skip(if: false) " * 50_000 + "{ id } }")
    started = time.monotonic()
    errors, _ = run(document, LimitsConfig())
    assert codes(errors) == ["MAX_DIRECTIVES_LIMIT"]
    assert numbers(errors[0]) == (50, 50_000)
    assert time.monotonic() - started < 60


def test_warn_only() -> None:
    errors, warnings = run("{ me @skip(if: false) { id } }", only("directives", 0, warn_only=True))
    assert errors == [] and codes(warnings) == ["MAX_DIRECTIVES_LIMIT"]
