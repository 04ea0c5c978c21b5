"""Parse a document under token and nesting limits, refusing oversized ones cheaply.

A linear pre-scan counts lexical tokens and the nesting of ``{`` ``(`` ``[`` (skipping
strings, block strings and comments) and stops at the first limit it crosses, so an
oversized document is refused without building any AST. Only a document inside both
limits reaches graphql-core's recursive-descent parser.

graphql-core (3.3) guards its own recursion: it refuses documents nested deeper than
``graphql.language.parser.MAX_NESTING_DEPTH`` (200) with a syntax error, and turns a
``RecursionError`` into one. The effective nesting limit is therefore the smaller of
the configured one and graphql-core's, and a document inside it is parsed without ever
approaching Python's recursion limit. Every refusal is a ``ParseError`` subclass.
"""

from __future__ import annotations

import re

from graphql import DocumentNode, GraphQLSyntaxError, parse
from graphql.language import parser as graphql_parser

from gateway.errors import ParseError
from gateway.limits.errors import ParserLengthLimit, ParserNestingLimit, ParserTokenLimit

__all__ = ["effective_nesting_limit", "parse_with_limits", "prescan"]

# One alternative per lexical class. The string alternatives use possessive quantifiers
# (Python 3.11+) and branches that never match the same text, so a long string is matched
# in runs and an unterminated one fails in linear time (no backtracking blow-up).
_TOKEN = re.compile(
    r"""
      (?P<skip>[\s,\ufeff]+|\#[^\n\r]*)
    | (?P<block>\"\"\"(?:[^"\\]++|\\(?!\"\"\")|\\\"\"\"|"(?!""))*+\"\"\")
    | (?P<string>"(?:[^"\\\n\r]++|\\.)*+")
    | (?P<open>[{(\[])
    | (?P<close>[})\]])
    | (?P<other>\.\.\.|[_A-Za-z][_0-9A-Za-z]*|-?[0-9][0-9.eE+\-]*|.)
    """,
    re.VERBOSE | re.DOTALL,
)


def effective_nesting_limit(max_nesting: int) -> int:
    """The nesting limit actually enforced: graphql-core refuses deeper documents anyway."""
    return min(max_nesting, graphql_parser.MAX_NESTING_DEPTH)


def _line_column(text: str, offset: int) -> dict[str, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return {"line": line, "column": column}


def prescan(text: str, max_tokens: int, max_nesting: int) -> tuple[int, int]:
    """Count tokens and the deepest nesting; raise at the first limit crossed.

    Returns ``(tokens, deepest nesting)`` for a document inside both limits.
    """
    tokens = 0
    depth = 0
    deepest = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "skip":
            continue
        tokens += 1
        if tokens > max_tokens:
            raise ParserTokenLimit(
                f"Document has more than {max_tokens} tokens (the limit): parsing refused "
                f"at token {tokens}.",
                extensions={"limit": max_tokens, "measured": tokens},
                locations=[_line_column(text, match.start())],
            )
        if kind == "open":
            depth += 1
            if depth > max_nesting:
                raise ParserNestingLimit(
                    f"Document is nested more than {max_nesting} levels deep (the limit): "
                    f"parsing refused at level {depth}.",
                    extensions={"limit": max_nesting, "measured": depth},
                    locations=[_line_column(text, match.start())],
                )
            deepest = max(deepest, depth)
        elif kind == "close" and depth > 0:
            depth -= 1
    return tokens, deepest


def parse_with_limits(
    text: str,
    max_tokens: int = 15000,
    max_depth: int = 500,
    *,
    max_length: int | None = None,
) -> DocumentNode:
    """Parse ``text`` into a document, refusing one over ``max_tokens`` or ``max_depth``.

    ``max_length`` (characters, ``None``: unlimited) refuses a huge document before even
    the pre-scan: graphql-core lexes strings and comments one character at a time, so a
    1 MB comment would otherwise cost a parse of a fifth of a second.

    Raises ``ParserTokenLimit`` (PARSER_TOKEN_LIMIT), ``ParserNestingLimit``
    (PARSER_RECURSION_LIMIT), ``ParserLengthLimit`` (PARSER_LENGTH_LIMIT) or
    ``ParseError`` (GRAPHQL_PARSE_FAILED) for a syntax error.
    """
    if max_length is not None and len(text) > max_length:
        raise ParserLengthLimit(
            f"Document has {len(text)} characters, more than the limit of {max_length}.",
            extensions={"limit": max_length, "measured": len(text)},
        )
    nesting_limit = effective_nesting_limit(max_depth)
    prescan(text, max_tokens, nesting_limit)
    try:
        # The pre-scan's count is the authority; graphql-core's own token limit is a
        # backstop in case its lexer splits a token differently.
        return parse(text, max_lexical_tokens=max_tokens + max_tokens // 10 + 10)
    except GraphQLSyntaxError as error:
        raise _syntax_error(error) from None


def _syntax_error(error: GraphQLSyntaxError) -> ParseError:
    locations = [{"line": loc.line, "column": loc.column} for loc in error.locations or []]
    message = error.message
    if "nested too deeply" in message:
        limit = graphql_parser.MAX_NESTING_DEPTH
        return ParserNestingLimit(
            f"Document is nested more than {limit} levels deep (the parser's limit).",
            extensions={"limit": limit},
            locations=locations or None,
        )
    if "tokens. Parsing aborted" in message:
        return ParserTokenLimit(message, locations=locations or None)
    return ParseError(message, locations=locations or None)
