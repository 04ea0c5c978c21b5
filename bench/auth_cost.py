"""The cost of authentication per request: ``python -m bench.auth_cost [--n 2000]``.

Measures, in-process (no network), the CPU time of:

- verifying a token the gateway has not seen (RS256 and ES256 signature checks + claims),
- verifying a token seen before (the verified-token cache: the common case, a client
  sends the same token with every request until it expires),
- signing the forwarded identity headers (HMAC-SHA256), once per request,
- verifying them in a subgraph (HMAC-SHA256).

Prints microseconds per operation; compare with the gateway's ~1,200 µs of CPU per
benchmark request (README, "Performance").

``--e2e`` also runs the benchmark query through the whole gateway (in this process, the
bench subgraphs in another), anonymous and then with a token, and prints the gateway's
CPU per request for each.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import yaml
from pydantic import SecretStr

from gateway.auth.config import AuthConfig
from gateway.auth.jwks import CachedJwks, load_from_file
from gateway.auth.signing import identity_headers
from gateway.auth.tokens import TokenVerifier
from subgraphs._shared.identity import IdentityVerifier
from tests.auth.helpers import AUDIENCE, ISSUER, TEST_SECRET, identity_provider


def report(label: str, started: float, n: int) -> None:
    """Print CPU microseconds per operation since ``started`` (``time.process_time``)."""
    print(f"{label:<46} {(time.process_time() - started) / n * 1e6:8.1f} µs")


async def main(n: int) -> None:
    provider = identity_provider()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "jwks.json"
        path.write_text(json.dumps(provider.jwks()))
        config = AuthConfig(
            jwks_file=str(path),
            issuer=ISSUER,
            audience=AUDIENCE,
            signing_secret=SecretStr(TEST_SECRET),
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


async def end_to_end(n: int, jwks_file: str) -> None:
    from gateway.config import GatewayConfig
    from gateway.pipeline import Gateway
    from gateway.request import GraphQLParams, RequestContext
    from tests.servers import bound_socket

    root = Path(__file__).resolve().parent
    sock = bound_socket()
    port = sock.getsockname()[1]
    sock.close()
    subgraphs = subprocess.Popen(
        [sys.executable, "-m", "bench.subgraphs", "--port", str(port)],
        cwd=root.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        values = yaml.safe_load((root / "gateway.yaml").read_text())
        for name, sub in values["subgraphs"].items():
            sub["url"] = f"http://127.0.0.1:{port}/{name}"
        values["supergraph"]["path"] = str(root / "data" / "supergraph.graphql")
        values["engine"]["dedupe_inbound_requests"] = False  # every request does the work
        values["auth"] = {
            "jwks_file": jwks_file,
            "issuer": ISSUER,
            "audience": AUDIENCE,
            "signing_secret": TEST_SECRET,
        }
        for _ in range(200):
            try:
                httpx.get(f"http://127.0.0.1:{port}/")
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        gateway = await Gateway.create(GatewayConfig.model_validate(values))
        params = GraphQLParams(query=(root / "data" / "query.graphql").read_text())
        bearer = {"authorization": f"Bearer {identity_provider().token('usr_0001')}"}
        try:
            runs = [("anonymous", {}), ("with a bearer token", bearer)]
            for _ in range(50):  # warm up: plan cache, connections, token cache
                for _label, headers in runs:
                    await gateway.execute(params, RequestContext(headers=dict(headers)))
            for label, headers in runs * 3:  # alternating rounds: the machine drifts
                start = time.process_time()
                for _ in range(n):
                    outcome = await gateway.execute(params, RequestContext(headers=dict(headers)))
                    assert "errors" not in outcome.body, outcome.body
                report(f"whole request through the gateway, {label}", start, n)
        finally:
            await gateway.close()
    finally:
        subgraphs.terminate()
        subgraphs.wait(timeout=10)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.auth_cost")
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--e2e", action="store_true", help="also through the whole gateway")
    args = parser.parse_args()
    asyncio.run(main(args.n))
    if args.e2e:
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "jwks.json"
            path.write_text(json.dumps(identity_provider().jwks()))
            asyncio.run(end_to_end(max(args.n // 4, 100), str(path)))
