"""GraphiQL served by the gateway: the page for browsers, its vendored assets, and when it
is not served (API clients, production mode). The browser test runs it for real."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from tests.http.hello_subgraph import supergraph_for
from tests.http.helpers import gateway_server

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


async def test_browser_gets_graphiql(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "GraphiQL.createFetcher" in page
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources == [
        "/graphiql-assets/graphiql.min.css",
        "/graphiql-assets/react.production.min.js",
        "/graphiql-assets/react-dom.production.min.js",
        "/graphiql-assets/graphiql.min.js",
        "/graphiql-assets/graphql-ws.min.js",
    ]
    # Subscriptions over graphql-transport-ws at the same URL, headers in connection_init.
    assert "graphqlWs.createClient" in page
    assert "connectionParams: { headers: strings }" in page
    assert "http://" not in page and "https://" not in page  # nothing from elsewhere


@pytest.mark.parametrize(
    ("asset", "content_type"),
    [
        ("graphiql.min.js", "text/javascript"),
        ("graphiql.min.css", "text/css"),
        ("react.production.min.js", "text/javascript"),
        ("react-dom.production.min.js", "text/javascript"),
        ("graphql-ws.min.js", "text/javascript"),
    ],
)
async def test_assets_are_served(client: httpx.AsyncClient, asset: str, content_type: str) -> None:
    response = await client.get(f"/graphiql-assets/{asset}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(content_type)
    assert len(response.content) > 5000
    # Large text assets go compressed to browsers that accept it.
    assert response.headers["content-encoding"] in ("br", "gzip")


async def test_missing_asset_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphiql-assets/not-vendored.js")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "accept",
    [None, "application/json", "application/graphql-response+json", "*/*"],
)
async def test_api_clients_do_not_get_graphiql(
    client: httpx.AsyncClient, accept: str | None
) -> None:
    headers = {"accept": accept} if accept else {}
    response = await client.get("/graphql", headers=headers)
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "MISSING_QUERY"


async def test_browser_get_with_a_query_runs_it(client: httpx.AsyncClient) -> None:
    # A link to /graphql?query=... opened in a browser: the result, as JSON.
    response = await client.get(
        "/graphql", params={"query": "{ hello }"}, headers={"accept": BROWSER_ACCEPT}
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"hello": "world"}}


async def test_production_mode_serves_no_graphiql(hello_url: str, tmp_path: Path) -> None:
    with gateway_server(supergraph_for(hello_url), tmp_path, mode="production") as url:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            page = await client.get("/graphql", headers={"accept": BROWSER_ACCEPT})
            assert page.status_code == 400
            assert page.json()["errors"][0]["extensions"]["code"] == "MISSING_QUERY"
            asset = await client.get("/graphiql-assets/graphiql.min.js")
            assert asset.status_code == 404


async def test_graphiql_can_be_forced_on_in_production(hello_url: str, tmp_path: Path) -> None:
    sdl = supergraph_for(hello_url)
    with gateway_server(sdl, tmp_path, mode="production", graphiql=True) as url:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            page = await client.get("/graphql", headers={"accept": BROWSER_ACCEPT})
            assert page.status_code == 200
            assert "GraphiQL.createFetcher" in page.text


async def test_browser_get_with_a_persisted_query_runs_it(client: httpx.AsyncClient) -> None:
    # No `query`, but `extensions`: an operation (APQ by hash), not a visit to the IDE.
    extensions = '{"persistedQuery": {"version": 1, "sha256Hash": "00"}}'
    response = await client.get(
        "/graphql", params={"extensions": extensions}, headers={"accept": BROWSER_ACCEPT}
    )
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["errors"]
