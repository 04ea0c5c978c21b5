"""Every error a client can see, with a stable ``extensions.code`` and one HTTP status.

    GatewayError                      (code, status)
    ├── RequestError                  the request could not be executed at all (no ``data``)
    │   ├── BadRequest                BAD_REQUEST, 400 — malformed body/params
    │   ├── ParseError                GRAPHQL_PARSE_FAILED, 400
    │   ├── ValidationFailed          GRAPHQL_VALIDATION_FAILED, 400
    │   ├── OperationNotFound         OPERATION_NOT_FOUND / OPERATION_NAME_REQUIRED, 400
    │   ├── PlanningError             QUERY_PLANNING_FAILED, 400 (gateway.planning)
    │   └── MethodNotAllowed          METHOD_NOT_ALLOWED, 405 — a mutation over GET
    └── (field errors during execution are plain GraphQL errors in ``errors``; they never
        change the HTTP status)

Later steps (limits, persisted queries, authentication) add their own subclasses of
``RequestError`` with their own codes; the HTTP layer needs no change to serve them.
"""

from __future__ import annotations

from typing import Any

from gateway.types import JSONObject


class GatewayError(Exception):
    """Base class: a message for the client, a stable code, an HTTP status."""

    code: str = "INTERNAL_SERVER_ERROR"
    status: int = 500

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        extensions: dict[str, Any] | None = None,
        locations: list[dict[str, int]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.extra_extensions = extensions or {}
        self.locations = locations
        #: Extra HTTP response headers (e.g. ``Allow`` for 405).
        self.headers = headers or {}

    def to_graphql(self) -> JSONObject:
        """This error as one entry of a GraphQL response's ``errors`` list."""
        error: JSONObject = {"message": self.message}
        if self.locations:
            error["locations"] = self.locations
        error["extensions"] = {"code": self.code, **self.extra_extensions}
        return error


class RequestError(GatewayError):
    """The operation was not executed; the response carries ``errors`` and no ``data``."""

    code = "BAD_REQUEST"
    status = 400


class BadRequest(RequestError):
    code = "BAD_REQUEST"


class ParseError(RequestError):
    code = "GRAPHQL_PARSE_FAILED"


class ValidationFailed(RequestError):
    code = "GRAPHQL_VALIDATION_FAILED"


class OperationNotFound(RequestError):
    code = "OPERATION_NOT_FOUND"


class MethodNotAllowed(RequestError):
    code = "METHOD_NOT_ALLOWED"
    status = 405


class ErrorList(RequestError):
    """Several request errors at once (e.g. every validation error of a document)."""

    def __init__(self, errors: list[GatewayError]) -> None:
        first = errors[0]
        super().__init__(first.message, code=first.code, status=first.status)
        self.errors = errors

    def to_graphql_list(self) -> list[JSONObject]:
        return [e.to_graphql() for e in self.errors]
