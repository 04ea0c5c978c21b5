"""The development identity provider: ``python -m gateway.auth.dev`` serves the JWKS,
``python -m gateway token`` mints a token the gateway then accepts (the path GraphiQL and
``make dev`` use)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
from pydantic import SecretStr

from gateway.auth.config import AuthConfig
from gateway.auth.dev import DevKeys, dev_environment
from gateway.auth.jwks import CachedJwks, load_from_url
from gateway.auth.tokens import TokenVerifier
from tests.servers import bound_socket

ROOT = Path(__file__).resolve().parents[2]


async def test_a_dev_token_verifies_against_the_served_dev_jwks(tmp_path: Path) -> None:
    keys_dir = tmp_path / "dev-auth"
    sock = bound_socket()
    port = sock.getsockname()[1]
    sock.close()
    env = dev_environment(keys_dir, port)
    # Generated once, owner-only, and stable across calls.
    assert env == dev_environment(keys_dir, port)
    for name in ("private-key.pem", "signing-secret"):
        assert stat.S_IMODE(os.stat(keys_dir / name).st_mode) == 0o600
    assert env["IDENTITY_SECRET"] == env["GATEWAY_AUTH__SIGNING_SECRET"]
    assert len(env["IDENTITY_SECRET"]) >= 32

    server = subprocess.Popen(
        [sys.executable, "-m", "gateway.auth.dev", "--port", str(port), "--keys", str(keys_dir)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = env["GATEWAY_AUTH__JWKS_URL"]
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(url).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline and server.poll() is None
            time.sleep(0.05)
        command = ["token", "--user", "usr_0100", "--roles", "ADMIN", "--scopes", "a", "b"]
        minted = subprocess.run(
            [sys.executable, "-m", "gateway", *command, "--keys", str(keys_dir)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        config = AuthConfig(
            jwks_url=url,
            issuer=env["GATEWAY_AUTH__ISSUER"],
            audience=env["GATEWAY_AUTH__AUDIENCE"],
            signing_secret=SecretStr(env["GATEWAY_AUTH__SIGNING_SECRET"]),
        )
        jwks = CachedJwks(load_from_url(url, 5), refresh_seconds=600, min_interval=30)
        identity = await TokenVerifier(config, jwks).verify(minted)
        assert (identity.user_id, identity.roles, identity.scopes) == (
            "usr_0100",
            ("ADMIN",),
            ("a", "b"),
        )
        assert DevKeys.load_or_create(keys_dir).jwks()["keys"][0]["kid"] == "dev-1"
    finally:
        server.terminate()
        server.wait(timeout=10)
