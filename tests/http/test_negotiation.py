"""Content negotiation rules, one function at a time (no server needed)."""

from __future__ import annotations

import pytest

from gateway.http.negotiation import (
    APPLICATION_JSON,
    GRAPHQL_RESPONSE_JSON,
    choose_response_type,
    choose_stream_transport,
    parse_accept,
    prefers_html,
    request_body_is_json,
)

GQL = GRAPHQL_RESPONSE_JSON
JSON = APPLICATION_JSON


def test_parse_accept() -> None:
    assert parse_accept("Text/HTML, application/json;q=0.5 ;charset=utf-8, */*;q=x, ,") == [
        ("text/html", 1.0),
        ("application/json", 0.5),
    ]
    assert parse_accept("a/b;q=7, c/d;q=-1") == [("a/b", 1.0), ("c/d", 0.0)]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, JSON),
        ("", JSON),
        ("*/*", JSON),
        (GQL, GQL),
        (f"{GQL}, {JSON}", GQL),
        (f"{JSON}, {GQL}", GQL),
        (f"{JSON};q=0.9, {GQL};q=0.8", JSON),
        (f"{GQL};q=0, */*", JSON),
        (f"{JSON};q=0, */*", GQL),
        (f"{GQL}, */*;q=0.1", GQL),
        ("application/*;q=0.5, text/html", JSON),
        ("text/html", None),
        (f"{GQL};q=0, {JSON};q=0", None),
        ("application/xml", None),
    ],
)
def test_choose_response_type(accept: str | None, expected: str | None) -> None:
    assert choose_response_type(accept) == expected


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),
        ("text/html", True),
        (f"{GQL}, {JSON}, multipart/mixed", False),  # GraphiQL's own fetches
        ("*/*", False),
        (None, False),
        ("text/*", False),
        (f"text/html;q=0.5, {JSON}", False),
        (f"text/html, {JSON};q=0.5", True),
        ("text/html;q=0", False),
    ],
)
def test_prefers_html(accept: str | None, expected: bool) -> None:
    assert prefers_html(accept) is expected


@pytest.mark.parametrize(
    ("content_type", "ok"),
    [
        ("application/json", True),
        ("Application/JSON; charset=UTF-8", True),
        ('application/json; charset="utf-8"', True),
        ("application/json; charset=utf8", True),
        ("application/json; charset=iso-8859-1", False),
        ("application/graphql", False),
        ("text/plain;charset=UTF-8", False),
        ("", False),
        (None, False),
    ],
)
def test_request_body_is_json(content_type: str | None, ok: bool) -> None:
    is_json, reason = request_body_is_json(content_type)
    assert is_json is ok
    assert bool(reason) is not ok


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, None),
        ("*/*", None),  # a wildcard never opens a stream
        ("text/*, multipart/*", None),
        ("text/event-stream", "sse"),
        ("Text/Event-Stream;q=0.5, application/json", "sse"),
        ("text/event-stream;q=0", None),
        # Apollo Client (bare 1.0), Apollo iOS (quoted), Apollo Kotlin
        ('multipart/mixed;boundary="graphql";subscriptionSpec=1.0,application/json', "multipart"),
        ('multipart/mixed;subscriptionSpec="1.0", application/json', "multipart"),
        ("multipart/mixed; subscriptionspec='1.0'", "multipart"),
        ("multipart/mixed;subscriptionSpec=2.0", None),
        ("multipart/mixed;deferSpec=20220824, application/json", None),  # @defer, not ours
        ("multipart/mixed", None),
        ('text/event-stream;q=0.4, multipart/mixed;subscriptionSpec="1.0";q=0.6', "multipart"),
        ('text/event-stream;q=0.9, multipart/mixed;subscriptionSpec="1.0";q=0.6', "sse"),
        ('text/event-stream, multipart/mixed;subscriptionSpec="1.0"', "multipart"),
    ],
)
def test_choose_stream_transport(accept: str | None, expected: str | None) -> None:
    assert choose_stream_transport(accept) == expected
