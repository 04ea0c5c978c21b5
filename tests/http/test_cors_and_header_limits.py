"""CORS for configured origins only; oversized request headers are a 431; GraphiQL's page
carries security headers."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.http.hello_subgraph import supergraph_for
from tests.http.helpers import gateway_server

APP = "https://app.example"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def cors_url(hello_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    directory = tmp_path_factory.mktemp("cors")
    cors = {"allow_origins": [APP]}
    with gateway_server(supergraph_for(hello_url), directory, cors=cors) as url:
        yield url


def preflight(base: str, origin: str) -> httpx.Response:
    return httpx.options(
        f"{base}/graphql",
        headers={
            "origin": origin,
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type, authorization",
        },
    )


def test_a_configured_origin_may_call(cors_url: str) -> None:
    response = preflight(cors_url, APP)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == APP
    assert "authorization" in response.headers["access-control-allow-headers"].lower()
    answer = httpx.post(f"{cors_url}/graphql", json={"query": "{ hello }"}, headers={"origin": APP})
    assert answer.headers["access-control-allow-origin"] == APP


def test_another_origin_may_not(cors_url: str, gateway_url: str) -> None:
    response = preflight(cors_url, "https://evil.example")
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers
    # No origins configured (the default): no CORS headers at all.
    assert "access-control-allow-origin" not in preflight(gateway_url, APP).headers


def test_oversized_headers_are_431(gateway_url: str) -> None:
    headers = {f"x-filler-{i}": "x" * 1000 for i in range(40)}
    response = httpx.post(f"{gateway_url}/graphql", json={"query": "{ hello }"}, headers=headers)
    assert response.status_code == 431
    assert response.json()["errors"][0]["extensions"]["code"] == "REQUEST_HEADERS_TOO_LARGE"
    fine = httpx.post(f"{gateway_url}/graphql", json={"query": "{ hello }"})
    assert fine.json() == {"data": {"hello": "world"}}


def test_graphiql_has_security_headers(gateway_url: str) -> None:
    response = httpx.get(f"{gateway_url}/graphql", headers={"accept": BROWSER})
    if response.status_code == 503:  # GraphiQL's files not vendored: headers still matter
        pytest.fail("run `make vendor-graphiql`")
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "script-src 'self' 'sha256-" in policy
    host = gateway_url.removeprefix("http://")
    assert f"connect-src 'self' ws://{host}" in policy
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
