"""Verify a bearer JWT and map its claims to the caller's ``Identity``.

PyJWT (with ``cryptography``) does the cryptography and the registered-claim checks;
this module decides what is acceptable before PyJWT sees the token:

- the header's ``alg`` must be in ``auth.algorithms`` (asymmetric only: ``none`` and the
  HMAC family never reach PyJWT), and equal to the key's own ``alg`` when the JWKS
  states one, so a key is only ever used with the algorithm it was published for;
- the key comes from the JWKS by ``kid`` (an unknown ``kid`` may refresh the JWKS once,
  see ``gateway.auth.jwks``);
- ``exp``, ``iss`` and ``aud`` are required; ``nbf`` and ``iat`` are checked when present,
  all with ``auth.leeway_seconds`` of tolerance.

Verified tokens are remembered (by their exact text) until they expire, so a client that
sends the same token with every request pays for the signature check once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import jwt
from cachetools import LRUCache

from gateway.auth.config import AuthConfig, ClaimsConfig
from gateway.auth.errors import Unauthenticated
from gateway.auth.jwks import CachedJwks
from gateway.request import Identity

#: Longest token accepted, in characters (a JWT with a few claims is well under 2 KB).
MAX_TOKEN_LENGTH = 8192
#: How many verified tokens to remember.
CACHE_SIZE = 10_000


class TokenVerifier:
    """Checks tokens against ``config`` with keys from ``jwks``."""

    def __init__(
        self,
        config: AuthConfig,
        jwks: CachedJwks,
        *,
        clock: Callable[[], float] = time.time,
        cache_size: int = CACHE_SIZE,
    ) -> None:
        self.config = config
        self.jwks = jwks
        self._clock = clock
        self._cache: LRUCache[str, Identity] = LRUCache(maxsize=max(cache_size, 1))
        self._use_cache = cache_size > 0

    async def verify(self, token: str) -> Identity:
        """The identity ``token`` proves; ``Unauthenticated`` saying why otherwise."""
        if self._use_cache:
            cached = self._cache.get(token)
            if cached is not None:
                if self._clock() < (cached.expires_at or 0.0):
                    return cached
                del self._cache[token]
        identity = await self._verify(token)
        if self._use_cache:
            self._cache[token] = identity
        return identity

    async def _verify(self, token: str) -> Identity:
        if len(token) > MAX_TOKEN_LENGTH:
            raise Unauthenticated(f"The token is longer than {MAX_TOKEN_LENGTH} characters.")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Unauthenticated("The token is not a well-formed JWT.") from None
        alg = header.get("alg")
        if not isinstance(alg, str) or alg not in self.config.algorithms:
            raise Unauthenticated(f"The token's algorithm {alg!r} is not accepted.")
        kid = header.get("kid")
        if kid is not None and not isinstance(kid, str):
            raise Unauthenticated("The token's kid must be a string.")
        key = await self.jwks.key(kid)
        if key is None:
            raise Unauthenticated(f"No key of the identity provider has kid {kid!r}.")
        if key.alg is not None and key.alg != alg:
            raise Unauthenticated(f"The token's key is for {key.alg}, not {alg}.")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.jwk.key,
                algorithms=[alg],
                audience=self.config.audience,
                issuer=self.config.issuer,
                leeway=self.config.leeway_seconds,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("The token has expired.") from None
        except jwt.ImmatureSignatureError:
            raise Unauthenticated("The token is not valid yet (nbf/iat).") from None
        except jwt.InvalidAudienceError:
            raise Unauthenticated("The token is not for this audience.") from None
        except jwt.InvalidIssuerError:
            raise Unauthenticated("The token is not from the accepted issuer.") from None
        except jwt.InvalidSignatureError:
            raise Unauthenticated("The token's signature is not valid.") from None
        except jwt.PyJWTError as exc:
            raise Unauthenticated(f"The token is not valid: {exc}.") from None
        return identity_from_claims(claims, self.config.claims, self.config.leeway_seconds)


def identity_from_claims(
    claims: dict[str, Any], mapping: ClaimsConfig, leeway: float = 0.0
) -> Identity:
    """The identity the subgraphs receive, per ``auth.claims``; it is accepted until the
    token's ``exp`` plus ``leeway`` (the same tolerance PyJWT applied)."""
    user_id = _claim(claims, mapping.user_id)
    if not isinstance(user_id, str | int) or isinstance(user_id, bool) or str(user_id) == "":
        raise Unauthenticated(f"The token has no usable {mapping.user_id!r} claim.")
    exp = claims.get("exp")
    return Identity(
        user_id=str(user_id),
        roles=_names(_claim(claims, mapping.roles), separators=", "),
        scopes=_names(_claim(claims, mapping.scopes), separators=" "),
        expires_at=float(exp) + leeway if isinstance(exp, int | float) else None,
        claims=claims,
    )


def _claim(claims: dict[str, Any], path: str) -> Any:
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _names(value: Any, *, separators: str) -> tuple[str, ...]:
    """A list claim, or a string split on ``separators``; anything else is no names."""
    if isinstance(value, str):
        for separator in separators[1:]:
            value = value.replace(separator, separators[0])
        items: list[Any] = value.split(separators[0])
    elif isinstance(value, list):
        items = value
    else:
        return ()
    return tuple(dict.fromkeys(i.strip() for i in items if isinstance(i, str) and i.strip()))
