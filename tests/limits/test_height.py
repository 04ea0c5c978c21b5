"""MaxHeightRule: distinct fields (schema coordinates), each counted once."""

from __future__ import annotations

from tests.limits.helpers import codes, numbers, only, run


def test_the_same_field_under_aliases_and_fragments_counts_once() -> None:
    document = """
    { a: course(id: 1) { title ...T } b: course(id: 2) { title ...T } }
    fragment T on Course { title id }
    """
    # Query.course, Course.title, Course.id
    assert run(document, only("height", 3)) == ([], [])
    errors, _ = run(document, only("height", 2))
    assert codes(errors) == ["MAX_HEIGHT_LIMIT"]
    assert numbers(errors[0]) == (2, 3)


def test_same_field_name_on_different_types_counts_per_type() -> None:
    document = "{ me { id name } course(id: 1) { id title } }"
    errors, _ = run(document, only("height", 5))
    # Query.me, User.id, User.name, Query.course, Course.id, Course.title
    assert numbers(errors[0]) == (5, 6)


def test_warn_only() -> None:
    errors, warnings = run("{ me { id name } }", only("height", 1, warn_only=True))
    assert errors == []
    assert codes(warnings) == ["MAX_HEIGHT_LIMIT"]
