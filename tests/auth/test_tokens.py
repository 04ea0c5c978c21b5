"""Bearer tokens at the gateway (real subgraphs, real HTTP): the good one is the caller,
every kind of bad one is UNAUTHENTICATED (401), and no request falls back to anonymous."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from tests.auth.helpers import identity_provider
from tests.subscriptions.helpers import Platform, fresh_learner

ME = "{ me { id } }"
RESPONSE_JSON = "application/graphql-response+json"


async def ask(platform: Platform, query: str, token: str | None = None) -> tuple[int, Any]:
    headers = {"accept": RESPONSE_JSON}
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    response = await platform.http.post(platform.url, json={"query": query}, headers=headers)
    return response.status_code, response.json()


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _tampered() -> str:
    header, _payload, signature = identity_provider().token("usr_0100").split(".")
    forged = identity_provider().claims("usr_0001", roles=["ADMIN"])
    return f"{header}.{_b64(forged)}.{signature}"


def _alg_none() -> str:
    claims = identity_provider().claims("usr_0100")
    return f"{_b64({'alg': 'none', 'typ': 'JWT', 'kid': 'rsa-1'})}.{_b64(claims)}."


def _hmac_with_public_key() -> str:
    # The classic confusion: sign HS256 with the RSA public key's PEM as the secret.
    public_key = identity_provider().rsa.public_key()
    public_pem = public_key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    header = {"alg": "HS256", "typ": "JWT", "kid": "rsa-1"}
    signing_input = f"{_b64(header)}.{_b64(identity_provider().claims('usr_0100'))}"
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"


BAD_TOKENS = {
    "expired": lambda: identity_provider().token("usr_0100", exp=int(time.time()) - 120),
    "not yet valid": lambda: identity_provider().token("usr_0100", nbf=int(time.time()) + 600),
    "tampered": _tampered,
    "wrong issuer": lambda: identity_provider().token("usr_0100", iss="https://evil.test"),
    "wrong audience": lambda: identity_provider().token("usr_0100", aud="another-api"),
    "alg none": _alg_none,
    "HMAC with the public key": _hmac_with_public_key,
    "no exp": lambda: identity_provider().token("usr_0100", exp=None),
    "unknown kid": lambda: jwt.encode(
        identity_provider().claims("usr_0100"),
        identity_provider().rsa,
        algorithm="RS256",
        headers={"kid": "nobody"},
    ),
    "not a JWT": lambda: "not-a-jwt",
}


@pytest.mark.parametrize("kind", list(BAD_TOKENS))
async def test_bad_tokens_are_unauthenticated(platform: Platform, kind: str) -> None:
    status, body = await ask(platform, ME, BAD_TOKENS[kind]())
    assert status == 401, body
    assert "data" not in body
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]


async def test_a_bad_token_is_refused_even_where_anonymous_would_do(platform: Platform) -> None:
    status, body = await ask(platform, "{ __typename }", BAD_TOKENS["expired"]())
    assert status == 401 and body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_good_token_is_the_caller(platform: Platform) -> None:
    user = fresh_learner(platform.subgraphs)
    for kid, algorithm in (("rsa-1", "RS256"), ("ec-1", "ES256")):
        token = identity_provider().token(user, kid=kid, algorithm=algorithm)
        assert await ask(platform, ME, token) == (200, {"data": {"me": {"id": user}}})


async def test_anonymous_reads_the_catalogue_but_not_me(platform: Platform) -> None:
    status, body = await ask(platform, "{ courses(first: 2) { nodes { id } } }")
    assert status == 200 and len(body["data"]["courses"]["nodes"]) == 2
    status, body = await ask(platform, ME)
    assert body["data"] == {"me": None}
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_the_authorization_header_must_be_bearer(platform: Platform) -> None:
    response = await platform.http.post(
        platform.url, json={"query": ME}, headers={"authorization": "Basic dXNlcjpwYXNz"}
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
