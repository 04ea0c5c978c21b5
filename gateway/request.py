"""What a transport (HTTP, websocket) hands to the pipeline, and what it gets back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Literal

from gateway.types import Headers, JSONObject


@dataclass(frozen=True, slots=True)
class GraphQLParams:
    """One GraphQL request's parameters, already decoded from the transport's format."""

    query: str | None = None
    operation_name: str | None = None
    variables: JSONObject | None = None
    extensions: JSONObject | None = None


@dataclass(frozen=True, slots=True)
class Identity:
    """Who is calling, as verified by the authentication step (``gateway.auth``).

    ``user_id`` is None for an anonymous caller. ``expires_at`` (Unix seconds) is when
    the credential stops being accepted (a token's ``exp`` plus ``auth.leeway_seconds``):
    a websocket is closed then, and the signed identity forwarded to subgraphs expires.
    """

    user_id: str | None = None
    roles: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()
    expires_at: float | None = None
    #: The verified claims, for steps that need more than the mapped fields.
    claims: JSONObject = field(default_factory=dict, compare=False, hash=False)

    @property
    def anonymous(self) -> bool:
        return self.user_id is None


#: The caller of a request without credentials.
ANONYMOUS = Identity()


@dataclass(slots=True)
class RequestContext:
    """Facts about the transport request that steps of the pipeline may need.

    Steps (``gateway.steps``) read and add to it: the authentication step sets
    ``identity``, any step may add ``response_headers``.
    """

    #: "GET" or "POST" (websocket operations use "POST": they may be mutations).
    method: str = "POST"
    #: Request headers, names lower-cased.
    headers: Headers = field(default_factory=dict)
    #: Set by steps of the pipeline for later steps.
    state: dict[str, Any] = field(default_factory=dict)
    #: "http" for GraphQL over HTTP, "websocket" for an operation on a websocket, "sse"
    #: and "multipart" for one streamed over HTTP (GraphQL over SSE, Apollo's multipart).
    transport: Literal["http", "websocket", "sse", "multipart"] = "http"
    #: The peer's IP address as the server saw it (a proxy's, behind one). None: unknown.
    client_ip: str | None = None
    #: The verified caller; None until the authentication step has run.
    identity: Identity | None = None
    #: Headers steps add to the HTTP response (e.g. rate-limit headers).
    response_headers: dict[str, str] = field(default_factory=dict)
    #: The transport can deliver the response in parts (``@defer``/``@stream``: HTTP with
    #: ``multipart/mixed`` in ``Accept``). False: those directives are ignored. Never
    #: copied: a batch item is answered whole.
    incremental: bool = False

    def copy(self) -> RequestContext:
        """A fresh context for another operation of the same transport request (a batch
        item, a websocket operation): same headers and identity, its own state."""
        return RequestContext(
            method=self.method,
            headers=dict(self.headers),
            transport=self.transport,
            client_ip=self.client_ip,
            identity=self.identity,
        )


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
    #: Incremental delivery: ``body`` is the first part, these are the others.
    rest: AsyncIterator[JSONObject] | None = None
