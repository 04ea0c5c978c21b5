"""Parse a document under token, nesting and definition limits, refusing oversized ones cheaply.

A linear pre-scan counts lexical tokens, the nesting of ``{`` ``(`` ``[`` (skipping
strings, block strings and comments), directive applications (every ``@``, known
directive or not), operations and fragments, and stops at the first limit it crosses, so
an oversized document is refused with one error and without building any AST. Only a
document inside every limit reaches graphql-core's recursive-descent parser.

Why count directives and definitions here rather than in the validation pass: the
validation rules measure what each *operation* selects, so directives in an unused
fragment or spread over several operations escape them, and the specification's rules
then report one error per unknown directive; and thousands of tiny operations or unused
fragments cost graphql-core's parser and the spec's rules (``NoUnusedFragments``,
``UniqueOperationNames`` ...) most of a second while measuring nothing over any
operation limit.

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
from gateway.limits.errors import (
    OperationLimitExceeded,
    ParserFragmentLimit,
    ParserLengthLimit,
    ParserNestingLimit,
    ParserOperationLimit,
    ParserTokenLimit,
)

__all__ = ["effective_nesting_limit", "parse_counting_tokens", "parse_with_limits", "prescan"]

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


def prescan(
    text: str,
    max_tokens: int,
    max_nesting: int,
    *,
    max_directives: int | None = None,
    max_operations: int | None = None,
    max_fragments: int | None = None,
) -> tuple[int, int]:
    """Count tokens, the deepest nesting, directives and definitions; raise at the first
    limit crossed (a ``None`` limit is off).

    A definition is counted where it starts: the first token at nesting level 0 after the
    previous definition closed. ``fragment`` starts a fragment; anything else (``query``,
    ``mutation``, ``subscription``, ``{``) an operation. Returns ``(tokens, deepest
    nesting)`` for a document inside every limit.
    """
    tokens = 0
    depth = 0
    deepest = 0
    directives = 0
    operations = 0
    fragments = 0
    definition_start = True
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
        if definition_start and depth == 0:
            definition_start = False
            if match.group() == "fragment":
                fragments += 1
                if max_fragments is not None and fragments > max_fragments:
                    raise ParserFragmentLimit(
                        f"Document has more than {max_fragments} fragments (the limit): "
                        f"parsing refused at fragment {fragments}.",
                        extensions={"limit": max_fragments, "measured": fragments},
                        locations=[_line_column(text, match.start())],
                    )
            else:
                operations += 1
                if max_operations is not None and operations > max_operations:
                    raise ParserOperationLimit(
                        f"Document has more than {max_operations} operations (the limit): "
                        f"parsing refused at operation {operations}.",
                        extensions={"limit": max_operations, "measured": operations},
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
        elif kind == "close":
            if depth > 0:
                depth -= 1
            # A selection set closing at level 0 ends its definition (a ``)`` closing
            # variable definitions does not: the selection set follows).
            definition_start = depth == 0 and match.group() == "}"
        elif max_directives is not None and match.group() == "@":
            directives += 1
            if directives > max_directives:
                raise OperationLimitExceeded(
                    f"Document has more than {max_directives} directives (the limit): "
                    f"parsing refused at directive {directives}.",
                    code="MAX_DIRECTIVES_LIMIT",
                    extensions={"limit": max_directives, "measured": directives},
                    locations=[_line_column(text, match.start())],
                )
    return tokens, deepest


def parse_counting_tokens(
    text: str,
    max_tokens: int = 15000,
    max_depth: int = 500,
    *,
    max_length: int | None = None,
    max_directives: int | None = None,
    max_operations: int | None = None,
    max_fragments: int | None = None,
) -> tuple[DocumentNode, int]:
    """``parse_with_limits``, also returning the document's token count (what its AST
    weighs is about proportional to it: the document cache weighs entries by it).

    Parse ``text`` into a document, refusing one over ``max_tokens`` or ``max_depth``.

    ``max_length`` (characters, ``None``: unlimited) refuses a huge document before even
    the pre-scan: graphql-core lexes strings and comments one character at a time, so a
    1 MB comment would otherwise cost a parse of a fifth of a second.

    ``max_directives`` (``@`` applications in the whole text), ``max_operations`` and
    ``max_fragments`` (definitions) are checked by the same pre-scan; ``None``: off.

    Raises ``ParserTokenLimit`` (PARSER_TOKEN_LIMIT), ``ParserNestingLimit``
    (PARSER_RECURSION_LIMIT), ``ParserLengthLimit`` (PARSER_LENGTH_LIMIT),
    ``ParserOperationLimit`` (PARSER_OPERATIONS_LIMIT), ``ParserFragmentLimit``
    (PARSER_FRAGMENTS_LIMIT), ``OperationLimitExceeded`` (MAX_DIRECTIVES_LIMIT) or
    ``ParseError`` (GRAPHQL_PARSE_FAILED) for a syntax error.
    """
    if max_length is not None and len(text) > max_length:
        raise ParserLengthLimit(
            f"Document has {len(text)} characters, more than the limit of {max_length}.",
            extensions={"limit": max_length, "measured": len(text)},
        )
    nesting_limit = effective_nesting_limit(max_depth)
    tokens, _deepest = prescan(
        text,
        max_tokens,
        nesting_limit,
        max_directives=max_directives,
        max_operations=max_operations,
        max_fragments=max_fragments,
    )
    try:
        # The pre-scan's count is the authority; graphql-core's own token limit is a
        # backstop in case its lexer splits a token differently.
        document = parse(text, max_lexical_tokens=max_tokens + max_tokens // 10 + 10)
    except GraphQLSyntaxError as error:
        raise _syntax_error(error) from None
    return document, tokens


def parse_with_limits(
    text: str,
    max_tokens: int = 15000,
    max_depth: int = 500,
    *,
    max_length: int | None = None,
    max_directives: int | None = None,
    max_operations: int | None = None,
    max_fragments: int | None = None,
) -> DocumentNode:
    """Parse ``text`` under the parser limits (see ``parse_counting_tokens``)."""
    document, _tokens = parse_counting_tokens(
        text,
        max_tokens,
        max_depth,
        max_length=max_length,
        max_directives=max_directives,
        max_operations=max_operations,
        max_fragments=max_fragments,
    )
    return document


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
