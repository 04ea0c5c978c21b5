"""Two tiny Strawberry Federation 2 subgraphs (users, reviews) and a plain non-federation app."""

from __future__ import annotations

import strawberry
from graphql import GraphQLField, GraphQLObjectType, GraphQLSchema, GraphQLString, graphql
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from strawberry.asgi import GraphQL


@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID
    name: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> User:
        return User(id=id, name=f"user {id}")


@strawberry.type
class UsersQuery:
    @strawberry.field
    def me(self) -> User:
        return User(id=strawberry.ID("1"), name="Ada")


@strawberry.type
class Review:
    body: str


@strawberry.federation.type(keys=["id"], name="User")
class ReviewedUser:
    id: strawberry.ID

    @strawberry.field
    def reviews(self) -> list[Review]:
        return [Review(body="good")]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> ReviewedUser:
        return ReviewedUser(id=id)


@strawberry.type
class ReviewsQuery:
    @strawberry.field
    def latest(self) -> list[Review]:
        return [Review(body="good")]


def _serve(schema: strawberry.federation.Schema) -> Starlette:
    # Starlette in front: it answers the lifespan protocol the test servers use.
    return Starlette(routes=[Route("/graphql", GraphQL(schema))])


def users_app() -> Starlette:
    return _serve(strawberry.federation.Schema(query=UsersQuery))


def reviews_app() -> Starlette:
    return _serve(strawberry.federation.Schema(query=ReviewsQuery, types=[ReviewedUser]))


def plain_graphql_app() -> Starlette:
    """A GraphQL server that is not a federation subgraph (no ``_service``)."""
    schema = GraphQLSchema(
        GraphQLObjectType("Query", {"hello": GraphQLField(GraphQLString, resolve=lambda *_: "hi")})
    )

    async def endpoint(request: Request) -> JSONResponse:
        body = await request.json()
        result = await graphql(schema, body["query"])
        return JSONResponse(result.formatted)

    return Starlette(routes=[Route("/graphql", endpoint, methods=["POST"])])
