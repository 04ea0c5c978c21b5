"""Multipart HTTP responses (``multipart/mixed``), as GraphQL's incremental delivery and
Apollo's multipart subscriptions use them.

The framing puts each part's closing delimiter right after its body, so a client that
splits on delimiters (Apollo Client does) reads a part as soon as it arrives, not when the
next one comes:

    start         CRLF --boundary
    part(body)    CRLF Content-Type: application/json; charset=utf-8 CRLF CRLF body
                  CRLF --boundary
    end           -- CRLF                     (so the last delimiter reads --boundary--)

``ApolloSubscriptionFraming`` is Apollo's subscription protocol on top (see
docs/subscriptions.md): each event is ``{"payload": <result>}``; an error that ends the
stream is ``{"payload": null, "errors": [...]}``; a heartbeat is ``{}``.
"""

from __future__ import annotations

from typing import Final

import orjson

from gateway.types import JSONObject

#: The boundary of Apollo's multipart subscriptions (its clients expect this one).
SUBSCRIPTION_BOUNDARY: Final = "graphql"
#: The response's media type for Apollo's multipart subscriptions.
SUBSCRIPTION_MEDIA_TYPE: Final = (
    f'multipart/mixed;boundary="{SUBSCRIPTION_BOUNDARY}";subscriptionSpec="1.0"'
)


def multipart_start(boundary: str) -> bytes:
    """The first delimiter: what a multipart body starts with."""
    return b"\r\n--" + boundary.encode()


def multipart_part(body: bytes, boundary: str) -> bytes:
    """One JSON part after ``multipart_start`` (or a previous part), with its delimiter."""
    return (
        b"\r\nContent-Type: application/json; charset=utf-8\r\n\r\n"
        + body
        + b"\r\n--"
        + boundary.encode()
    )


def multipart_end() -> bytes:
    """Turns the last delimiter into the closing one (``--boundary--``)."""
    return b"--\r\n"


class ApolloSubscriptionFraming:
    """Apollo's multipart subscription protocol (``subscriptionSpec=1.0``)."""

    boundary = SUBSCRIPTION_BOUNDARY
    keepalive = multipart_part(b"{}", SUBSCRIPTION_BOUNDARY)

    def start(self) -> bytes:
        # The first heartbeat goes with the start: intermediaries see bytes at once.
        return multipart_start(self.boundary) + self.keepalive

    def result(self, body: JSONObject) -> bytes:
        return multipart_part(orjson.dumps({"payload": body}), self.boundary)

    def failure(self, errors: list[JSONObject]) -> bytes:
        # A transport-level error: Apollo's clients end the subscription with it.
        return multipart_part(orjson.dumps({"payload": None, "errors": errors}), self.boundary)

    def end(self) -> bytes:
        return multipart_end()
