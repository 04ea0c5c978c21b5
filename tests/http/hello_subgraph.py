"""A tiny real Federation 2 subgraph for the HTTP tests (Strawberry on uvicorn).

``fixtures/hello.supergraph.graphql`` is its supergraph, written by hand in join-spec
form; ``supergraph_for(url)`` fills in where the subgraph listens.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import strawberry
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.asgi import GraphQL

SUPERGRAPH_TEMPLATE = Path(__file__).parent / "fixtures" / "hello.supergraph.graphql"


def supergraph_for(url: str) -> str:
    """The hello supergraph with the subgraph at ``url`` (its GraphQL endpoint)."""
    return SUPERGRAPH_TEMPLATE.read_text().replace("{HELLO_URL}", url)


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "world"

    @strawberry.field
    def greet(self, name: str) -> str:
        return f"hello, {name}"

    @strawberry.field
    def add(self, a: int, b: int) -> int:
        return a + b

    @strawberry.field
    async def slow(self, seconds: float) -> str:
        await asyncio.sleep(seconds)
        return f"slept {seconds}"

    @strawberry.field
    def words(self, count: int) -> list[str]:
        return [f"word-{i}" for i in range(count)]


@strawberry.type
class Mutation:
    @strawberry.mutation
    def set_greeting(self, text: str) -> str:
        return text


class Concurrency:
    """Counts the requests the subgraph is serving at once, and the most at any time."""

    def __init__(self) -> None:
        self.now = 0
        self.peak = 0
        self.total = 0


class _Counting:
    def __init__(self, app: ASGIApp, counter: Concurrency) -> None:
        self.app = app
        self.counter = counter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.counter.now += 1
        self.counter.total += 1
        self.counter.peak = max(self.counter.peak, self.counter.now)
        try:
            await self.app(scope, receive, send)
        finally:
            self.counter.now -= 1


def hello_app(counter: Concurrency | None = None) -> Starlette:
    """The subgraph as an ASGI app, its endpoint at ``/graphql``."""
    schema = strawberry.federation.Schema(query=Query, mutation=Mutation)
    # Starlette around it answers uvicorn's lifespan messages.
    middleware = [Middleware(_Counting, counter=counter)] if counter is not None else []
    return Starlette(routes=[Route("/graphql", GraphQL[None, None](schema))], middleware=middleware)
