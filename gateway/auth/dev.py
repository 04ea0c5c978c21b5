"""Development keys: a local identity provider for ``make dev`` and the tests.

``DevKeys.load_or_create(directory)`` keeps, in ``directory`` (``data/dev-auth`` by
default; ``data/`` is not committed), an ES256 private key and the secret the gateway
signs forwarded identity with — generated on first use, never committed. From them:

- ``jwks()``: the public JWKS, served by ``python -m gateway.auth.dev --port 4005`` at
  ``/.well-known/jwks.json`` (what ``make dev`` runs);
- ``mint(user_id, roles, scopes)``: a token exactly like a real provider's, which
  ``python -m gateway token --user usr_0100`` prints;
- ``environment(jwks_url)``: the variables that point the gateway (``GATEWAY_AUTH__*``)
  and the subgraphs (``IDENTITY_SECRET``) at these keys.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

DEFAULT_DIRECTORY = Path("data") / "dev-auth"
ISSUER = "learning-gateway-dev"
AUDIENCE = "learning-gateway"
KID = "dev-1"
DEFAULT_PORT = 4005
#: The environment variable that moves the dev JWKS server off ``DEFAULT_PORT``.
PORT_ENV = "JWKS_PORT"


@dataclass(frozen=True)
class DevKeys:
    private_key: ec.EllipticCurvePrivateKey
    signing_secret: str

    @classmethod
    def load_or_create(cls, directory: str | os.PathLike[str] = DEFAULT_DIRECTORY) -> DevKeys:
        """The keys in ``directory``, generated (owner-only files) when missing."""
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        key_file, secret_file = folder / "private-key.pem", folder / "signing-secret"
        if not key_file.exists():
            key = ec.generate_private_key(ec.SECP256R1())
            pem = key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            _write_private(key_file, pem)
        if not secret_file.exists():
            _write_private(secret_file, secrets.token_urlsafe(48).encode())
        loaded = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
        if not isinstance(loaded, ec.EllipticCurvePrivateKey):
            raise ValueError(f"{key_file}: not an EC private key")
        return cls(loaded, secret_file.read_text().strip())

    def jwks(self) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.private_key.public_key()))
        return {"keys": [{**public, "kid": KID, "alg": "ES256", "use": "sig"}]}

    def mint(
        self,
        user_id: str,
        roles: tuple[str, ...] = ("LEARNER",),
        scopes: tuple[str, ...] = (),
        lifetime_seconds: int = 3600,
    ) -> str:
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": user_id,
            "roles": list(roles),
            "scope": " ".join(scopes),
            "iat": now,
            "nbf": now,
            "exp": now + lifetime_seconds,
        }
        return jwt.encode(claims, self.private_key, algorithm="ES256", headers={"kid": KID})

    def environment(self, jwks_url: str) -> dict[str, str]:
        return {
            "GATEWAY_AUTH__JWKS_URL": jwks_url,
            "GATEWAY_AUTH__ISSUER": ISSUER,
            "GATEWAY_AUTH__AUDIENCE": AUDIENCE,
            "GATEWAY_AUTH__SIGNING_SECRET": self.signing_secret,
            "IDENTITY_SECRET": self.signing_secret,
        }


def dev_port() -> int:
    return int(os.environ.get(PORT_ENV) or DEFAULT_PORT)


def dev_environment(
    directory: str | os.PathLike[str] = DEFAULT_DIRECTORY, port: int | None = None
) -> dict[str, str]:
    """``make dev``'s auth variables (keys created if missing), the JWKS on ``port``
    (default: ``$JWKS_PORT``, else 4005)."""
    port = dev_port() if port is None else port
    return DevKeys.load_or_create(directory).environment(
        f"http://127.0.0.1:{port}/.well-known/jwks.json"
    )


def serve_argv() -> list[str]:
    """The command that serves the dev JWKS (``make dev`` runs it as a child)."""
    return [sys.executable, "-m", "gateway.auth.dev"]


def _write_private(path: Path, content: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(content)


def main(argv: list[str] | None = None) -> int:
    """Serve the dev JWKS (``python -m gateway.auth.dev [--port N] [--keys DIR]``)."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    parser = argparse.ArgumentParser(prog="python -m gateway.auth.dev")
    parser.add_argument("--port", type=int, default=dev_port())
    parser.add_argument("--keys", default=str(DEFAULT_DIRECTORY))
    args = parser.parse_args(argv)
    keys = DevKeys.load_or_create(args.keys)

    async def jwks(_request: Request) -> JSONResponse:
        return JSONResponse(keys.jwks())

    app = Starlette(routes=[Route("/.well-known/jwks.json", jwks)])
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
