"""The gateways the subscription benchmark runs, each started fresh for every row.

- ``ours``: ``python -m gateway serve`` as the platform runs it (``bench.platform``):
  learners send a bearer token (one per learner, minted from the dev keys the gateway
  trusts); the gateway verifies it and forwards a signed identity upstream.
- ``hive``: Hive Gateway from ``bench/peers`` (``make bench-deps``), serving our
  supergraph with its subgraph URLs pointed at this run's subgraphs, subscribing upstream
  over graphql-transport-ws (``bench/peers/hive-subscriptions.config.mjs``). It has no
  notion of our tokens, so learners send the signed identity headers themselves (in
  ``connection_init`` and on mutations) and Hive passes them on: it does less work per
  connection than ours, which verifies a token.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator

from bench.harness.gateways import NODE_MODULES, PEERS_DIR, Unavailable
from bench.platform import (
    ROOT,
    Subgraphs,
    free_port,
    running_gateway,
    start_process,
    stop_processes,
    wait_for_graphql,
)
from bench.subscriptions.rows import Target
from gateway.subscriptions.config import SubscriptionsConfig
from subgraphs._shared.identity import sign_identity

#: Token and identity lifetime: longer than any run.
LIFETIME = 24 * 3600
GATEWAYS = ("ours", "hive")


@contextlib.contextmanager
def running_target(name: str, subgraphs: Subgraphs) -> Iterator[Target]:
    if name == "ours":
        with _ours(subgraphs) as target:
            yield target
    elif name == "hive":
        with _hive(subgraphs) as target:
            yield target
    else:
        raise Unavailable(f"unknown gateway {name!r} (one of {', '.join(GATEWAYS)})")


@contextlib.contextmanager
def _ours(subgraphs: Subgraphs) -> Iterator[Target]:
    tokens: dict[str, str] = {}

    def bearer(learner: str) -> dict[str, str]:
        if learner not in tokens:
            tokens[learner] = subgraphs.keys.mint(learner, lifetime_seconds=LIFETIME)
        return {"authorization": f"Bearer {tokens[learner]}"}

    with running_gateway(subgraphs, _unlimited()) as gateway:
        yield Target("ours", gateway.url, gateway.ws_url, gateway.pid, bearer, bearer)


def _unlimited() -> str:
    """Config lifting the gateway's subscription limits where it has them: the shared
    mix runs hundreds of subscriptions for one caller (a per-caller limit is the point of
    production defaults, not of this measurement)."""
    fields = SubscriptionsConfig.model_fields
    lifted = [
        name for name in ("max_subscriptions_per_caller", "max_subscriptions") if name in fields
    ]
    return "subscriptions:\n" + "".join(f"  {name}: null\n" for name in lifted) if lifted else ""


@contextlib.contextmanager
def _hive(subgraphs: Subgraphs) -> Iterator[Target]:
    binary = NODE_MODULES / ".bin" / "hive-gateway"
    if not binary.exists():
        raise Unavailable("Hive Gateway is not installed (run `make bench-deps`)")
    secret = subgraphs.keys.signing_secret.encode()
    expires = int(time.time()) + LIFETIME
    identities: dict[str, dict[str, str]] = {}

    def signed(learner: str) -> dict[str, str]:
        if learner not in identities:
            identities[learner] = sign_identity(secret, learner, expires=expires)
        return identities[learner]

    port = free_port()
    supergraph = subgraphs.directory / "supergraph-hive.graphql"
    supergraph.write_text(_pointed(subgraphs.urls))
    argv = [
        str(binary),
        "supergraph",
        str(supergraph),
        "--config-path",
        str(PEERS_DIR / "hive-subscriptions.config.mjs"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--fork",
        "1",
    ]
    env = {**subgraphs.env, "NODE_ENV": "production", "LOG_LEVEL": "error"}
    process = start_process(argv, env, subgraphs.directory / "hive.log", cwd=PEERS_DIR)
    try:
        url = f"http://127.0.0.1:{port}/graphql"
        wait_for_graphql(url, process)
        ws_url = f"ws://127.0.0.1:{port}/graphql"
        yield Target("Hive Gateway", url, ws_url, process.pid, signed, signed)
    finally:
        stop_processes([process])


def _pointed(urls: dict[str, str]) -> str:
    """Our supergraph with each subgraph's ``@join__graph`` URL set to ``urls``."""
    text = (ROOT / "schema" / "supergraph.graphql").read_text()

    def replace(match: re.Match[str]) -> str:
        return f'@join__graph(name: "{match[1]}", url: "{urls[match[1]]}")'

    return re.sub(r'@join__graph\(name: "(\w+)", url: "[^"]*"\)', replace, text)
