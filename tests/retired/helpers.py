"""A kit subgraph with a retired field, composed by the gateway's composer, and the real
gateway in front of it on uvicorn.

``catalogue`` serves courses; ``Course.legacyCode`` is deprecated, and the tests retire it
for ``learning-ios`` 3.0.0 and 3.0.1 only. ``Query.slowTitle`` answers after a delay, so
identical requests overlap in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx

from gateway.composition import SubgraphSource, compose
from gateway.config import GatewayConfig
from gateway.http.app import create_app
from gateway.pipeline import Gateway
from tests.planning.helpers import NO_COST_LIMIT, KitSubgraph, kit_gateway
from tests.servers import running_app

CATALOGUE_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])

type Query {
  course(id: ID!): Course
  courses: [Course!]!
  slowTitle(id: ID!, seconds: Float!): String!
}

type Course @key(fields: "id") {
  id: ID!
  title: String!
  code: String!
  "The code before codes had a school prefix."
  legacyCode: String! @deprecated(reason: "Use code.")
}
"""

COURSES = [
    {"id": "c1", "title": "Graphs", "code": "CS-101", "legacyCode": "101"},
    {"id": "c2", "title": "Types", "code": "CS-102", "legacyCode": "102"},
]

#: The versions still served ``Course.legacyCode``.
LISTED = {"learning-ios": ["3.0.0", "3.0.1"]}
RETIRED: dict[str, Any] = {"fields": [{"field": "Course.legacyCode", "clients": LISTED}]}

OLD_APP = {"apollographql-client-name": "learning-ios", "apollographql-client-version": "3.0.1"}
NEW_APP = {"apollographql-client-name": "learning-ios", "apollographql-client-version": "3.2.0"}
#: Accepting the GraphQL-over-HTTP media type: a request error is a 4xx.
ACCEPT = {"accept": "application/graphql-response+json"}


def supergraph_sdl() -> str:
    result = compose(
        [SubgraphSource("catalogue", "http://catalogue.invalid/graphql", CATALOGUE_SDL)]
    )
    assert result.supergraph_sdl is not None, result.errors
    return result.supergraph_sdl


async def _slow_title(_source: Any, _info: Any, id: str, seconds: float) -> str:
    await asyncio.sleep(seconds)
    return f"slow {id}"


def catalogue() -> KitSubgraph:
    kit = KitSubgraph(
        "catalogue",
        CATALOGUE_SDL,
        data={"Course": [dict(c) for c in COURSES]},
        resolvers={
            "Query.course": lambda _s, _i, id: kit.find("Course", {"id": id}),
            "Query.courses": lambda _s, _i: kit.rows("Course"),
            "Query.slowTitle": _slow_title,
        },
    )
    return kit


@dataclass
class Served:
    """The gateway's GraphQL URL and a client for it."""

    url: str
    http: httpx.AsyncClient

    async def post(
        self, query: str, headers: dict[str, str] | None = None, **body: Any
    ) -> httpx.Response:
        payload = {"query": query, **body} if query else body
        return await self.http.post(self.url, json=payload, headers={**ACCEPT, **(headers or {})})


@contextlib.asynccontextmanager
async def served(**settings: Any) -> AsyncIterator[Served]:
    """The catalogue on a real socket and a gateway over it on uvicorn; ``settings`` are
    gateway config sections (``retired``, ``persisted``)."""
    sdl = supergraph_sdl()
    async with kit_gateway(sdl, catalogue()) as kit:
        config = GatewayConfig.model_validate(
            {
                "subgraphs": {
                    name: sub.model_dump() for name, sub in kit.gateway.config.subgraphs.items()
                },
                "supergraph": {"watch": False},
                "limits": NO_COST_LIMIT.model_dump(),
                **settings,
            }
        )
        gateway = await Gateway.create(config, sdl)
        try:
            async with (
                running_app(create_app(config, gateway)) as base,
                httpx.AsyncClient(timeout=10) as http,
            ):
                yield Served(f"{base}{config.server.graphql_path}", http)
        finally:
            await gateway.close()
