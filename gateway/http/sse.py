"""GraphQL over Server-Sent Events: the messages of the graphql-sse protocol.

The protocol is the ``graphql-sse`` library's (github.com/enisdenjo/graphql-sse,
PROTOCOL.md). Every message is an SSE event ``next`` (an execution result) or ``complete``:

    distinct connections mode (one stream per operation)
        event: next         data: {"data": ...}
        event: complete     (no data)
    single connection mode (one stream, operations named by ``extensions.operationId``)
        event: next         data: {"id": "<operationId>", "payload": {"data": ...}}
        event: complete     data: {"id": "<operationId>"}

Each event's data is one line of JSON. The keep-alive is a comment *line* (``:``) without
the blank line that ends an event: graphql-sse's parser stops reading a chunk at an empty
event, and a comment line is all the spec needs to keep bytes flowing.
"""

from __future__ import annotations

from typing import Final

import orjson

from gateway.types import JSON, JSONObject

#: The header (and ``token`` query parameter) naming a single-connection stream.
TOKEN_HEADER: Final = "x-graphql-event-stream-token"
TOKEN_QUERY: Final = "token"
KEEPALIVE: Final = b":\n"


def sse_event(event: str, data: JSON | None = None) -> bytes:
    """One SSE event: its name, its data as one line of JSON (if any), a blank line."""
    if data is None:
        return b"event: " + event.encode() + b"\n\n"
    return b"event: " + event.encode() + b"\ndata: " + orjson.dumps(data) + b"\n\n"


class DistinctFraming:
    """A stream carrying one operation (distinct connections mode)."""

    keepalive = KEEPALIVE

    def start(self) -> bytes:
        return b""

    def result(self, body: JSONObject) -> bytes:
        return sse_event("next", body)

    def failure(self, errors: list[JSONObject]) -> bytes:
        # Errors are an execution result like any other: graphql-sse clients read them so.
        return sse_event("next", {"errors": errors})

    def end(self) -> bytes:
        return sse_event("complete")


class OperationFraming:
    """One operation's events on a shared stream (single connection mode)."""

    keepalive = KEEPALIVE

    def __init__(self, operation_id: str) -> None:
        self.operation_id = operation_id

    def start(self) -> bytes:
        return b""

    def result(self, body: JSONObject) -> bytes:
        return sse_event("next", {"id": self.operation_id, "payload": body})

    def failure(self, errors: list[JSONObject]) -> bytes:
        return self.result({"errors": errors})

    def end(self) -> bytes:
        return sse_event("complete", {"id": self.operation_id})
