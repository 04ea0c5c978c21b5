"""Two kit subgraphs with every kind of requirement, composed by the gateway's composer.

``accounts`` owns users; ``shop`` owns products and adds ``User.orders``. Requirements:

- ``Query.me`` ``@authenticated``; ``Secret`` (a type) ``@authenticated``; the interface
  ``Account`` scope ``accounts``; the enum ``Tier`` ``@authenticated``; the scalar
  ``Money`` scope ``pricing``;
- ``User.email`` scopes ``email:read`` OR ``admin``; ``User.ssn`` (non-null) scopes
  ``pii:read`` AND ``admin``; ``User.note`` the policy ``staff`` (``is_staff`` below);
- ``Product.price`` scope ``pricing``; ``User.orders`` (from ``shop``) ``@authenticated``;
  ``User.contact`` (from ``shop``) ``@requires`` the email (which it may leak, by design).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx

from gateway.authz import AuthorizationConfig
from gateway.composition import compose
from gateway.composition.compose import SubgraphSource
from gateway.config import GatewayConfig
from gateway.http.app import create_app
from gateway.pipeline import Gateway
from gateway.request import Identity
from tests.auth.helpers import gateway_auth, identity_provider
from tests.planning.helpers import NO_COST_LIMIT, KitGateway, KitSubgraph, kit_gateway
from tests.servers import running_app

LINK = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: '
    '["@key", "@authenticated", "@requiresScopes", "@policy", "@external", "@requires"])\n'
)

ACCOUNTS_SDL = (
    LINK
    + """
type Query {
  users: [User!]!
  me: User @authenticated
  secret: Secret
  account(id: ID!): Account
}

interface Account @requiresScopes(scopes: [["accounts"]]) {
  id: ID!
}

enum Tier @authenticated {
  GOLD
  SILVER
}

type User implements Account @key(fields: "id") {
  id: ID!
  tier: Tier
  name: String!
  email: String @requiresScopes(scopes: [["email:read"], ["admin"]])
  ssn: String! @requiresScopes(scopes: [["pii:read", "admin"]])
  note: String @policy(policies: [["staff"]])
}

type Secret @authenticated {
  code: String
}
"""
)

SHOP_SDL = (
    LINK
    + """
type Query {
  products: [Product!]!
}

scalar Money @requiresScopes(scopes: [["pricing"]])

type Product @key(fields: "id") {
  id: ID!
  name: String!
  price: Int @requiresScopes(scopes: [["pricing"]])
  cost: Money
  buyer: User
}

type User @key(fields: "id") {
  id: ID!
  orders: [String!] @authenticated
  email: String @external
  contact: String @requires(fields: "email")
}
"""
)

USERS = [
    {"id": "u1", "name": "Ada", "email": "ada@x", "ssn": "111", "note": "n1", "tier": "GOLD"},
    {"id": "u2", "name": "Bob", "email": "bob@x", "ssn": "222", "note": "n2", "tier": "SILVER"},
]


def supergraph_sdl() -> str:
    result = compose(
        [
            SubgraphSource("accounts", "http://accounts.invalid/graphql", ACCOUNTS_SDL),
            SubgraphSource("shop", "http://shop.invalid/graphql", SHOP_SDL),
        ]
    )
    assert result.supergraph_sdl is not None, result.errors
    return result.supergraph_sdl


def subgraphs() -> list[KitSubgraph]:
    accounts = KitSubgraph(
        "accounts",
        ACCOUNTS_SDL,
        data={"User": [dict(u) for u in USERS]},
        resolvers={
            "Query.users": lambda _s, _i: accounts.rows("User"),
            "Query.me": lambda _s, _i: accounts.find("User", {"id": "u1"}),
            "Query.secret": lambda _s, _i: {"code": "42"},
            "Query.account": lambda _s, _i, id: accounts.find("User", {"id": id}),
        },
    )
    shop = KitSubgraph(
        "shop",
        SHOP_SDL,
        data={
            "Product": [
                {"id": "p1", "name": "Pen", "price": 3, "cost": 1, "buyer": {"id": "u1"}},
                {"id": "p2", "name": "Ink", "price": 9, "cost": 2, "buyer": {"id": "u2"}},
            ],
            "User": [{"id": "u1", "orders": ["o1"]}, {"id": "u2", "orders": []}],
        },
        resolvers={
            "Query.products": lambda _s, _i: shop.rows("Product"),
            "User.contact": lambda source, _i: f"mail {source['email']}",
        },
    )
    return [accounts, shop]


async def is_staff(identity: Identity) -> bool:
    """The ``staff`` policy: a coroutine, as a policy that looks something up would be."""
    await asyncio.sleep(0)
    return "STAFF" in identity.roles


def user(*scopes: str, roles: tuple[str, ...] = ("LEARNER",), user_id: str = "u1") -> Identity:
    return Identity(user_id=user_id, roles=roles, scopes=scopes)


def bearer(identity: Identity | None) -> dict[str, str]:
    """The header a client sends as ``identity`` (none: anonymous): a real token."""
    if identity is None or identity.user_id is None:
        return {}
    token = identity_provider().token(
        identity.user_id, roles=list(identity.roles), scope=" ".join(identity.scopes)
    )
    return {"authorization": f"Bearer {token}"}


@dataclass
class Served:
    """The kit subgraphs (recording their requests) and the gateway, on uvicorn."""

    kit: KitGateway
    gateway: Gateway
    url: str
    http: httpx.AsyncClient

    async def post(self, query: str, identity: Identity | None = None) -> dict[str, Any]:
        self.kit.reset()
        response = await self.http.post(self.url, json={"query": query}, headers=bearer(identity))
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


@contextlib.asynccontextmanager
async def served(authorization: AuthorizationConfig) -> AsyncIterator[Served]:
    """The kit subgraphs on real sockets and a gateway over them on uvicorn, trusting
    ``tests.auth.helpers``'s tokens, with ``authorization``."""
    sdl = supergraph_sdl()
    async with kit_gateway(sdl, *subgraphs()) as kit:
        config = GatewayConfig.model_validate(
            {
                "subgraphs": {
                    name: sub.model_dump() for name, sub in kit.gateway.config.subgraphs.items()
                },
                "supergraph": {"watch": False},
                "auth": gateway_auth(),
                "authorization": authorization.model_dump(),
                "limits": NO_COST_LIMIT.model_dump(),
            }
        )
        gateway = await Gateway.create(config, sdl)
        try:
            async with (
                running_app(create_app(config, gateway)) as base,
                httpx.AsyncClient(timeout=10) as http,
            ):
                yield Served(kit, gateway, f"{base}{config.server.graphql_path}", http)
        finally:
            await gateway.close()


UNAUTHORIZED: dict[str, Any] = {
    "message": "Unauthorized field or type",
    "extensions": {"code": "UNAUTHORIZED_FIELD_OR_TYPE"},
}


def unauthorized(*path: str) -> dict[str, Any]:
    return {"message": UNAUTHORIZED["message"], "path": list(path), **UNAUTHORIZED}
