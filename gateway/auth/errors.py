"""The errors of authentication, as clients see them."""

from __future__ import annotations

from gateway.errors import RequestError


class Unauthenticated(RequestError):
    """No valid credential: a bad, expired or unverifiable token, or none where one is
    required. 401, with ``WWW-Authenticate: Bearer`` (RFC 6750)."""

    code = "UNAUTHENTICATED"
    status = 401

    def __init__(self, message: str) -> None:
        super().__init__(message, headers={"WWW-Authenticate": 'Bearer realm="graphql"'})


class AuthenticationUnavailable(RequestError):
    """The identity provider's keys cannot be fetched: the token cannot be checked now."""

    code = "AUTHENTICATION_UNAVAILABLE"
    status = 503
