"""Errors of GraphQL over SSE's single connection mode (``gateway.http.sse_single``).

RequestError (gateway.errors)
├── StreamNotFound                STREAM_NOT_FOUND, 404 — unknown or expired token, or
│                                 a request with other credentials than the reservation's
├── StreamAlreadyOpen             STREAM_ALREADY_OPEN, 409 — one stream per reservation
├── OperationIdInUse              OPERATION_ID_IN_USE, 409 — that id runs on the stream
├── MissingOperationId            MISSING_OPERATION_ID, 400 — no ``extensions.operationId``
│                                 (POST) or ``operationId`` parameter (DELETE)
├── TooManyStreams                TOO_MANY_STREAMS, 429 — the caller holds
│                                 ``max_reservations_per_caller`` reservations
└── StreamReservationsExhausted   STREAM_RESERVATIONS_EXHAUSTED, 503 — the gateway
                                  holds ``max_reservations``
"""

from __future__ import annotations

from gateway.errors import RequestError


class StreamNotFound(RequestError):
    code = "STREAM_NOT_FOUND"
    status = 404


class StreamAlreadyOpen(RequestError):
    code = "STREAM_ALREADY_OPEN"
    status = 409


class OperationIdInUse(RequestError):
    code = "OPERATION_ID_IN_USE"
    status = 409


class MissingOperationId(RequestError):
    code = "MISSING_OPERATION_ID"
    status = 400


class TooManyStreams(RequestError):
    code = "TOO_MANY_STREAMS"
    status = 429


class StreamReservationsExhausted(RequestError):
    code = "STREAM_RESERVATIONS_EXHAUSTED"
    status = 503


__all__ = [
    "MissingOperationId",
    "OperationIdInUse",
    "StreamAlreadyOpen",
    "StreamNotFound",
    "StreamReservationsExhausted",
    "TooManyStreams",
]
