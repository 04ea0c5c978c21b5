"""The authentication step: who is calling, for every request and websocket connection.

- ``connection_opened`` (websocket) and ``request_received`` (HTTP): remove every identity
  header the client sent (in every mode, whatever ``engine.forward_headers`` says), then
  read the bearer token — ``Authorization: Bearer <jwt>``; on a websocket also a
  ``connection_init`` payload's ``authorization``/``authToken``/``token`` — and set
  ``context.identity``: the verified caller, or anonymous when there is no token. A token
  that does not verify is refused (UNAUTHENTICATED, 401); it never falls back to
  anonymous. A websocket operation inherits its connection's identity.
- ``subgraph_headers``: add the signed identity headers (``gateway.auth.signing``).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from gateway.auth.config import AuthConfig
from gateway.auth.errors import Unauthenticated
from gateway.auth.jwks import CachedJwks, load_from_file, load_from_url
from gateway.auth.signing import IDENTITY_HEADERS, identity_headers
from gateway.auth.tokens import TokenVerifier
from gateway.request import ANONYMOUS, Identity, RequestContext
from gateway.steps import Step

#: ``connection_init`` payload keys (lower-cased, as headers) that may carry the token.
_PAYLOAD_TOKEN_KEYS = ("authtoken", "token")


class AuthenticationStep(Step):
    """Authenticates requests per ``auth`` (see the module docstring)."""

    def __init__(
        self,
        config: AuthConfig,
        verifier: TokenVerifier | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.verifier = verifier if verifier is not None else _verifier(config)
        self._secret = (
            config.signing_secret.get_secret_value().encode() if config.signing_secret else None
        )
        self._clock = clock

    async def connection_opened(self, context: RequestContext) -> None:
        context.identity = await self._authenticate(context, websocket=True)

    async def request_received(self, context: RequestContext) -> None:
        if context.identity is not None:  # a websocket operation: its connection's identity
            _strip_identity(context)
            return
        context.identity = await self._authenticate(context, websocket=False)

    def subgraph_headers(self, context: RequestContext, headers: dict[str, str]) -> None:
        for name in IDENTITY_HEADERS:
            headers.pop(name, None)
        identity = context.identity
        if identity is None or identity.user_id is None or self._secret is None:
            return
        headers.update(identity_headers(identity, self._secret, self._clock()))

    async def _authenticate(self, context: RequestContext, *, websocket: bool) -> Identity:
        _strip_identity(context)
        token = _bearer_token(context, websocket=websocket)
        if token is None:
            if self.config.require_authentication:
                raise Unauthenticated("This gateway needs a bearer token (Authorization).")
            return ANONYMOUS
        if self.verifier is None:
            raise Unauthenticated("This gateway accepts no tokens (auth is not configured).")
        identity = await self.verifier.verify(token)
        if identity.expires_at is not None and identity.expires_at <= self._clock():
            raise Unauthenticated("The token has expired.")
        return identity


def _strip_identity(context: RequestContext) -> None:
    for name in IDENTITY_HEADERS:
        context.headers.pop(name, None)


def _bearer_token(context: RequestContext, *, websocket: bool) -> str | None:
    value = context.headers.get("authorization")
    if value is None and websocket:
        value = next(
            (context.headers[k] for k in _PAYLOAD_TOKEN_KEYS if k in context.headers), None
        )
        if value is not None and not value.lower().startswith("bearer "):
            value = f"Bearer {value}"
    if value is None:
        return None
    scheme, _, token = value.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("The Authorization header must be 'Bearer <token>'.")
    return token.strip()


def _verifier(config: AuthConfig) -> TokenVerifier | None:
    if config.jwks_url is not None:
        load = load_from_url(config.jwks_url, config.jwks_timeout_seconds)
    elif config.jwks_file is not None:
        load = load_from_file(config.jwks_file)
    else:
        return None
    jwks = CachedJwks(
        load,
        refresh_seconds=config.jwks_refresh_seconds,
        min_interval=config.jwks_min_refresh_interval_seconds,
    )
    return TokenVerifier(config, jwks)
