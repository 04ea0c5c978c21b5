"""The graphql-transport-ws messages, close codes, and the check of a client's message.

The protocol is the ``graphql-ws`` library's (github.com/enisdenjo/graphql-ws,
PROTOCOL.md). Every message is a JSON object with a ``type``; a message of an unknown type
or shape closes the socket with 4400 (``InvalidMessage``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any, Literal, TypedDict

import orjson

from gateway.types import JSONObject

#: The websocket subprotocol this server speaks.
SUBPROTOCOL = "graphql-transport-ws"


class CloseCode(IntEnum):
    """Close codes of the protocol (the reason text is part of the spec where given)."""

    BAD_REQUEST = 4400  # "<why the message is invalid>"
    UNAUTHORIZED = 4401  # "Unauthorized": subscribe before connection_ack
    SUBPROTOCOL_NOT_ACCEPTABLE = 4406  # "Subprotocol not acceptable"
    CONNECTION_INIT_TIMEOUT = 4408  # "Connection initialisation timeout"
    SUBSCRIBER_ALREADY_EXISTS = 4409  # "Subscriber for <id> already exists"
    TOO_MANY_INIT_REQUESTS = 4429  # "Too many initialisation requests"
    #: The gateway's own: a subscription fell too far behind (SUBSCRIPTION_SLOW_CONSUMER).
    SLOW_CONSUMER = 4410  # "Slow consumer"
    INTERNAL_ERROR = 4500


# -- Server -> Client (what the gateway sends) -----------------------------------------


class ConnectionAck(TypedDict):
    """Direction: Server -> Client. The answer to ``connection_init``."""

    type: Literal["connection_ack"]


class Next(TypedDict):
    """Direction: Server -> Client. One execution result of operation ``id``."""

    id: str
    type: Literal["next"]
    payload: JSONObject


class Error(TypedDict):
    """Direction: Server -> Client. Errors that ended operation ``id`` (no ``complete``)."""

    id: str
    type: Literal["error"]
    payload: list[JSONObject]


class Complete(TypedDict):
    """Direction: bidirectional. Operation ``id`` is over (or: stop it, from a client)."""

    id: str
    type: Literal["complete"]


def encode(message: ConnectionAck | Next | Error | Complete | JSONObject) -> str:
    return orjson.dumps(message).decode()


# -- Client -> Server (what the gateway receives) --------------------------------------


class InvalidMessage(Exception):
    """A message the protocol does not allow: the socket closes with 4400 and this text."""


@dataclass(frozen=True, slots=True)
class ConnectionInit:
    """Direction: Client -> Server. ``payload`` is an object, or None when absent."""

    payload: JSONObject | None


@dataclass(frozen=True, slots=True)
class Ping:
    """Direction: bidirectional. Must be answered with a ``pong``."""

    payload: JSONObject | None


@dataclass(frozen=True, slots=True)
class Pong:
    """Direction: bidirectional. An answer to ``ping``, or a one-way heartbeat."""


@dataclass(frozen=True, slots=True)
class Subscribe:
    """Direction: Client -> Server. Run the operation in ``payload`` as ``id``."""

    id: str
    #: The raw request parameters; ``decode_subscribe`` checks them like an HTTP body.
    payload: JSONObject


@dataclass(frozen=True, slots=True)
class ClientComplete:
    """Direction: Client -> Server. Stop operation ``id``."""

    id: str


ClientMessage = ConnectionInit | Ping | Pong | Subscribe | ClientComplete


def parse_client_message(value: Any) -> ClientMessage:
    """The client's message, or ``InvalidMessage`` saying what is wrong with it."""
    if not isinstance(value, dict):
        raise InvalidMessage("Message must be a JSON object")
    kind = value.get("type")
    if kind == "connection_init":
        return ConnectionInit(_optional_object(value, "connection_init"))
    if kind == "ping":
        return Ping(_optional_object(value, "ping"))
    if kind == "pong":
        _optional_object(value, "pong")
        return Pong()
    if kind == "subscribe":
        payload = value.get("payload")
        if not isinstance(payload, dict):
            raise InvalidMessage('"subscribe" message expects the "payload" property')
        return Subscribe(_id(value, "subscribe"), payload)
    if kind == "complete":
        return ClientComplete(_id(value, "complete"))
    if isinstance(kind, str):
        raise InvalidMessage(f'Unexpected message of type "{kind}" received')
    raise InvalidMessage('Message is missing the "type" property')


def _id(value: JSONObject, kind: str) -> str:
    op_id = value.get("id")
    if not isinstance(op_id, str) or not op_id:
        raise InvalidMessage(f'"{kind}" message requires a non-empty string "id" property')
    return op_id


def _optional_object(value: JSONObject, kind: str) -> JSONObject | None:
    payload = value.get("payload")
    if payload is not None and not isinstance(payload, dict):
        raise InvalidMessage(f'"{kind}" message expects the "payload" property to be an object')
    return payload
