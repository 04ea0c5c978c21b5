"""The identity provider's public keys (a JWKS), cached, refreshed, never hammered.

    keys = CachedJwks(load_from_url(url, timeout), refresh_seconds=600, min_interval=30)
    key = await keys.key(kid)        # a PublicKey, or None when no key has that kid

Fetches happen (one at a time, concurrent callers share it):

- at the first use;
- when the cached set is older than ``refresh_seconds`` (the rotation schedule);
- when a token names a ``kid`` the cached set lacks (the provider rotated early), but at
  most once per ``min_interval`` seconds: a flood of tokens with made-up key ids costs
  the provider one request per interval, not one per token.

A failed refresh keeps the keys already known (the provider may be briefly down) and is
retried at most once per ``min_interval``; only when no set was ever loaded does a lookup
fail with ``AuthenticationUnavailable``.
Symmetric (``oct``) keys in a JWKS are dropped: a public key set has no business holding
a shared secret, and accepting one would allow HMAC-signed tokens.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jwt
import orjson

from gateway.auth.errors import AuthenticationUnavailable

log = logging.getLogger("gateway.auth")

#: Reads the raw JWKS document.
Loader = Callable[[], Awaitable[bytes]]


def load_from_url(url: str, timeout: float) -> Loader:
    """A loader that GETs ``url`` (2xx only)."""

    async def load() -> bytes:
        async with httpx.AsyncClient(timeout=timeout) as client:
            response = await client.get(url, headers={"accept": "application/json"})
            response.raise_for_status()
            return response.content

    return load


def load_from_file(path: str) -> Loader:
    """A loader that reads the file at ``path``."""

    async def load() -> bytes:
        return await asyncio.to_thread(Path(path).read_bytes)

    return load


@dataclass(frozen=True, slots=True)
class PublicKey:
    """One key of a JWKS; ``alg`` is the algorithm the JWKS pins it to (None: unpinned)."""

    jwk: jwt.PyJWK
    alg: str | None


def parse_jwks(raw: bytes) -> dict[str | None, PublicKey]:
    """The usable public keys of a JWKS document, by ``kid``; raises ``ValueError``."""
    document: Any = orjson.loads(raw)
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError('a JWKS is a JSON object with a "keys" array')
    keys: dict[str | None, PublicKey] = {}
    for entry in document["keys"]:
        if not isinstance(entry, dict) or entry.get("kty") == "oct":
            continue
        if entry.get("use", "sig") != "sig":
            continue
        try:
            key = jwt.PyJWK(entry)
        except jwt.PyJWTError as exc:  # an unsupported or broken key: skip it, keep others
            log.warning("JWKS: skipping key %r: %s", entry.get("kid"), exc)
            continue
        alg = entry.get("alg")
        keys[key.key_id] = PublicKey(key, alg if isinstance(alg, str) else None)
    return keys


class CachedJwks:
    """A JWKS, loaded lazily and refreshed per the module docstring."""

    def __init__(
        self,
        load: Loader,
        *,
        refresh_seconds: float,
        min_interval: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self.refresh_seconds = refresh_seconds
        self.min_interval = min_interval
        self._clock = clock
        self._keys: dict[str | None, PublicKey] | None = None
        self._loaded_at = 0.0
        self._last_attempt: float | None = None
        self._last_kid_refresh: float | None = None
        self._refreshing: asyncio.Task[None] | None = None
        #: How many fetches were attempted (tests and metrics read it).
        self.fetches = 0

    async def key(self, kid: str | None) -> PublicKey | None:
        """The key with ``kid`` (a token without ``kid`` matches a set's only key)."""
        now = self._clock()
        stale = self._keys is None or now - self._loaded_at >= self.refresh_seconds
        # First use or the schedule; after a failed attempt, retry at most once per
        # ``min_interval`` (a provider that is down is not hammered either). A load under
        # way is joined: at start-up the requests behind the first must not be refused
        # because "an attempt was just made" and no keys are there yet.
        due = self._last_attempt is None or now - self._last_attempt >= self.min_interval
        if stale and (due or self._refreshing is not None):
            await self._refresh()
        if self._keys is None:
            raise AuthenticationUnavailable(
                "The identity provider's keys cannot be loaded; try again shortly."
            )
        found = self._find(kid)
        if found is not None:
            return found
        if self._last_kid_refresh is None or now - self._last_kid_refresh >= self.min_interval:
            self._last_kid_refresh = now
            await self._refresh()
        elif self._refreshing is not None:
            # Another request's refresh is on its way: it may bring this kid too.
            await asyncio.shield(self._refreshing)
        return self._find(kid)

    def _find(self, kid: str | None) -> PublicKey | None:
        keys = self._keys or {}
        if kid is None and len(keys) == 1:
            return next(iter(keys.values()))
        return keys.get(kid)

    async def _refresh(self) -> None:
        """Fetch the set; concurrent callers share one fetch."""
        if self._refreshing is None:
            self._refreshing = asyncio.create_task(self._fetch())
        task = self._refreshing
        try:
            # Shielded: one caller giving up must not cancel the fetch the others await.
            await asyncio.shield(task)
        finally:
            if task.done() and self._refreshing is task:
                self._refreshing = None

    async def _fetch(self) -> None:
        self._last_attempt = self._clock()
        self.fetches += 1
        try:
            keys = parse_jwks(await self._load())
        except (OSError, ValueError, httpx.HTTPError) as exc:
            log.warning("JWKS refresh failed (keeping the keys known): %s", exc)
            return
        self._keys = keys
        self._loaded_at = self._clock()
