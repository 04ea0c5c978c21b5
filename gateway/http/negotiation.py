"""Content negotiation: which media type to answer in, and whether a request body is JSON.

GraphQL over HTTP defines two response media types. ``application/graphql-response+json``
lets the status code tell request errors (4xx) from executed operations (2xx);
``application/json`` is the legacy one, where every GraphQL request error is a 200. A
client that names both equally gets the former; one that names neither (``*/*``, or no
``Accept`` at all) gets ``application/json``, which every client understands.
"""

from __future__ import annotations

from typing import Final, Literal

GRAPHQL_RESPONSE_JSON: Final = "application/graphql-response+json"
APPLICATION_JSON: Final = "application/json"
TEXT_HTML: Final = "text/html"

# Candidates in the order that wins a full tie (same q, both matched only by wildcards).
_RESPONSE_TYPES: Final = (APPLICATION_JSON, GRAPHQL_RESPONSE_JSON)


def parse_accept(header: str) -> list[tuple[str, float]]:
    """The media ranges of an ``Accept`` header with their q-values, lower-cased.

    A range whose q-value is not a number is dropped, as if the client had not sent it.
    """
    ranges: list[tuple[str, float]] = []
    for item in header.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        if not media:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = -1.0
        if q >= 0.0:
            ranges.append((media.lower(), q))
    return ranges


def _match(media_type: str, ranges: list[tuple[str, float]]) -> tuple[float, int]:
    """(q, specificity) of the most specific range matching ``media_type``; (0, -1) if none."""
    main = media_type.split("/")[0]
    best = (0.0, -1)
    for media_range, q in ranges:
        if media_range == media_type:
            specificity = 2
        elif media_range == f"{main}/*":
            specificity = 1
        elif media_range == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best[1]:
            best = (q, specificity)
    return best


def choose_response_type(accept: str | None) -> str | None:
    """The media type to answer a GraphQL request in; None when the client accepts neither."""
    if accept is None or not accept.strip():
        return APPLICATION_JSON
    ranges = parse_accept(accept)
    scored = []
    for candidate in _RESPONSE_TYPES:
        q, specificity = _match(candidate, ranges)
        if q > 0:
            explicit_new_type = candidate == GRAPHQL_RESPONSE_JSON and specificity == 2
            scored.append(((q, specificity, explicit_new_type), candidate))
    if not scored:
        return None
    return max(scored, key=lambda item: item[0])[1]


def prefers_html(accept: str | None) -> bool:
    """True when the client (a browser) asks for HTML at least as much as for JSON."""
    if not accept:
        return False
    ranges = parse_accept(accept)
    html_q, html_specificity = _match(TEXT_HTML, ranges)
    if html_specificity < 2 or html_q == 0:
        return False
    return all(
        _match(candidate, ranges)[0] <= html_q
        for candidate in _RESPONSE_TYPES
        if _match(candidate, ranges)[1] == 2
    )


def request_body_is_json(content_type: str | None) -> tuple[bool, str]:
    """Whether a POST body's ``Content-Type`` is JSON in UTF-8; else the reason it is not."""
    if content_type is None or not content_type.strip():
        return False, "the Content-Type header is missing; send application/json"
    media, *params = (part.strip() for part in content_type.split(";"))
    if media.lower() != APPLICATION_JSON:
        return False, f"Content-Type {media!r} is not supported; send application/json"
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in (
            "utf-8",
            "utf8",
        ):
            return False, f"charset {value.strip()!r} is not supported; send UTF-8"
    return True, ""


# -- Streamed subscriptions: GraphQL over SSE, Apollo's multipart HTTP ------------------
# Kept apart from the JSON negotiation above: a stream transport is chosen only when the
# client names it explicitly (a wildcard never opens a stream), and is only used for an
# operation that streams (docs/http.md, "Accept negotiation").

TEXT_EVENT_STREAM: Final = "text/event-stream"
MULTIPART_MIXED: Final = "multipart/mixed"
#: The ``subscriptionSpec`` parameter value of Apollo's multipart subscriptions.
SUBSCRIPTION_SPEC: Final = "1.0"

StreamTransport = Literal["sse", "multipart"]


def _media_params(item: str) -> tuple[str, dict[str, str]]:
    """One media range of an ``Accept`` header: its type and parameters (names lower-cased,
    values unquoted)."""
    media, *params = (part.strip() for part in item.split(";"))
    values: dict[str, str] = {}
    for param in params:
        name, _, value = param.partition("=")
        values[name.strip().lower()] = value.strip().strip('"').strip("'")
    return media.lower(), values


def _q(params: dict[str, str]) -> float:
    try:
        return min(max(float(params.get("q", "1")), 0.0), 1.0)
    except ValueError:
        return 0.0


def choose_stream_transport(accept: str | None) -> StreamTransport | None:
    """The stream transport the client asks for by name, or None.

    ``multipart`` for ``multipart/mixed`` with ``subscriptionSpec=1.0`` (quoted or not:
    Apollo Client sends it bare, Apollo iOS quoted); ``sse`` for ``text/event-stream``.
    With both, the higher q wins (multipart on a tie: only Apollo's clients send it).
    """
    if not accept:
        return None
    best: tuple[float, StreamTransport] | None = None
    for item in accept.split(","):
        media, params = _media_params(item)
        q = _q(params)
        transport: StreamTransport | None = None
        if media == TEXT_EVENT_STREAM:
            transport = "sse"
        elif media == MULTIPART_MIXED and params.get("subscriptionspec") == SUBSCRIPTION_SPEC:
            transport = "multipart"
        if transport is None or q <= 0:
            continue
        if best is None or q > best[0] or (q == best[0] and transport == "multipart"):
            best = (q, transport)
    return best[1] if best is not None else None
