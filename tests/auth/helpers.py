"""A test identity provider: real keys, a real JWKS, tokens good and bad.

    issuer = identity_provider()                 # RSA (kid rsa-1) and EC (kid ec-1) keys
    token = issuer.token("usr_0100")       # RS256, valid for 5 minutes
    config = auth_config(jwks_file=path)   # an AuthConfig that trusts ``issuer``

``as_bearer(user)`` gives the header a client sends for ``user``.
"""

from __future__ import annotations

import atexit
import functools
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from gateway.auth.config import AuthConfig

TEST_SECRET = "test-identity-secret-0123456789abcdef0123456789"
ISSUER = "https://idp.test"
AUDIENCE = "learning-gateway-test"


class Issuer:
    def __init__(self) -> None:
        self.rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ec = ec.generate_private_key(ec.SECP256R1())

    def jwks(self) -> dict[str, Any]:
        rsa_jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.rsa.public_key()))
        ec_jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.ec.public_key()))
        return {
            "keys": [
                {**rsa_jwk, "kid": "rsa-1", "alg": "RS256", "use": "sig"},
                {**ec_jwk, "kid": "ec-1", "alg": "ES256", "use": "sig"},
            ]
        }

    def write_jwks(self, path: Path) -> str:
        path.write_text(json.dumps(self.jwks()))
        return str(path)

    def claims(self, user_id: str, **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": user_id,
            "roles": ["LEARNER"],
            "scope": "progress:read",
            "iat": now,
            "exp": now + 300,
        }
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def token(
        self, user_id: str, *, kid: str = "rsa-1", algorithm: str = "RS256", **claims: Any
    ) -> str:
        key = self.rsa if kid == "rsa-1" else self.ec
        return jwt.encode(
            self.claims(user_id, **claims), key, algorithm=algorithm, headers={"kid": kid}
        )


@functools.cache
def identity_provider() -> Issuer:
    return Issuer()


def auth_config(**overrides: Any) -> AuthConfig:
    """An ``AuthConfig`` for ``identity_provider()`` (give ``jwks_file`` or ``jwks_url``)."""
    values: dict[str, Any] = {
        "issuer": ISSUER,
        "audience": AUDIENCE,
        "signing_secret": TEST_SECRET,
        **overrides,
    }
    return AuthConfig.model_validate(values)


def as_bearer(user_id: str, roles: tuple[str, ...] = ("LEARNER",)) -> dict[str, str]:
    """The header a client sends as ``user_id`` (a token from ``identity_provider()``)."""
    token = identity_provider().token(user_id, roles=list(roles))
    return {"authorization": f"Bearer {token}"}


@functools.cache
def shared_jwks_file() -> str:
    """``identity_provider()``'s JWKS in a file that lasts the test session."""
    directory = tempfile.mkdtemp(prefix="jwks-")
    atexit.register(shutil.rmtree, directory, True)
    return identity_provider().write_jwks(Path(directory) / "jwks.json")


def gateway_auth(**overrides: Any) -> dict[str, Any]:
    """The ``auth`` config section (a dict) trusting ``identity_provider()``."""
    section = auth_config(jwks_file=shared_jwks_file(), **overrides).model_dump(mode="json")
    section["signing_secret"] = TEST_SECRET
    return section
