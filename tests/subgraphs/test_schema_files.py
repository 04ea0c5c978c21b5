"""schema/<subgraph>.graphql are exactly what the running subgraphs serve."""

from __future__ import annotations

import httpx
import pytest

from subgraphs.sdl import SUBGRAPHS, schema_file, service_sdl
from tests.subgraphs.helpers import RunningSubgraphs, gql

COST_LINK = '@link(url: "https://specs.apollo.dev/federation/v2.9", import: ['


@pytest.mark.parametrize("name", SUBGRAPHS)
def test_checked_in_sdl_matches_the_code(name: str):
    path = schema_file(name)
    assert path.read_text() == service_sdl(name) + "\n", f"{path} is stale: run `make schema`"


@pytest.mark.parametrize("name", SUBGRAPHS)
def test_sdl_imports_the_cost_directives_through_federation(name: str):
    sdl = schema_file(name).read_text()
    link = sdl.split(") {", 1)[0]  # the schema's @link, on one line or several
    assert COST_LINK in link
    assert '"@listSize"' in link
    assert "@listSize(" in sdl


async def test_served_sdl_equals_the_files(subgraphs: RunningSubgraphs, client: httpx.AsyncClient):
    for name in SUBGRAPHS:
        body = await gql(client, subgraphs.urls[name], "{ _service { sdl } }")
        assert body["data"]["_service"]["sdl"] + "\n" == schema_file(name).read_text()
