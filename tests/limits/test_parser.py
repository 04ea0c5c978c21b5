"""Parser limits: tokens, nesting, length — refused before graphql-core builds an AST."""

from __future__ import annotations

import pytest
from graphql import OperationDefinitionNode, print_ast

from gateway.errors import ParseError
from gateway.limits import (
    ParserLengthLimit,
    ParserNestingLimit,
    ParserTokenLimit,
    parse_with_limits,
)
from gateway.limits.parser import effective_nesting_limit, prescan


def test_a_normal_document_parses() -> None:
    text = "query Home($n: Int = 3) { me { name enrollments(first: $n) { progress } } }"
    document = parse_with_limits(text)
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    assert operation.name is not None and operation.name.value == "Home"
    assert "enrollments(first: $n)" in print_ast(document)


def test_prescan_counts_like_graphql_cores_lexer() -> None:
    # strings, block strings with escaped triple quotes, comments and spreads
    text = (
        'query Q($a: Int = 1) { f(x: $a, y: """bl"ock\\"""""", z: "s\\"q") # comment\n'
        "@skip(if: false) { ...F } } fragment F on T { g }"
    )
    from graphql.language import Lexer, Source, TokenKind

    lexer = Lexer(Source(text))
    expected = 0
    while lexer.advance().kind != TokenKind.EOF:
        expected += 1
    assert prescan(text, 10_000, 100) == (expected, 2)


def test_token_limit_refuses_with_limit_and_measured() -> None:
    text = "{ " + " ".join(f"a{i}: f" for i in range(100_000)) + " }"  # 100,000 aliases
    with pytest.raises(ParserTokenLimit) as caught:
        parse_with_limits(text, max_tokens=15_000, max_depth=500)
    error = caught.value
    assert error.code == "PARSER_TOKEN_LIMIT"
    assert error.status == 400
    assert error.extra_extensions == {"limit": 15_000, "measured": 15_001}
    assert "15000" in error.message
    assert error.to_graphql()["extensions"]["code"] == "PARSER_TOKEN_LIMIT"


def test_exactly_at_the_token_limit_parses() -> None:
    text = "{ a b c }"  # 5 tokens
    assert parse_with_limits(text, max_tokens=5) is not None
    with pytest.raises(ParserTokenLimit):
        parse_with_limits(text, max_tokens=4)


def test_comments_do_not_count_as_tokens() -> None:
    text = "# " + "x " * 1000 + "\n{ a }"
    assert parse_with_limits(text, max_tokens=3) is not None


def test_thousand_deep_nesting_is_refused_without_recursion_error() -> None:
    text = "{" + "a {" * 1000 + "b" + "}" * 1000 + "}"
    with pytest.raises(ParserNestingLimit) as caught:
        parse_with_limits(text, max_depth=500)
    assert caught.value.code == "PARSER_RECURSION_LIMIT"
    assert caught.value.extra_extensions == {"limit": 200, "measured": 201}


@pytest.mark.parametrize(
    "text",
    [
        "{ f(x: " + "[" * 1000 + "]" * 1000 + ") }",
        "{ f(x: " + "{a: " * 1000 + "1" + "}" * 1000 + ") }",
        "query($v: " + "[" * 1000 + "Int" + "]" * 1000 + ") { f }",
    ],
    ids=["list-values", "object-values", "list-types"],
)
def test_deep_values_and_types_are_refused(text: str) -> None:
    with pytest.raises(ParserNestingLimit):
        parse_with_limits(text)


def test_configured_nesting_limit_below_the_parsers() -> None:
    text = "{" + "a {" * 10 + "b" + "}" * 10 + "}"  # 11 levels of braces
    assert parse_with_limits(text, max_depth=11) is not None
    with pytest.raises(ParserNestingLimit) as caught:
        parse_with_limits(text, max_depth=10)
    assert caught.value.extra_extensions == {"limit": 10, "measured": 11}
    assert caught.value.locations == [{"line": 1, "column": 31}]  # the 11th brace


def test_nesting_up_to_the_effective_limit_parses() -> None:
    limit = effective_nesting_limit(500)
    assert limit == 200  # graphql-core's own guard
    text = "{" + "a {" * (limit - 1) + "b" + "}" * (limit - 1) + "}"
    assert parse_with_limits(text, max_depth=500) is not None


def test_brackets_inside_strings_and_comments_do_not_nest() -> None:
    text = '{ f(x: "' + "{" * 5000 + '", y: """' + "[" * 5000 + '""") # ' + "(" * 5000 + "\n}"
    assert parse_with_limits(text, max_depth=5) is not None


def test_one_megabyte_documents_are_refused_by_length() -> None:
    text = '{ f(x: "' + "a" * 1_000_000 + '") }'
    with pytest.raises(ParserLengthLimit) as caught:
        parse_with_limits(text, max_length=262_144)
    assert caught.value.code == "PARSER_LENGTH_LIMIT"
    assert caught.value.extra_extensions == {"limit": 262_144, "measured": len(text)}


def test_one_megabyte_of_tokens_without_length_limit_stops_at_the_token_limit() -> None:
    text = "{" + " a" * 500_000 + "}"
    with pytest.raises(ParserTokenLimit):
        parse_with_limits(text)


@pytest.mark.parametrize(
    "text",
    [
        '{ f(x: """' + "a\\" * 100_000 + ") }",  # unterminated block string
        '"' * 100_000,
        '{ f(x: "' + "\\" * 100_001 + ") }",
    ],
    ids=["unterminated-block-string", "quotes", "backslashes"],
)
def test_adversarial_strings_end_in_a_clear_error(text: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_with_limits(text)
    assert caught.value.code in {"PARSER_TOKEN_LIMIT", "GRAPHQL_PARSE_FAILED"}


def test_syntax_error_is_a_parse_error_with_location() -> None:
    with pytest.raises(ParseError) as caught:
        parse_with_limits("{ f(")
    assert type(caught.value) is ParseError
    assert caught.value.code == "GRAPHQL_PARSE_FAILED"
    assert caught.value.locations == [{"line": 1, "column": 5}]
