"""Client errors raised by the limits: every one a ``RequestError`` with a stable code.

    RequestError
    ├── ParseError                    GRAPHQL_PARSE_FAILED (gateway.errors)
    │   ├── ParserLengthLimit         PARSER_LENGTH_LIMIT
    │   ├── ParserTokenLimit          PARSER_TOKEN_LIMIT
    │   ├── ParserNestingLimit        PARSER_RECURSION_LIMIT
    │   ├── ParserOperationLimit      PARSER_OPERATIONS_LIMIT
    │   └── ParserFragmentLimit       PARSER_FRAGMENTS_LIMIT
    ├── OperationLimitExceeded        MAX_DEPTH_LIMIT, MAX_HEIGHT_LIMIT, MAX_ALIASES_LIMIT,
    │                                 MAX_ROOT_FIELDS_LIMIT, MAX_DIRECTIVES_LIMIT,
    │                                 MAX_WIDTH_LIMIT
    └── CostError
        ├── CostTooExpensive          COST_ESTIMATED_TOO_EXPENSIVE
        └── SlicingArgumentRequired   COST_SLICING_ARGUMENT_REQUIRED

All carry ``extensions.limit`` and ``extensions.measured`` where a number was measured,
so a client (or its developer) sees by how much the operation is over.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError

from gateway.errors import ParseError, RequestError


class ParserLengthLimit(ParseError):
    code = "PARSER_LENGTH_LIMIT"


class ParserTokenLimit(ParseError):
    code = "PARSER_TOKEN_LIMIT"


class ParserNestingLimit(ParseError):
    code = "PARSER_RECURSION_LIMIT"


class ParserOperationLimit(ParseError):
    code = "PARSER_OPERATIONS_LIMIT"


class ParserFragmentLimit(ParseError):
    code = "PARSER_FRAGMENTS_LIMIT"


class OperationLimitExceeded(RequestError):
    """An operation limit of the validation pass; ``code`` names the limit."""

    code = "OPERATION_LIMIT_EXCEEDED"

    @classmethod
    def from_graphql(cls, error: GraphQLError) -> OperationLimitExceeded:
        """Wrap a limit rule's validation error, keeping its code, numbers and locations."""
        extensions: dict[str, Any] = dict(error.extensions or {})
        code = str(extensions.pop("code", cls.code))
        locations = [{"line": loc.line, "column": loc.column} for loc in error.locations or []]
        return cls(error.message, code=code, extensions=extensions, locations=locations or None)


class CostError(RequestError):
    code = "COST_ERROR"


class CostTooExpensive(CostError):
    code = "COST_ESTIMATED_TOO_EXPENSIVE"


class SlicingArgumentRequired(CostError):
    code = "COST_SLICING_ARGUMENT_REQUIRED"
