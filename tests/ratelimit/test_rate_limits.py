"""Rate limits per caller over real HTTP: 429 with ``Retry-After`` and ``RATE_LIMITED``;
one budget per user (else per client IP); shared by two gateway processes through one
throwaway Redis."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from gateway.config import GatewayConfig
from gateway.http.app import create_app
from gateway.ratelimit.buckets import MemoryBuckets
from tests.auth.helpers import as_bearer, gateway_auth
from tests.http.hello_subgraph import supergraph_for
from tests.servers import ThreadedServer, bound_socket, throwaway_redis

ROOT = Path(__file__).resolve().parents[2]
Q = {"query": "{ hello }"}


def config_values(supergraph: Path, **sections: Any) -> dict[str, Any]:
    return {
        "supergraph": {"path": str(supergraph), "watch": False},
        "auth": gateway_auth(),
        **sections,
    }


@contextlib.contextmanager
def gateway(hello_url: str, directory: Path, **sections: Any) -> Iterator[str]:
    path = directory / "supergraph.graphql"
    path.write_text(supergraph_for(hello_url))
    config = GatewayConfig.model_validate(config_values(path, **sections))
    # As ``python -m gateway serve`` runs it: uvicorn does not rewrite the client address.
    with ThreadedServer(create_app(config), proxy_headers=False) as running:
        yield f"{running.url}/graphql"


def codes(response: httpx.Response) -> list[str]:
    return [e["extensions"]["code"] for e in response.json().get("errors", [])]


def test_over_budget_is_429_with_retry_after(hello_url: str, tmp_path: Path) -> None:
    limits = {"operations": {"per_second": 0.2, "burst": 2}}
    with gateway(hello_url, tmp_path, rate_limits=limits) as url:
        alice, bob = as_bearer("usr_a"), as_bearer("usr_b")
        for _ in range(2):
            assert httpx.post(url, json=Q, headers=alice).json() == {"data": {"hello": "world"}}
        refused = httpx.post(url, json=Q, headers=alice)
        assert refused.status_code == 429
        assert codes(refused) == ["RATE_LIMITED"]
        assert 1 <= int(refused.headers["retry-after"]) <= 5
        assert "data" not in refused.json()
        # Bob has his own budget; anonymous callers share their IP's.
        assert httpx.post(url, json=Q, headers=bob).status_code == 200
        assert httpx.post(url, json=Q).status_code == 200
        assert httpx.post(url, json=Q).status_code == 200
        assert httpx.post(url, json=Q).status_code == 429


def test_forwarded_for_counts_only_behind_a_trusted_proxy(hello_url: str, tmp_path: Path) -> None:
    def three_from_different_addresses(url: str) -> list[int]:
        return [
            httpx.post(url, json=Q, headers={"x-forwarded-for": f"203.0.113.{i}"}).status_code
            for i in range(3)
        ]

    untrusted = {"operations": {"per_second": 0.1, "burst": 1}}
    with gateway(hello_url, tmp_path, rate_limits=untrusted) as url:
        # The header is ignored: every request is the peer's (127.0.0.1).
        assert three_from_different_addresses(url) == [200, 429, 429]
    trusted = {**untrusted, "trusted_proxies": ["127.0.0.0/8"]}
    with gateway(hello_url, tmp_path, rate_limits=trusted) as url:
        assert three_from_different_addresses(url) == [200, 200, 200]
        # A client cannot pick its address: the right-most untrusted hop counts.
        spoofed = {"x-forwarded-for": "198.51.100.7, 203.0.113.0"}
        assert httpx.post(url, json=Q, headers=spoofed).status_code == 429


async def test_memory_buckets_refill_at_their_rate() -> None:
    now = [0.0]
    buckets = MemoryBuckets(clock=lambda: now[0])
    assert [(await buckets.take("k", 2.0, 2)).allowed for _ in range(3)] == [True, True, False]
    assert (await buckets.take("k", 2.0, 2)).retry_after == pytest.approx(0.5)
    now[0] = 0.5
    assert (await buckets.take("k", 2.0, 2)).allowed
    assert not (await buckets.take("k", 2.0, 2)).allowed


@contextlib.contextmanager
def gateway_process(config: dict[str, Any], directory: Path, name: str) -> Iterator[str]:
    """``python -m gateway serve`` in its own process; yields its GraphQL URL."""
    sock = bound_socket()
    port = sock.getsockname()[1]
    sock.close()
    config = {**config, "server": {"port": port}}
    path = directory / f"{name}.yaml"
    path.write_text(yaml.safe_dump(config))
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("GATEWAY_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "gateway", "serve", "--config", str(path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None, f"gateway {name} exited"
            assert time.monotonic() < deadline, f"gateway {name} did not start"
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_two_gateway_processes_share_one_budget_in_redis(hello_url: str, tmp_path: Path) -> None:
    supergraph = tmp_path / "supergraph.graphql"
    supergraph.write_text(supergraph_for(hello_url))
    with throwaway_redis() as redis_url:
        limits = {"operations": {"per_second": 0.05, "burst": 4}}
        config = config_values(supergraph, redis_url=redis_url, rate_limits=limits)
        with (
            gateway_process(config, tmp_path, "a") as a,
            gateway_process(config, tmp_path, "b") as b,
        ):
            carol = as_bearer("usr_carol")
            statuses = [httpx.post(url, json=Q, headers=carol).status_code for url in (a, b) * 3]
            assert statuses == [200, 200, 200, 200, 429, 429]
            # Another caller's budget is untouched, on either replica.
            assert httpx.post(b, json=Q, headers=as_bearer("usr_dave")).status_code == 200
