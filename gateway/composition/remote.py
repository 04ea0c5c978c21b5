"""Fetch subgraph SDL from running subgraphs with ``{ _service { sdl } }``."""

from __future__ import annotations

import asyncio

import httpx

from gateway.composition.compose import SubgraphSource

SERVICE_QUERY = "query SubgraphIntrospectQuery { _service { sdl } }"


class SubgraphFetchError(Exception):
    """A subgraph did not answer ``_service { sdl }`` with SDL."""


async def fetch_sdl(client: httpx.AsyncClient, name: str, url: str) -> SubgraphSource:
    try:
        response = await client.post(url, json={"query": SERVICE_QUERY})
    except httpx.HTTPError as exc:
        raise SubgraphFetchError(
            f'subgraph "{name}" at {url}: {exc.__class__.__name__}: {exc}'
        ) from exc
    if response.status_code != 200:
        raise SubgraphFetchError(f'subgraph "{name}" at {url} answered HTTP {response.status_code}')
    try:
        body = response.json()
        sdl = body["data"]["_service"]["sdl"]
    except (ValueError, KeyError, TypeError) as exc:
        raise SubgraphFetchError(
            f'subgraph "{name}" at {url} did not return _service.sdl (is it a federation subgraph?)'
        ) from exc
    if not isinstance(sdl, str):
        raise SubgraphFetchError(f'subgraph "{name}" at {url} returned a non-string _service.sdl')
    return SubgraphSource(name=name, url=url, sdl=sdl)


async def fetch_subgraphs(
    endpoints: dict[str, str], *, timeout: float = 10.0, client: httpx.AsyncClient | None = None
) -> list[SubgraphSource]:
    """Fetch every subgraph's SDL concurrently; raises the first ``SubgraphFetchError``."""
    own = client is None
    http = client or httpx.AsyncClient(timeout=timeout)
    try:
        return list(
            await asyncio.gather(*(fetch_sdl(http, name, url) for name, url in endpoints.items()))
        )
    finally:
        if own:
            await http.aclose()
