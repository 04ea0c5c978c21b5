"""What a transport (HTTP, websocket) hands to the pipeline, and what it gets back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gateway.types import Headers, JSONObject


@dataclass(frozen=True, slots=True)
class GraphQLParams:
    """One GraphQL request's parameters, already decoded from the transport's format."""

    query: str | None = None
    operation_name: str | None = None
    variables: JSONObject | None = None
    extensions: JSONObject | None = None


@dataclass(slots=True)
class RequestContext:
    """Facts about the transport request that steps of the pipeline may need."""

    #: "GET" or "POST" (websocket operations use "POST": they may be mutations).
    method: str = "POST"
    #: Request headers, names lower-cased.
    headers: Headers = field(default_factory=dict)
    #: Set by steps of the pipeline for later steps (e.g. the authenticated identity).
    state: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Outcome:
    """The pipeline's answer: a GraphQL response body and how the transport should send it.

    ``executed`` is False when the request failed before execution (the body then has
    ``errors`` and no ``data``): GraphQL over HTTP answers such requests with 4xx when the
    client accepts ``application/graphql-response+json``.
    """

    body: JSONObject
    executed: bool = True
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
