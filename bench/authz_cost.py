"""The cost of authorization per request: ``python -m bench.authz_cost [--n 500]``.

The benchmark query (``bench/data/query.graphql``) through the whole gateway, in this
process, the bench subgraphs in another, with a bearer token, against:

- ``baseline``: the benchmark supergraph as it is (no authorization directive: the check
  is skipped outright);
- ``checked, all granted``: the same supergraph with requirements on fields and types the
  query uses everywhere — ``Review`` ``@authenticated`` (a type), ``Product.price``
  ``@requiresScopes(scopes: [["price:read"], ["admin"]])``, ``User.name``
  ``@policy(policies: [["staff"]])`` (a Python callable, called once per request) — and a
  caller who meets them all: the same plan, the same fetches; the difference is the check;
- ``checked, price denied``: a caller without the scope (another plan, fewer fields, one
  error): for information, not a like-for-like comparison.

Rounds alternate (the shared machine drifts); prints CPU microseconds per request, and
the in-process cost of the check alone (``authorize``, the operation's sites cached).
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
from typing import Any

import httpx
import yaml

from gateway.authz import authorize
from gateway.config import GatewayConfig
from gateway.pipeline import Gateway
from gateway.request import GraphQLParams, Identity, RequestContext
from tests.auth.helpers import AUDIENCE, ISSUER, TEST_SECRET, identity_provider
from tests.servers import bound_socket

ROOT = Path(__file__).resolve().parent
LINKS = (
    '    @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)\n'
    '    @link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)\n'
    '    @link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)\n'
    '    @link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY)'
)
DEFINITIONS = """
directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @requiresScopes(scopes: [[requiresScopes__Scope!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @policy(policies: [[policy__Policy!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
scalar requiresScopes__Scope
scalar policy__Policy
"""  # noqa: E501 -- SDL as composition prints it


def staff(identity: Identity) -> bool:
    """The ``staff`` policy of the annotated supergraph."""
    return "STAFF" in identity.roles


def annotated(sdl: str) -> str:
    """The benchmark supergraph with requirements on what the query selects."""
    replacements = {
        '    @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)': LINKS,
        'type Review @join__type(graph: REVIEWS, key: "id") {': (
            'type Review @join__type(graph: REVIEWS, key: "id") @authenticated {'
        ),
        "    price: Int\n": '    price: Int @requiresScopes(scopes: [["price:read"], ["admin"]])\n',
        "    name: String @join__field(graph: ACCOUNTS)": (
            '    name: String @join__field(graph: ACCOUNTS) @policy(policies: [["staff"]])'
        ),
    }
    for old, new in replacements.items():
        assert sdl.count(old) == 1, old
        sdl = sdl.replace(old, new)
    return sdl + DEFINITIONS


def config(port: int, jwks_file: str) -> GatewayConfig:
    values = yaml.safe_load((ROOT / "gateway.yaml").read_text())
    for name, sub in values["subgraphs"].items():
        sub["url"] = f"http://127.0.0.1:{port}/{name}"
    values["engine"]["dedupe_inbound_requests"] = False  # every request does the work
    values["auth"] = {
        "jwks_file": jwks_file,
        "issuer": ISSUER,
        "audience": AUDIENCE,
        "signing_secret": TEST_SECRET,
    }
    values["authorization"] = {"policies": {"staff": "bench.authz_cost:staff"}}
    return GatewayConfig.model_validate(values)


async def measure(n: int, jwks_file: str, port: int) -> None:
    sdl = (ROOT / "data" / "supergraph.graphql").read_text()
    baseline = await Gateway.create(config(port, jwks_file), sdl)
    checked = await Gateway.create(config(port, jwks_file), annotated(sdl))
    params = GraphQLParams(query=(ROOT / "data" / "query.graphql").read_text())
    issuer = identity_provider()
    granted = {
        "authorization": "Bearer "
        + issuer.token("usr_0001", roles=["STAFF"], scope="price:read reviews")
    }
    denied = {"authorization": "Bearer " + issuer.token("usr_0002", roles=["STAFF"], scope="x")}
    runs: list[tuple[str, Gateway, dict[str, str], bool]] = [
        ("baseline (no directives)", baseline, granted, False),
        ("checked, all granted", checked, granted, False),
        ("checked, price denied", checked, denied, True),
    ]
    results: dict[str, list[float]] = {label: [] for label, *_ in runs}
    try:
        for _ in range(50):  # warm up: plan caches, connections, token cache
            for _label, gateway, headers, _errors in runs:
                await gateway.execute(params, RequestContext(headers=dict(headers)))
        for _ in range(3):  # alternating rounds
            for label, gateway, headers, errors in runs:
                start = time.process_time()
                for _ in range(n):
                    outcome = await gateway.execute(params, RequestContext(headers=dict(headers)))
                    assert ("errors" in outcome.body) == errors, outcome.body
                results[label].append((time.process_time() - start) / n * 1e6)
        for label, values in results.items():
            rounds = " / ".join(f"{v:,.0f}" for v in values)
            print(f"{label:<28} {rounds} µs  (mean {sum(values) / len(values):,.0f} µs)")
        await check_alone(checked, params, n * 20)
    finally:
        await baseline.close()
        await checked.close()


async def check_alone(gateway: Gateway, params: GraphQLParams, n: int) -> None:
    """``authorize`` by itself, as ``Gateway.prepare`` calls it (sites cached)."""
    state = gateway.state
    document = state.documents.get(params.query or "")
    operation = document.operations[0]
    identity = Identity(user_id="usr_0001", roles=("STAFF",), scopes=("price:read",))
    context = RequestContext(identity=identity)
    await gateway.steps.validated(context, document)  # binds the authorizer
    variables: dict[str, Any] = {}
    await authorize(context, state.supergraph, document, operation, variables)
    start = time.process_time()
    for _ in range(n):
        await authorize(context, state.supergraph, document, operation, variables)
    per_call = (time.process_time() - start) / n * 1e6
    print(f"{'the check alone (authorize)':<28} {per_call:,.1f} µs")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.authz_cost")
    parser.add_argument("--n", type=int, default=500)
    args = parser.parse_args()
    sock = bound_socket()
    port = sock.getsockname()[1]
    sock.close()
    subgraphs = subprocess.Popen(
        [sys.executable, "-m", "bench.subgraphs", "--port", str(port)],
        cwd=ROOT.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                httpx.get(f"http://127.0.0.1:{port}/")
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "jwks.json"
            path.write_text(json.dumps(identity_provider().jwks()))
            asyncio.run(measure(args.n, str(path), port))
    finally:
        subgraphs.terminate()
        subgraphs.wait(timeout=10)


if __name__ == "__main__":
    main()
