"""The multipart framing (no server needed): what Apollo's clients split on."""

from __future__ import annotations

import orjson

from gateway.http.multipart import (
    ApolloSubscriptionFraming,
    multipart_end,
    multipart_part,
    multipart_start,
)


def test_each_part_carries_its_closing_delimiter() -> None:
    body = multipart_start("-") + multipart_part(b'{"a":1}', "-") + multipart_end()
    assert body == (
        b'\r\n---\r\nContent-Type: application/json; charset=utf-8\r\n\r\n{"a":1}\r\n-----\r\n'
    )


def test_apollo_subscription_parts() -> None:
    framing = ApolloSubscriptionFraming()
    body = (
        framing.start()
        + framing.result({"data": {"x": 1}})
        + framing.failure([{"message": "gone", "extensions": {"code": "SUBGRAPH_FETCH_FAILED"}}])
        + framing.end()
    )
    # Split as Apollo Client does: on CRLF--graphql; each part is headers, a blank line, JSON.
    *parts, last = body.split(b"\r\n--graphql")
    assert parts[0] == b"" and last == b"--\r\n"
    payloads = []
    for part in parts[1:]:
        headers, _, json = part.partition(b"\r\n\r\n")
        assert headers == b"\r\nContent-Type: application/json; charset=utf-8"
        payloads.append(orjson.loads(json))
    assert payloads == [
        {},  # the first heartbeat
        {"payload": {"data": {"x": 1}}},
        {
            "payload": None,
            "errors": [{"message": "gone", "extensions": {"code": "SUBGRAPH_FETCH_FAILED"}}],
        },
    ]
