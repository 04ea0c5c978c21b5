"""Compose from live subgraphs' ``_service { sdl }`` over real HTTP (uvicorn on 127.0.0.1:0)."""

from __future__ import annotations

import pytest

from gateway.composition import compose
from gateway.composition.remote import SubgraphFetchError, fetch_subgraphs
from gateway.supergraph import Supergraph
from tests.composition.helpers import type_block
from tests.composition.subgraph_apps import plain_graphql_app, reviews_app, users_app
from tests.servers import bound_socket, running_app


async def test_strawberry_subgraphs_compose_from_their_urls() -> None:
    async with running_app(users_app()) as users, running_app(reviews_app()) as reviews:
        endpoints = {"users": f"{users}/graphql", "reviews": f"{reviews}/graphql"}
        sources = await fetch_subgraphs(endpoints)
    result = compose(sources)
    assert result.errors == []
    assert result.supergraph_sdl is not None
    assert f'USERS @join__graph(name: "users", url: "{users}/graphql")' in result.supergraph_sdl
    assert type_block(result.supergraph_sdl, "User") == (
        "type User\n"
        '  @join__type(graph: REVIEWS, key: "id")\n'
        '  @join__type(graph: USERS, key: "id")\n'
        "{\n"
        "  id: ID!\n"
        "  reviews: [Review!]! @join__field(graph: REVIEWS)\n"
        "  name: String! @join__field(graph: USERS)\n"
        "}"
    )
    # Federation plumbing the subgraphs print never reaches the supergraph.
    for internal in ("_Service", "_Entity", "_Any", "_entities", "_service"):
        assert internal not in result.supergraph_sdl
    # And the gateway's own supergraph reader accepts it.
    assert sorted(Supergraph.parse(result.supergraph_sdl).subgraphs) == ["reviews", "users"]


async def test_a_subgraph_that_is_down_is_named() -> None:
    sock = bound_socket()  # bound but never listening: connections are refused
    port = sock.getsockname()[1]
    try:
        with pytest.raises(SubgraphFetchError, match=r'subgraph "users" at http://127\.0\.0\.1'):
            await fetch_subgraphs({"users": f"http://127.0.0.1:{port}/graphql"}, timeout=5)
    finally:
        sock.close()


async def test_a_server_that_is_not_a_federation_subgraph() -> None:
    async with running_app(plain_graphql_app()) as url:
        with pytest.raises(SubgraphFetchError, match=r"did not return _service\.sdl"):
            await fetch_subgraphs({"plain": f"{url}/graphql"})


async def test_a_subgraph_answering_an_http_error() -> None:
    async with running_app(plain_graphql_app()) as url:
        with pytest.raises(SubgraphFetchError, match="answered HTTP 404"):
            await fetch_subgraphs({"plain": f"{url}/nowhere"})
