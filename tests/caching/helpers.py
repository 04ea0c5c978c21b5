"""The platform behind a caching gateway, for the caching tests: the three real subgraphs
(seeded throwaway databases) and the real gateway app, on real sockets; optionally a
real ``redis-server`` shared by the gateway (store, announcements) and the subgraphs."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.config import GatewayConfig
from gateway.http.app import create_app
from gateway.pipeline import Gateway
from subgraphs.policies import POLICIES
from subgraphs.seed.dataset import Dataset
from tests.auth.helpers import as_bearer, gateway_auth
from tests.servers import running_app
from tests.subgraphs.helpers import RunningSubgraphs, running_subgraphs

ROOT = Path(__file__).resolve().parents[2]
SUPERGRAPH = ROOT / "schema" / "supergraph.graphql"

#: The header every GET needs (CSRF prevention: gateway.http.csrf).
PREFLIGHT = {"apollo-require-preflight": "1"}

CATALOGUE = "query Catalogue { courses(first: 3) { nodes { id title instructor { id name } } } }"
ME = "query Me { me { id name } }"
PROFILE = "query Profile { me { id name email } }"
#: A public course with the caller's progress in it: public and private fields mixed.
COURSE_WITH_PROGRESS = (
    "query Detail($id: ID!) { course(id: $id) { id title myProgress { completedLessons } } }"
)
USER = "query User($id: ID!) { user(id: $id) { id name } }"
UPDATE_PROFILE = (
    "mutation Rename($name: String!) { updateProfile(input: {name: $name}) { id name } }"
)


@dataclass
class Platform:
    url: str
    gateway: Gateway
    subgraphs: RunningSubgraphs
    client: httpx.AsyncClient

    @property
    def data(self) -> Dataset:
        return self.subgraphs.data

    async def get(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        params = {"query": query}
        if variables:
            params["variables"] = json.dumps(dict(variables))
        # Identity unless a test asks for compression: ETags are then the plain body's.
        sent = {**PREFLIGHT, "accept-encoding": "identity", **dict(headers or {})}
        return await self.client.get(self.url, params=params, headers=sent)

    async def post(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        payload = {"query": query, "variables": dict(variables or {})}
        return await self.client.post(self.url, json=payload, headers=dict(headers or {}))


def learners(data: Dataset, count: int = 2) -> list[str]:
    return [u["id"] for u in data.users if u["role"] == "LEARNER"][:count]


def bearer(user_id: str) -> dict[str, str]:
    return as_bearer(user_id, ("LEARNER",))


def cache_control_proxy(target: str, cache_control: str) -> Starlette:
    """A real HTTP proxy to the subgraph at ``target`` that adds ``Cache-Control`` to its
    answers, as a subgraph computing its own header (Apollo Server's) would send it."""

    async def forward(request: Request) -> Response:
        async with httpx.AsyncClient() as client:
            answer = await client.post(
                target,
                content=await request.body(),
                headers={k: v for k, v in request.headers.items() if k.startswith("x-")}
                | {"content-type": "application/json"},
            )
        return Response(
            answer.content,
            status_code=answer.status_code,
            media_type="application/json",
            headers={"Cache-Control": cache_control},
        )

    return Starlette(routes=[Route("/graphql", forward, methods=["POST"])])


@contextlib.asynccontextmanager
async def running_platform(
    *, redis_url: str | None = None, users_cache_control: str | None = None, **response_cache: Any
) -> AsyncIterator[Platform]:
    """The platform; ``response_cache`` options (``enabled`` defaults to True). With
    ``users_cache_control``, the users subgraph answers with that ``Cache-Control``."""
    options = {"enabled": True, **response_cache}
    async with contextlib.AsyncExitStack() as stack:
        subgraphs = await stack.enter_async_context(running_subgraphs(redis_url=redis_url))
        urls = dict(subgraphs.urls)
        if users_cache_control is not None:
            proxy = cache_control_proxy(urls["users"], users_cache_control)
            urls["users"] = await stack.enter_async_context(running_app(proxy)) + "/graphql"
        config = GatewayConfig.model_validate(
            {
                "mode": "dev",
                "supergraph": {"path": str(SUPERGRAPH), "watch": False},
                "subgraphs": {name: {"url": url} for name, url in urls.items()},
                "auth": gateway_auth(),
                "authorization": {"policies": POLICIES},
                "redis_url": redis_url,
                "caching": {"response_cache": options},
            }
        )
        gateway = await Gateway.create(config, SUPERGRAPH.read_text())
        try:
            async with (
                running_app(create_app(config, gateway)) as base,
                httpx.AsyncClient(timeout=10) as client,
            ):
                url = f"{base}{config.server.graphql_path}"
                yield Platform(url, gateway, subgraphs, client)
        finally:
            await gateway.close()
