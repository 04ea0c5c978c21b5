"""CSRF prevention (on in every mode): a request a browser could send cross-site without
a preflight does not run."""

from __future__ import annotations

import httpx
import pytest

Q = {"query": "{ hello }"}


async def test_a_bare_get_is_refused(gateway_url: str) -> None:
    async with httpx.AsyncClient(base_url=gateway_url, timeout=30) as bare:
        response = await bare.get("/graphql", params=Q)
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "CSRF_PREVENTED"


@pytest.mark.parametrize(
    "headers",
    [
        {"apollo-require-preflight": "true"},
        {"x-apollo-operation-name": "Hello"},
        {"graphql-require-preflight": "1"},
        {"content-type": "application/json"},
    ],
)
async def test_a_get_that_could_not_be_simple_runs(
    gateway_url: str, headers: dict[str, str]
) -> None:
    async with httpx.AsyncClient(base_url=gateway_url, timeout=30) as client:
        response = await client.get("/graphql", params=Q, headers=headers)
    assert response.json() == {"data": {"hello": "world"}}


@pytest.mark.parametrize(
    "headers",
    [
        {"content-type": "text/plain"},
        {"apollo-require-preflight": ""},
        {"x-apollo-operation-name": ""},
    ],
)
async def test_simple_content_types_and_empty_preflight_headers_do_not_count(
    gateway_url: str, headers: dict[str, str]
) -> None:
    async with httpx.AsyncClient(base_url=gateway_url, timeout=30) as client:
        response = await client.get("/graphql", params=Q, headers=headers)
    assert response.json()["errors"][0]["extensions"]["code"] == "CSRF_PREVENTED"


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"],
)
async def test_a_post_with_a_simple_content_type_never_runs(
    gateway_url: str, content_type: str
) -> None:
    async with httpx.AsyncClient(base_url=gateway_url, timeout=30) as client:
        for extra in ({}, {"apollo-require-preflight": "true"}):
            response = await client.post(
                "/graphql",
                content=b'{"query": "mutation { setGreeting(text: \\"x\\") }"}',
                headers={"content-type": content_type, **extra},
            )
            assert response.status_code == 415
            assert "data" not in response.json()
