"""The JWKS over real HTTP: fetched once, refreshed once for an unknown ``kid`` (not once
per request), on schedule, and kept when the provider is down."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import jwt
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gateway.auth.errors import AuthenticationUnavailable, Unauthenticated
from gateway.auth.jwks import CachedJwks, load_from_url
from gateway.auth.tokens import TokenVerifier
from tests.auth.helpers import auth_config, identity_provider
from tests.servers import running_app


class IdentityProvider:
    """A JWKS endpoint that counts its requests; ``keys`` is what it serves now."""

    def __init__(self) -> None:
        full = identity_provider().jwks()["keys"]
        self.keys: list[dict[str, Any]] = full[:1]  # rsa-1 only, until rotated
        self.all_keys = full
        self.requests = 0
        self.down = False
        self.delay = 0.0  # seconds each answer takes

    async def jwks(self, _request: Request) -> Response:
        self.requests += 1
        await asyncio.sleep(self.delay)
        if self.down:
            return Response(status_code=503)
        return JSONResponse({"keys": self.keys})


@contextlib.asynccontextmanager
async def serving(provider: IdentityProvider) -> AsyncIterator[str]:
    app = Starlette(routes=[Route("/.well-known/jwks.json", provider.jwks)])
    async with running_app(app) as base:
        yield f"{base}/.well-known/jwks.json"


def verifier(url: str, min_interval: float = 60, refresh: float = 600) -> TokenVerifier:
    jwks = CachedJwks(load_from_url(url, 5), refresh_seconds=refresh, min_interval=min_interval)
    return TokenVerifier(auth_config(jwks_url=url), jwks, cache_size=0)


async def test_unknown_kids_cost_one_refresh_not_one_per_request() -> None:
    provider = IdentityProvider()
    async with serving(provider) as url:
        check = verifier(url)
        identity = await check.verify(identity_provider().token("usr_0001"))
        assert identity.user_id == "usr_0001" and provider.requests == 1
        # The provider rotates: a token signed with the new key triggers one refresh.
        provider.keys = provider.all_keys
        rotated = identity_provider().token("usr_0002", kid="ec-1", algorithm="ES256")
        results = await asyncio.gather(*(check.verify(rotated) for _ in range(20)))
        assert {r.user_id for r in results} == {"usr_0002"}
        assert provider.requests == 2
        # A flood of made-up kids within the interval: no request to the provider at all.
        claims = identity_provider().claims("usr_0003")
        forged = jwt.encode(claims, identity_provider().rsa, "RS256", {"kid": "made-up"})
        for outcome in await asyncio.gather(
            *(check.verify(forged) for _ in range(50)), return_exceptions=True
        ):
            assert isinstance(outcome, Unauthenticated)
        assert provider.requests == 2


async def test_the_jwks_is_refetched_on_schedule_and_kept_when_the_provider_fails() -> None:
    provider = IdentityProvider()
    async with serving(provider) as url:
        check = verifier(url, min_interval=0, refresh=0.2)
        token = identity_provider().token("usr_0001")
        await check.verify(token)
        await asyncio.sleep(0.3)
        provider.down = True
        # Stale: refetched (and failing), the known keys still verify.
        assert (await check.verify(token)).user_id == "usr_0001"
        assert provider.requests == 2


async def test_no_keys_ever_loaded_is_authentication_unavailable() -> None:
    provider = IdentityProvider()
    provider.down = True
    async with serving(provider) as url:
        check = verifier(url, min_interval=60)
        for _ in range(3):
            with pytest.raises(AuthenticationUnavailable):
                await check.verify(identity_provider().token("usr_0001"))
        assert provider.requests == 1  # the failures are rate-limited too


async def test_requests_arriving_during_the_first_load_wait_for_it() -> None:
    # The soak's one HTTP 503: at start-up, a second request came in while the first was
    # still loading the keys, saw "attempted just now, no keys" and was refused with
    # AUTHENTICATION_UNAVAILABLE. Requests during a load must share it instead.
    provider = IdentityProvider()
    async with serving(provider) as url:
        provider.delay = 0.3
        check = verifier(url)
        tokens = [identity_provider().token(f"usr_{n:04d}") for n in range(1, 21)]
        first = asyncio.create_task(check.verify(tokens[0]))
        while provider.requests == 0:  # the first load is under way
            await asyncio.sleep(0.01)
        later = await asyncio.gather(*(check.verify(token) for token in tokens[1:]))
        results = [await first, *later]
        assert [r.user_id for r in results] == [f"usr_{n:04d}" for n in range(1, 21)]
        assert provider.requests == 1
