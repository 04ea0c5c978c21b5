"""The cost of authentication per request: ``python -m bench.auth_cost [--n 2000]``.

Measures, in-process (no network), the CPU time of:

- verifying a token the gateway has not seen (RS256 and ES256 signature checks + claims),
- verifying a token seen before (the verified-token cache: the common case, a client
  sends the same token with every request until it expires),
- signing the forwarded identity headers (HMAC-SHA256), once per request,
- verifying them in a subgraph (HMAC-SHA256).

Prints microseconds per operation; compare with the gateway's ~1,200 µs of CPU per
benchmark request (README, "Performance").
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

from gateway.auth.config import AuthConfig
from gateway.auth.jwks import CachedJwks, load_from_file
from gateway.auth.signing import identity_headers
from gateway.auth.tokens import TokenVerifier
from subgraphs._shared.identity import IdentityVerifier
from tests.auth.kit import AUDIENCE, ISSUER, TEST_SECRET, identity_provider


def report(label: str, started: float, n: int) -> None:
    """Print CPU microseconds per operation since ``started`` (``time.process_time``)."""
    print(f"{label:<46} {(time.process_time() - started) / n * 1e6:8.1f} µs")


async def main(n: int) -> None:
    provider = identity_provider()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "jwks.json"
        path.write_text(json.dumps(provider.jwks()))
        config = AuthConfig(
            jwks_file=str(path), issuer=ISSUER, audience=AUDIENCE, signing_secret=TEST_SECRET
        )

        def verifier(cache_size: int) -> TokenVerifier:
            jwks = CachedJwks(load_from_file(str(path)), refresh_seconds=600, min_interval=30)
            return TokenVerifier(config, jwks, cache_size=cache_size)

        for kid, alg in (("rsa-1", "RS256"), ("ec-1", "ES256")):
            tokens = [provider.token(f"usr_{i:04d}", kid=kid, algorithm=alg) for i in range(n)]
            uncached = verifier(0)
            await uncached.verify(tokens[0])  # load the JWKS first
            start = time.process_time()
            for token in tokens:
                await uncached.verify(token)
            report(f"{alg} token, first time (signature + claims)", start, n)
        cached = verifier(10_000)
        token = provider.token("usr_0001")
        identity = await cached.verify(token)
        start = time.process_time()
        for _ in range(n * 10):
            await cached.verify(token)
        report("token seen before (cache hit)", start, n * 10)
        secret = TEST_SECRET.encode()
        start = time.process_time()
        for _ in range(n * 10):
            headers = identity_headers(identity, secret, time.time())
        report("sign the forwarded identity (HMAC)", start, n * 10)
        subgraph = IdentityVerifier(secret)
        start = time.process_time()
        for _ in range(n * 10):
            subgraph.identity(headers)
        report("verify it in a subgraph (HMAC)", start, n * 10)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.auth_cost")
    parser.add_argument("--n", type=int, default=2000)
    asyncio.run(main(parser.parse_args().n))
