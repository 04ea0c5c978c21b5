"""The request headers of a websocket connection: handshake headers + ``connection_init``.

Browsers cannot set headers on a websocket handshake, so graphql-transport-ws clients
put what they would have sent as headers in the ``connection_init`` payload (Apollo's
``connectionParams``, graphql-ws's ``connectionParams``). The gateway reads, from lowest
to highest precedence:

1. the HTTP upgrade request's headers;
2. the payload's top-level keys whose values are strings and could be headers
   (``{"x-user-id": "usr_1"}``; other keys are ignored);
3. the payload's ``headers`` object (``{"headers": {"x-user-id": "usr_1"}}``): every
   entry must be a valid header, else the socket closes with 4400.

The payload wins because it is what the application set on purpose for this connection
(the subgraphs give it precedence for the same reason). Names are lower-cased. These are
the connection's request headers for every operation on it; ``engine.forward_headers``
then decides, exactly as over HTTP, which reach the subgraphs. A name or value that could
not be sent as an HTTP header (control characters) is never taken: it would otherwise be
copied into subgraph requests.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from gateway.subscriptions.messages import InvalidMessage
from gateway.types import Headers, JSONObject

#: RFC 9110 field names (tokens) and visible values (tab and obs-text allowed).
_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_VALUE = re.compile(r"^[\t\x20-\x7e\x80-\U0010ffff]*$")


def connection_headers(handshake: Mapping[str, str], payload: JSONObject | None) -> Headers:
    """The connection's request headers (see the module docstring for the precedence)."""
    headers: Headers = {name.lower(): value for name, value in handshake.items()}
    if not payload:
        return headers
    for name, value in payload.items():
        # Top-level keys are connection parameters of any kind: only those that can be
        # headers are taken, the others are not the gateway's business.
        if isinstance(value, str) and name != "headers" and _is_header(name, value):
            headers[name.lower()] = value
    nested = payload.get("headers")
    if nested is None:
        return headers
    if not isinstance(nested, dict):
        raise InvalidMessage('"connection_init" payload.headers must be an object')
    for name, value in nested.items():
        if not isinstance(value, str):
            raise InvalidMessage(f'"connection_init" payload.headers["{name}"] must be a string')
        headers[_checked_name(name)] = _checked_value(name, value)
    return headers


def _is_header(name: str, value: str) -> bool:
    return bool(_NAME.match(name) and _VALUE.match(value))


def _checked_name(name: str) -> str:
    if not _NAME.match(name):
        raise InvalidMessage(f'"connection_init" header name {name!r} is not a valid header name')
    return name.lower()


def _checked_value(name: str, value: str) -> str:
    if not _VALUE.match(value):
        raise InvalidMessage(f'"connection_init" header {name!r} has a control character')
    return value
