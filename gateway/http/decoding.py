"""Decoding a GraphQL-over-HTTP request into ``GraphQLParams``.

Everything here is about the request's *form* — the JSON, the parameter types, the size
and depth limits. A request that gets past it is "well-formed"; whether its document parses,
validates and executes is the pipeline's business. Each failure is a ``RequestError`` from
``gateway.http.errors`` with a stable code, so bad input never reaches the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import orjson

from gateway.errors import RequestError
from gateway.http.errors import (
    BatchingDisabled,
    BatchTooLarge,
    InvalidJSON,
    InvalidParameter,
    InvalidRequestBody,
    InvalidUTF8,
    JSONTooDeep,
    MissingQuery,
)
from gateway.request import GraphQLParams

#: A decoded POST body: one operation, or a batch whose items each decoded or failed alone.
Decoded = GraphQLParams | list[GraphQLParams | RequestError]


@dataclass(frozen=True, slots=True)
class DecodeLimits:
    """The limits decoding enforces (from ``server`` in the configuration)."""

    max_json_depth: int = 128
    batching_enabled: bool = True
    max_batch_size: int = 32


def loads(data: bytes | str, limits: DecodeLimits, what: str) -> Any:
    """Parse JSON, turning every way it can fail into a clear 400."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        reason = str(exc)
        if isinstance(data, bytes) and not _is_utf8(data):
            raise InvalidUTF8(f"{what} is not valid UTF-8") from None
        if "depth limit" in reason:
            raise JSONTooDeep(
                f"{what} is nested deeper than {limits.max_json_depth} levels"
            ) from None
        if "infinity" in reason:
            raise InvalidJSON(f"{what} has a number out of range: {reason}") from None
        raise InvalidJSON(f"{what} is not valid JSON: {reason}") from None
    _check_depth(value, limits.max_json_depth, what)
    return value


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _check_depth(value: Any, limit: int, what: str) -> None:
    # Iterative, so a deep value cannot exhaust Python's stack here (nor, being refused,
    # in graphql-core's recursive variable coercion later).
    stack: list[tuple[Any, int]] = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        if depth > limit:
            raise JSONTooDeep(f"{what} is nested deeper than {limit} levels")
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))


def decode_post_body(body: bytes, limits: DecodeLimits) -> Decoded:
    """A POST body (already known to be JSON by its content type): one request or a batch."""
    if not body.strip():
        raise InvalidRequestBody("the request body is empty; send a JSON object with a query")
    value = loads(body, limits, "the request body")
    if isinstance(value, dict):
        return params_from_mapping(value)
    if isinstance(value, list):
        if not limits.batching_enabled:
            raise BatchingDisabled("batched requests (a JSON array body) are disabled")
        if not value:
            raise InvalidRequestBody("the batch is empty; send at least one operation")
        if len(value) > limits.max_batch_size:
            raise BatchTooLarge(
                f"the batch has {len(value)} operations; at most {limits.max_batch_size} "
                "are allowed",
                extensions={"maxBatchSize": limits.max_batch_size},
            )
        return [_batch_item(item, index) for index, item in enumerate(value)]
    raise InvalidRequestBody(
        f"the request body must be a JSON object (or an array for a batch), not {_kind(value)}"
    )


def _batch_item(item: Any, index: int) -> GraphQLParams | RequestError:
    if not isinstance(item, dict):
        return InvalidRequestBody(f"batch item {index} must be a JSON object, not {_kind(item)}")
    try:
        return params_from_mapping(item)
    except RequestError as exc:
        return exc


def decode_query_string(query_string: bytes, limits: DecodeLimits) -> GraphQLParams:
    """The parameters of a GET request: ``variables`` and ``extensions`` are JSON text."""
    try:
        text = query_string.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise InvalidUTF8("the query string is not valid UTF-8") from None
    params: dict[str, Any] = {}
    for name, value in pairs:
        if name in params:
            raise InvalidParameter(f"the parameter {name!r} is given more than once")
        params[name] = value
    for name in ("variables", "extensions"):
        if params.get(name):
            params[name] = loads(params[name], limits, f"the {name!r} parameter")
        elif name in params:  # `variables=` means none
            params[name] = None
    return params_from_mapping(params)


def params_from_mapping(value: dict[str, Any]) -> GraphQLParams:
    """Check each parameter's type; unknown parameters are ignored, as the spec allows."""
    query = value.get("query")
    operation_name = value.get("operationName")
    variables = value.get("variables")
    extensions = value.get("extensions")
    if query is not None and not isinstance(query, str):
        raise InvalidParameter(f"the 'query' parameter must be a string, not {_kind(query)}")
    if operation_name is not None and not isinstance(operation_name, str):
        raise InvalidParameter(
            f"the 'operationName' parameter must be a string, not {_kind(operation_name)}"
        )
    for name, param in (("variables", variables), ("extensions", extensions)):
        if param is not None and not isinstance(param, dict):
            raise InvalidParameter(f"the {name!r} parameter must be an object, not {_kind(param)}")
    # A persisted query (Apollo APQ) may legitimately come without its text.
    if (query is None or not query.strip()) and not (extensions or {}).get("persistedQuery"):
        raise MissingQuery("the request has no 'query' parameter (nor a persisted query)")
    return GraphQLParams(
        query=query, operation_name=operation_name, variables=variables, extensions=extensions
    )


def _kind(value: Any) -> str:
    """How JSON would name the type of ``value``, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"
