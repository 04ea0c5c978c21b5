"""Decoding requests into parameters, without a server: every way the form can be wrong."""

from __future__ import annotations

import pytest

from gateway.errors import RequestError
from gateway.http.decoding import (
    DecodeLimits,
    decode_post_body,
    decode_query_string,
    loads,
    params_from_mapping,
)
from gateway.request import GraphQLParams

LIMITS = DecodeLimits(max_json_depth=8, batching_enabled=True, max_batch_size=3)


def code_of(raised: pytest.ExceptionInfo[RequestError]) -> str:
    return raised.value.code


def test_post_single() -> None:
    body = b'{"query": "{ a }", "operationName": "A", "variables": {"x": 1}, "extensions": {}}'
    assert decode_post_body(body, LIMITS) == GraphQLParams(
        query="{ a }", operation_name="A", variables={"x": 1}, extensions={}
    )


def test_post_batch_keeps_bad_items_in_place() -> None:
    decoded = decode_post_body(b'[{"query": "{ a }"}, 1, {"query": 2}]', LIMITS)
    assert isinstance(decoded, list)
    assert decoded[0] == GraphQLParams(query="{ a }")
    assert isinstance(decoded[1], RequestError) and decoded[1].code == "INVALID_REQUEST_BODY"
    assert isinstance(decoded[2], RequestError) and decoded[2].code == "INVALID_PARAMETER"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"", "INVALID_REQUEST_BODY"),
        (b"nope", "INVALID_JSON"),
        (b"[]", "INVALID_REQUEST_BODY"),
        (b"[{}, {}, {}, {}]", "BATCH_TOO_LARGE"),
        (b'"text"', "INVALID_REQUEST_BODY"),
        (b'{"query": "\xc3\x28"}', "INVALID_UTF8"),
        (b'{"a": 1e999}', "INVALID_JSON"),
        (b"[" * 9 + b"]" * 9, "JSON_TOO_DEEP"),
        (b"[" * 2000 + b"]" * 2000, "JSON_TOO_DEEP"),
    ],
)
def test_post_errors(body: bytes, code: str) -> None:
    with pytest.raises(RequestError) as raised:
        decode_post_body(body, LIMITS)
    assert code_of(raised) == code


def test_batching_disabled() -> None:
    limits = DecodeLimits(batching_enabled=False)
    with pytest.raises(RequestError) as raised:
        decode_post_body(b'[{"query": "{ a }"}]', limits)
    assert code_of(raised) == "BATCHING_DISABLED"


def test_depth_at_the_limit_is_fine() -> None:
    assert loads(b"[" * 8 + b"]" * 8, LIMITS, "x") is not None


def test_query_string() -> None:
    assert decode_query_string(
        b"query=%7B%20a%20%7D&variables=%7B%22x%22%3A1%7D&operationName=A&extensions=", LIMITS
    ) == GraphQLParams(query="{ a }", operation_name="A", variables={"x": 1}, extensions=None)


@pytest.mark.parametrize(
    ("query_string", "code"),
    [
        (b"", "MISSING_QUERY"),
        (b"query=%FF", "INVALID_UTF8"),
        (b"query=\xff", "INVALID_UTF8"),
        (b"query=a&query=b", "INVALID_PARAMETER"),
        (b"query=a&variables=%5B1%5D", "INVALID_PARAMETER"),
        (b"query=a&variables=%7B", "INVALID_JSON"),
    ],
)
def test_query_string_errors(query_string: bytes, code: str) -> None:
    with pytest.raises(RequestError) as raised:
        decode_query_string(query_string, LIMITS)
    assert code_of(raised) == code


def test_persisted_query_needs_no_text() -> None:
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": "ab"}}
    assert params_from_mapping({"extensions": extensions}) == GraphQLParams(extensions=extensions)
