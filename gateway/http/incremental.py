"""Incremental delivery over HTTP: ``multipart/mixed`` parts, as Apollo's clients read them.

A client that sends ``Accept: multipart/mixed;deferSpec=20220824`` (Apollo Client, Apollo
iOS and Kotlin; ``multipart/mixed`` without a ``deferSpec`` is taken to mean the same) may
get an operation with ``@defer``/``@stream`` in parts: the response is
``multipart/mixed;boundary="-";deferSpec=20220824``, each part a JSON object
(``gateway.execution.incremental`` says what they hold), each preceded by the delimiter
``\\r\\n---`` and its own ``content-type``; the body ends with ``\\r\\n-----\\r\\n``.

Any other client gets the whole response at once, as if the directives were absent. So
does an operation with nothing deferred or streamed: a JSON response like any other.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import orjson
from starlette.responses import StreamingResponse

from gateway.request import Outcome
from gateway.types import JSONObject

#: The version of the incremental delivery format the gateway speaks (Apollo's name).
DEFER_SPEC = "20220824"
MEDIA_TYPE = f'multipart/mixed;boundary="-";deferSpec={DEFER_SPEC}'
_HEAD = b"\r\ncontent-type: application/json; charset=utf-8\r\n\r\n"
_DELIMITER = b"\r\n---"


def accepts_incremental(accept: str | None) -> bool:
    """True when ``Accept`` names ``multipart/mixed`` (q > 0) for deferred responses:
    with ``deferSpec=20220824``, or without any spec parameter (a ``subscriptionSpec``
    range is for subscriptions only)."""
    for item in (accept or "").split(","):
        media, *params = (part.strip() for part in item.split(";"))
        if media.lower() != "multipart/mixed":
            continue
        values = {}
        for param in params:
            name, _, value = param.partition("=")
            values[name.strip().lower()] = value.strip().strip('"')
        try:
            if float(values.get("q", "1")) <= 0:
                continue
        except ValueError:
            continue
        spec = values.get("deferspec")
        if spec == DEFER_SPEC or (spec is None and "subscriptionspec" not in values):
            return True
    return False


def multipart_response(outcome: Outcome) -> StreamingResponse:
    """The outcome's first part (its body) and the rest, as they come."""
    assert outcome.rest is not None
    return StreamingResponse(
        _parts(outcome.body, outcome.rest),
        status_code=outcome.status,
        headers={"Vary": "Accept", **outcome.headers},
        media_type=MEDIA_TYPE,
    )


async def _parts(first: JSONObject, rest: AsyncIterator[JSONObject]) -> AsyncIterator[bytes]:
    """Each part goes with the delimiter after it: a client knows a part is whole when
    it sees the next delimiter (Apollo Client's reader does), so the part must not wait
    for the next one to be ready. What follows the delimiter, ``\\r\\n`` and headers
    or ``--`` (the end), goes with the next message."""
    yield _DELIMITER + _HEAD + orjson.dumps(first) + _DELIMITER
    async for part in rest:
        yield _HEAD + orjson.dumps(part) + _DELIMITER
    yield b"--\r\n"
