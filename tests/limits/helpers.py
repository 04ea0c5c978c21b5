"""A small schema for the limit rules, and helpers to validate against it."""

from __future__ import annotations

from graphql import DocumentNode, GraphQLError, build_schema, parse, specified_rules, validate

from gateway.limits import LimitsConfig, limit_rules, split_warnings

SCHEMA = build_schema(
    """
    type Query {
      me: User
      course(id: ID!): Course
      courses: [Course!]!
      search(term: String): [Course!]!
    }
    type Mutation { completeLesson(lessonId: ID!): Lesson }
    type User { id: ID! name: String enrollments: [Enrollment!]! }
    type Enrollment { course: Course! progress: Float }
    type Course { id: ID! title: String modules: [Module!]! instructor: User }
    type Module { id: ID! title: String lessons: [Lesson!]! course: Course! }
    type Lesson { id: ID! title: String module: Module! }
    """
)


def run(
    document: str | DocumentNode, config: LimitsConfig, *, spec_rules: bool = True
) -> tuple[list[GraphQLError], list[GraphQLError]]:
    """Validate ``document`` with the limit rules (and the spec's): (errors, warnings)."""
    rules = [*specified_rules, *limit_rules(config)] if spec_rules else limit_rules(config)
    node = parse(document) if isinstance(document, str) else document
    return split_warnings(validate(SCHEMA, node, rules))


def only(limit: str, maximum: int, *, warn_only: bool = False) -> LimitsConfig:
    """A configuration with one limit set and every other operation limit off."""
    off: dict[str, object] = {"max": None}
    settings: dict[str, dict[str, object]] = {
        name: off for name in ("depth", "height", "aliases", "root_fields", "directives", "width")
    }
    settings[limit] = {"max": maximum, "warn_only": warn_only}
    return LimitsConfig.model_validate(settings)


def codes(errors: list[GraphQLError]) -> list[str]:
    return [str((error.extensions or {}).get("code")) for error in errors]


def numbers(error: GraphQLError) -> tuple[object, object]:
    extensions = error.extensions or {}
    return extensions.get("limit"), extensions.get("measured")
