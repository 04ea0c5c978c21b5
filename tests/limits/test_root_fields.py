"""MaxRootFieldsRule: root fields, counted at every fragment spread."""

from __future__ import annotations

from tests.limits.helpers import codes, numbers, only, run


def test_root_fields_through_fragments_and_inline_fragments() -> None:
    document = """
    query Q { me { id } ...Roots ... on Query { courses { id } } }
    fragment Roots on Query { c: course(id: 1) { id } d: course(id: 2) { id } }
    """
    assert run(document, only("root_fields", 4)) == ([], [])
    errors, _ = run(document, only("root_fields", 3))
    assert codes(errors) == ["MAX_ROOT_FIELDS_LIMIT"]
    assert numbers(errors[0]) == (3, 4)


def test_nested_fields_are_not_root_fields() -> None:
    assert run("{ me { id name enrollments { progress } } }", only("root_fields", 1)) == ([], [])


def test_mutation_root_fields() -> None:
    document = (
        "mutation { a: completeLesson(lessonId: 1) { id } b: completeLesson(lessonId: 2) { id } }"
    )
    errors, _ = run(document, only("root_fields", 1))
    assert codes(errors) == ["MAX_ROOT_FIELDS_LIMIT"]


def test_warn_only() -> None:
    errors, warnings = run("{ me { id } courses { id } }", only("root_fields", 1, warn_only=True))
    assert errors == [] and codes(warnings) == ["MAX_ROOT_FIELDS_LIMIT"]
