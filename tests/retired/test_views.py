"""Schema views: the API schema without the hidden fields, each with its own documents."""

from __future__ import annotations

import logging

import pytest
from graphql import GraphQLObjectType, GraphQLSchema, build_schema, print_schema

from gateway.engine_config import EngineConfig
from gateway.errors import ErrorList
from gateway.limits import LimitsConfig
from gateway.request import RequestContext
from gateway.retired import HIDDEN_FIELDS, view_schema, visible_coordinates
from gateway.state import SupergraphState
from gateway.supergraph import Supergraph
from tests.retired.helpers import supergraph_sdl

SDL = """
type Query { node: Node, course: Course, solo: Solo }
interface Node { id: ID!, legacyId: String }
type Course implements Node {
  id: ID!
  legacyId: String
  "The code."
  code: String @deprecated(reason: "Use title.")
  title: String
}
type Lesson implements Node { id: ID!, legacyId: String }
type Solo { only: String }
"""


def fields(schema: GraphQLSchema, type_name: str) -> list[str]:
    named = schema.type_map[type_name]
    assert isinstance(named, GraphQLObjectType)
    return list(named.fields)


def test_a_view_is_the_schema_without_the_hidden_fields() -> None:
    schema = build_schema(SDL)
    view = view_schema(schema, ["Course.title"])
    assert fields(view, "Course") == ["id", "legacyId", "code"]
    course = view.type_map["Course"]
    assert isinstance(course, GraphQLObjectType)
    code = course.fields["code"]
    assert (code.description, code.deprecation_reason) == ("The code.", "Use title.")
    # nothing else changed
    assert print_schema(view_schema(schema, [])) == print_schema(schema)
    assert set(view.type_map) == set(schema.type_map)


def test_an_interface_field_is_hidden_with_its_implementations() -> None:
    schema = build_schema(SDL)
    assert visible_coordinates(schema, ["Node.legacyId"]) == {
        "Node.legacyId",
        "Course.legacyId",
        "Lesson.legacyId",
    }


def test_what_cannot_be_hidden_is_skipped(caplog: pytest.LogCaptureFixture) -> None:
    schema = build_schema(SDL)
    with caplog.at_level(logging.WARNING, logger="gateway.retired"):
        # its interface keeps it; the type's last field; not in this schema
        found = visible_coordinates(schema, ["Course.legacyId", "Solo.only", "Gone.field"])
    assert found == set()
    messages = [r.message for r in caplog.records]
    assert any("Course.legacyId not hidden: its interface" in m for m in messages)
    assert any("Solo not hidden: it would have no field" in m for m in messages)


def test_the_state_builds_each_view_once_with_its_own_documents() -> None:
    state = SupergraphState(Supergraph.parse(supergraph_sdl()), EngineConfig(), LimitsConfig())
    views = state.views
    assert views.get(frozenset()) is views.full
    assert views.full.documents is state.documents
    hidden = views.get(frozenset({"Course.legacyCode"}))
    assert hidden.key == ("Course.legacyCode",)
    assert hidden.documents is not state.documents
    # the same set again, or with coordinates this supergraph lacks: the same view
    assert views.get(frozenset({"Course.legacyCode"})) is hidden
    assert views.get(frozenset({"Course.legacyCode", "Gone.x"})) is hidden
    assert views.get(frozenset({"Gone.x"})) is views.full
    context = RequestContext()
    assert views.for_request(context) is views.full
    context.state[HIDDEN_FIELDS] = frozenset({"Course.legacyCode"})
    assert views.for_request(context) is hidden
    query = "{ courses { legacyCode } }"
    assert views.full.documents.get(query).document is not None
    with pytest.raises(ErrorList) as refused:
        hidden.documents.get(query)
    assert [e.message for e in refused.value.errors] == [
        "Cannot query field 'legacyCode' on type 'Course'."
    ]
