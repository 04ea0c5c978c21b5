"""CSRF prevention, as Apollo Server and Hive Router do it, on in every mode.

A browser sends a cross-site request without asking the server first (no CORS
preflight) only when it is "simple": a GET, or a POST whose ``Content-Type`` is
``text/plain``, ``application/x-www-form-urlencoded`` or ``multipart/form-data``, with no
custom header. Such a request runs here only if it proves it is not simple:

- a ``Content-Type`` other than those three (``application/json`` on a POST, say), or
- a non-empty preflight header: ``apollo-require-preflight`` or
  ``x-apollo-operation-name`` (Apollo's web, iOS and Kotlin clients send them),
  ``graphql-require-preflight``, or graphql-sse's ``x-graphql-event-stream-token``.

Otherwise: ``CSRF_PREVENTED``, 400, before the request is read. A site cannot make a
victim's browser send either without a preflight, which CORS (``server.cors``) answers.
"""

from __future__ import annotations

from collections.abc import Mapping

from gateway.errors import RequestError

SIMPLE_CONTENT_TYPES = frozenset(
    ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data")
)
PREFLIGHT_HEADERS = (
    "apollo-require-preflight",
    "x-apollo-operation-name",
    "graphql-require-preflight",
    # GraphQL over SSE's stream token (gateway.http.sse_single): a custom header.
    "x-graphql-event-stream-token",
)


class CsrfPrevented(RequestError):
    code = "CSRF_PREVENTED"


def check_csrf(headers: Mapping[str, str]) -> None:
    """Raise ``CsrfPrevented`` unless the request could not have been a simple one."""
    content_type = headers.get("content-type")
    if content_type is not None:
        essence = content_type.split(";", 1)[0].strip().lower()
        if essence and essence not in SIMPLE_CONTENT_TYPES:
            return
    if any(headers.get(name, "").strip() for name in PREFLIGHT_HEADERS):
        return
    raise CsrfPrevented(
        "This request has been blocked as a potential Cross-Site Request Forgery: send a "
        "non-simple Content-Type (application/json) or an 'apollo-require-preflight' header."
    )
