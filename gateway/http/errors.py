"""Errors the HTTP layer detects itself, before a request reaches the pipeline.

These are "not well-formed GraphQL-over-HTTP requests": the spec answers them with a 4xx
whatever media type the client accepts (unlike GraphQL request errors, which are a 200 in
``application/json``).

    RequestError (gateway.errors)
    ├── BadRequest                    BAD_REQUEST, 400
    │   ├── InvalidJSON               INVALID_JSON — not JSON, a number out of range, bad UTF-16
    │   ├── InvalidUTF8               INVALID_UTF8 — the body or a parameter is not UTF-8
    │   ├── JSONTooDeep               JSON_TOO_DEEP — nesting past ``server.max_json_depth``
    │   ├── InvalidRequestBody        INVALID_REQUEST_BODY — not an object (or a batch array)
    │   ├── InvalidParameter          INVALID_PARAMETER — e.g. ``variables`` is not an object
    │   ├── MissingQuery              MISSING_QUERY — no ``query`` and no persisted query
    │   ├── BatchingDisabled          BATCHING_DISABLED
    │   └── BatchTooLarge             BATCH_TOO_LARGE
    ├── HTTPMethodNotAllowed          METHOD_NOT_ALLOWED, 405 — neither GET nor POST
    ├── NotAcceptable                 NOT_ACCEPTABLE, 406 — no media type we can answer in
    ├── RequestTimeout                REQUEST_TIMEOUT, 408 — the body came too slowly
    ├── PayloadTooLarge               PAYLOAD_TOO_LARGE, 413
    └── UnsupportedMediaType          UNSUPPORTED_MEDIA_TYPE, 415 — POST body not JSON
"""

from __future__ import annotations

from gateway.errors import BadRequest, ErrorList, GatewayError, RequestError
from gateway.types import JSONObject


def error_body(error: GatewayError) -> JSONObject:
    """A GraphQL response with no ``data``: just the error(s)."""
    if isinstance(error, ErrorList):
        return {"errors": error.to_graphql_list()}
    return {"errors": [error.to_graphql()]}


class InvalidJSON(BadRequest):
    code = "INVALID_JSON"


class InvalidUTF8(BadRequest):
    code = "INVALID_UTF8"


class JSONTooDeep(BadRequest):
    code = "JSON_TOO_DEEP"


class InvalidRequestBody(BadRequest):
    code = "INVALID_REQUEST_BODY"


class InvalidParameter(BadRequest):
    code = "INVALID_PARAMETER"


class MissingQuery(BadRequest):
    code = "MISSING_QUERY"


class BatchingDisabled(BadRequest):
    code = "BATCHING_DISABLED"


class BatchTooLarge(BadRequest):
    code = "BATCH_TOO_LARGE"


class HTTPMethodNotAllowed(RequestError):
    code = "METHOD_NOT_ALLOWED"
    status = 405


class NotAcceptable(RequestError):
    code = "NOT_ACCEPTABLE"
    status = 406


class RequestTimeout(RequestError):
    code = "REQUEST_TIMEOUT"
    status = 408


class PayloadTooLarge(RequestError):
    code = "PAYLOAD_TOO_LARGE"
    status = 413


class UnsupportedMediaType(RequestError):
    code = "UNSUPPORTED_MEDIA_TYPE"
    status = 415


__all__ = [
    "BatchTooLarge",
    "BatchingDisabled",
    "HTTPMethodNotAllowed",
    "InvalidJSON",
    "InvalidParameter",
    "InvalidRequestBody",
    "InvalidUTF8",
    "JSONTooDeep",
    "MissingQuery",
    "NotAcceptable",
    "PayloadTooLarge",
    "RequestTimeout",
    "UnsupportedMediaType",
    "error_body",
]
