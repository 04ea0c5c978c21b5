"""Content negotiation: which media type to answer in, and whether a request body is JSON.

GraphQL over HTTP defines two response media types. ``application/graphql-response+json``
lets the status code tell request errors (4xx) from executed operations (2xx);
``application/json`` is the legacy one, where every GraphQL request error is a 200. A
client that names both equally gets the former; one that names neither (``*/*``, or no
``Accept`` at all) gets ``application/json``, which every client understands.
"""

from __future__ import annotations

from typing import Final

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
