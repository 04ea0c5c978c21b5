"""Errors a subgraph client can see, each with a stable ``extensions.code``.

    SubgraphError (GraphQLError)
    ├── BadUserInput       BAD_USER_INPUT   — out-of-range value, bad string, malformed cursor
    ├── NotFound           NOT_FOUND        — an id that names nothing
    ├── Forbidden          FORBIDDEN        — the caller may not see or change this
    └── Unauthenticated    UNAUTHENTICATED  — the operation needs a user and there is none

Anything else raised by a resolver is a bug: ``MaskUnexpectedErrors`` replaces it with
``INTERNAL_SERVER_ERROR`` and a fixed message, so no stack trace or SQL leaks out. Errors
in the document itself get GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, or
BAD_USER_INPUT for a variable of the wrong type.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

logger = logging.getLogger("subgraphs")


class SubgraphError(GraphQLError):
    """A field error with a stable code; raise it from a resolver."""

    code: ClassVar[str] = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message, extensions={"code": self.code, **extensions})


class BadUserInput(SubgraphError):
    code = "BAD_USER_INPUT"


class NotFound(SubgraphError):
    code = "NOT_FOUND"


class Forbidden(SubgraphError):
    code = "FORBIDDEN"


class Unauthenticated(SubgraphError):
    code = "UNAUTHENTICATED"


def _is_unexpected(error: GraphQLError) -> bool:
    # Errors without a path come from parsing, validation or variable coercion: they
    # describe the client's document and are safe to show. Errors with a path come from
    # resolvers; only our own SubgraphError is meant for the client.
    if error.path is None:
        return False
    return not isinstance(error.original_error, SubgraphError)


def _request_error_code(error: GraphQLError) -> str:
    # The codes Apollo servers use, so clients and the gateway can tell them apart.
    if error.message.startswith("Syntax Error"):
        return "GRAPHQL_PARSE_FAILED"
    if error.message.startswith("Variable '$"):
        return "BAD_USER_INPUT"
    return "GRAPHQL_VALIDATION_FAILED"


class MaskUnexpectedErrors(MaskErrors):
    """Hide unexpected resolver exceptions behind ``INTERNAL_SERVER_ERROR``, and give
    document errors (parse, validation, variables) their stable code."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=_is_unexpected, error_message="Internal error.")

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        processed = super()._process_errors(errors)
        for error in processed:
            if error.path is None and not (error.extensions or {}).get("code"):
                error.extensions = {**(error.extensions or {}), "code": _request_error_code(error)}
        return processed

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        logger.error("unexpected resolver error at %s", error.path, exc_info=error.original_error)
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL_SERVER_ERROR"}
        return masked
