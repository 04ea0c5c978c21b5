"""``mode: production``: every default that hides the schema and the internals, each
checked on the real gateway in front of the real hello subgraph."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.config import GatewayConfig
from gateway.http.app import create_app
from gateway.persisted import build_manifest
from tests.http.hello_subgraph import supergraph_for
from tests.servers import ThreadedServer

API = {"accept": "application/graphql-response+json", "apollo-require-preflight": "1"}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@contextlib.contextmanager
def serving(sdl: str, directory: Path, **sections: Any) -> Iterator[str]:
    path = directory / "supergraph.graphql"
    path.write_text(sdl)
    values = {"supergraph": {"path": str(path), "watch": False}, **sections}
    with ThreadedServer(create_app(GatewayConfig.model_validate(values))) as running:
        yield running.url


@pytest.fixture(scope="module")
def production(hello_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    directory = tmp_path_factory.mktemp("prod")
    with serving(supergraph_for(hello_url), directory, mode="production") as url:
        yield url


@pytest.fixture(scope="module")
def dev(hello_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(supergraph_for(hello_url), tmp_path_factory.mktemp("dev"), mode="dev") as url:
        yield url


def post(base: str, query: str, **headers: str) -> httpx.Response:
    return httpx.post(f"{base}/graphql", json={"query": query}, headers={**API, **headers})


@pytest.mark.parametrize(
    "query",
    [
        "{ __schema { types { name } } }",
        '{ __type(name: "Query") { name } }',
        "query { ...F } fragment F on Query { __schema { queryType { name } } }",
        '{ ... on Query { __type(name: "Query") { name } } }',
    ],
)
def test_introspection_is_off(production: str, dev: str, query: str) -> None:
    response = post(production, query)
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "INTROSPECTION_DISABLED"
    assert "data" in post(dev, query).json()  # and on in dev


def test_typename_still_works(production: str) -> None:
    assert post(production, "{ __typename hello }").json() == {
        "data": {"__typename": "Query", "hello": "world"}
    }


def test_field_suggestions_are_removed(production: str, dev: str) -> None:
    assert "Did you mean" in post(dev, "{ helo }").text
    body = post(production, "{ helo }").json()
    assert body["errors"][0]["message"] == "Cannot query field 'helo' on type 'Query'."
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_subgraph_error_details_are_redacted(production: str) -> None:
    # 2**31 is not an Int: the subgraph fails with graphql-core's own message.
    body = post(production, "{ add(a: 2147483647, b: 1) }").json()
    assert body["data"] is None
    assert body["errors"][0]["message"] == "Subgraph errors redacted"
    assert "2147483648" not in json.dumps(body)


def test_graphiql_is_off(production: str) -> None:
    response = httpx.get(f"{production}/graphql", headers={"accept": BROWSER})
    assert "text/html" not in response.headers["content-type"]
    assert httpx.get(f"{production}/graphiql-assets/graphiql.min.js").status_code == 404


def test_the_plan_is_not_exposed(production: str, dev: str) -> None:
    asked = {"x-gateway-query-plan": "1"}
    assert "queryPlan" in post(dev, "{ hello }", **asked).json()["extensions"]
    assert post(production, "{ hello }", **asked).json() == {"data": {"hello": "world"}}


def test_no_persisted_query_bypass_header_by_default(hello_url: str, tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps(build_manifest([("Hello", "query", "query Hello { hello }")])))
    persisted = {"mode": "allowlist", "manifest": str(manifest)}
    config = GatewayConfig.model_validate({"mode": "production", "persisted": persisted})
    assert config.persisted.bypass_header is None and config.persisted.bypass_secret is None
    sdl = supergraph_for(hello_url)
    with serving(sdl, tmp_path, mode="production", persisted=persisted) as url:
        for header in ("x-persisted-bypass", "x-gateway-bypass", "apollo-bypass"):
            body = post(url, "{ hello }", **{header: "x" * 32}).json()
            assert "data" not in body, (header, body)
