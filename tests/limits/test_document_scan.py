"""The pre-parse scan's document-wide caps: directives (known or not), operations and
fragments — one error for an over-limit document, before any AST is built."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from gateway.limits import (
    OperationLimitExceeded,
    ParserFragmentLimit,
    ParserOperationLimit,
    parse_with_limits,
)
from gateway.limits.parser import prescan
from tests.limits.live import GRAPHQL_RESPONSE, live_gateway

UNKNOWN = "@foo "


def test_directives_are_counted_known_or_not_wherever_they_are() -> None:
    texts = [
        "{ hello } fragment F on Query " + UNKNOWN * 6 + "{ hello }",  # an unused fragment
        "query A { hello @foo @foo @foo } query B { hello @bar @bar @bar }",
        'query Q($a: Int @x @x @x) @y @y @y { hello(s: "@@@@@@@") }',  # strings don't count
    ]
    for text in texts:
        with pytest.raises(OperationLimitExceeded) as caught:
            parse_with_limits(text, max_directives=5)
        assert caught.value.code == "MAX_DIRECTIVES_LIMIT"
        assert caught.value.extra_extensions == {"limit": 5, "measured": 6}
    assert parse_with_limits('{ a @x @y @z @w @v(s: "@") } # @ @ @', max_directives=5)


def test_operations_and_fragments_are_counted_where_they_start() -> None:
    text = (
        "query query($v: [Int] = [1]) { a } mutation M { b } { c } "
        "fragment fragment on T { d } subscription S @x { e } fragment G on T { ...fragment }"
    )
    assert prescan(text, 10_000, 100, max_operations=4, max_fragments=2)[0] > 0
    with pytest.raises(ParserOperationLimit) as operations:
        prescan(text, 10_000, 100, max_operations=3)
    assert operations.value.code == "PARSER_OPERATIONS_LIMIT"
    assert operations.value.extra_extensions == {"limit": 3, "measured": 4}
    assert operations.value.locations == [{"line": 1, "column": 88}]
    with pytest.raises(ParserFragmentLimit) as fragments:
        prescan(text, 10_000, 100, max_fragments=1)
    assert fragments.value.code == "PARSER_FRAGMENTS_LIMIT"
    assert fragments.value.extra_extensions == {"limit": 1, "measured": 2}


def test_thousands_of_operations_or_fragments_are_refused_before_parsing() -> None:
    operations = " ".join(f"query Q{i} {{ hello }}" for i in range(3000))
    with pytest.raises(ParserOperationLimit):
        parse_with_limits(operations, max_operations=100)
    fragments = "{ hello } " + " ".join(f"fragment F{i} on Query {{ hello }}" for i in range(2000))
    with pytest.raises(ParserFragmentLimit):
        parse_with_limits(fragments, max_fragments=100)


@pytest.mark.timeout(60)
async def test_over_limit_unknown_directives_get_one_error_over_http(tmp_path: Path) -> None:
    overloaded = "{ hello } fragment F on Query " + UNKNOWN * 60 + "{ hello }"
    few = "{ hello } fragment F on Query " + UNKNOWN * 10 + "{ hello }"
    with live_gateway(tmp_path) as url:
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.post(url, json={"query": overloaded}, headers=GRAPHQL_RESPONSE)
            assert response.status_code == 400
            errors = response.json()["errors"]
            assert [e["extensions"] for e in errors] == [
                {"code": "MAX_DIRECTIVES_LIMIT", "limit": 50, "measured": 51}
            ]
            # Under the limit, the spec's rules still name each unknown directive.
            response = await client.post(url, json={"query": few}, headers=GRAPHQL_RESPONSE)
            assert response.status_code == 400
            codes = {e["extensions"]["code"] for e in response.json()["errors"]}
            assert codes == {"GRAPHQL_VALIDATION_FAILED"}


@pytest.mark.timeout(60)
async def test_a_warn_only_directive_limit_never_refuses_in_the_scan(tmp_path: Path) -> None:
    text = "{ hello @skip(if: false) @include(if: true) }"
    limits = {"directives": {"max": 1, "warn_only": True}}
    with live_gateway(tmp_path, limits=limits) as url:
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.post(url, json={"query": text}, headers=GRAPHQL_RESPONSE)
    body = response.json()
    assert response.status_code == 200 and body["data"] == {"hello": "world"}
    assert body["extensions"]["limitWarnings"][0]["code"] == "MAX_DIRECTIVES_LIMIT"
