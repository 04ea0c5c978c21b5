"""MaxDepthRule: the deepest field nesting, fragments included."""

from __future__ import annotations

from tests.limits.helpers import codes, numbers, only, run

DEEP = "{ me { enrollments { course { modules { lessons { title } } } } } }"  # depth 6


def test_under_and_at_the_limit_is_valid() -> None:
    assert run(DEEP, only("depth", 6)) == ([], [])
    assert run("{ me { name } }", only("depth", 2)) == ([], [])


def test_over_the_limit_is_refused_with_code_limit_and_measured() -> None:
    errors, warnings = run(DEEP, only("depth", 5))
    assert codes(errors) == ["MAX_DEPTH_LIMIT"]
    assert numbers(errors[0]) == (5, 6)
    assert errors[0].message == "Operation (anonymous) has depth 6, over the limit of 5."
    assert warnings == []


def test_depth_counts_through_fragments_and_inline_fragments() -> None:
    document = """
    query Deep { me { ...Enrolled } }
    fragment Enrolled on User { enrollments { ... on Enrollment { course { ...Mods } } } }
    fragment Mods on Course { modules { lessons { title } } }
    """
    errors, _ = run(document, only("depth", 5))
    assert codes(errors) == ["MAX_DEPTH_LIMIT"]
    assert numbers(errors[0]) == (5, 6)
    assert "'Deep'" in errors[0].message


def test_warn_only_reports_a_warning_and_no_error() -> None:
    errors, warnings = run(DEEP, only("depth", 3, warn_only=True))
    assert errors == []
    assert codes(warnings) == ["MAX_DEPTH_LIMIT"]
    assert numbers(warnings[0]) == (3, 6)


def test_every_operation_of_the_document_is_measured() -> None:
    document = "query A { me { name } } query B " + DEEP
    errors, _ = run(document, only("depth", 3))
    assert len(errors) == 1 and "'B'" in errors[0].message
