"""The platform's requirements over real HTTP and the websocket (the three real subgraphs,
the gateway on uvicorn, real tokens): progress needs a user, ``email`` is self-or-admin
(a policy, on top of the users subgraph's ownership check), listing users is admin-only,
anonymous callers keep the catalogue."""

from __future__ import annotations

from typing import Any

from tests.subscriptions.helpers import Platform, as_user, fresh_learner, websocket

UNAUTHORIZED = "UNAUTHORIZED_FIELD_OR_TYPE"
USER = "query U($id: ID!) { user(id: $id) { name email } }"


def codes(body: dict[str, Any]) -> list[tuple[list[Any], str]]:
    return [(e["path"], e["extensions"]["code"]) for e in body.get("errors", [])]


def two_users(platform: Platform) -> tuple[dict[str, Any], dict[str, Any]]:
    first, second = fresh_learner(platform.subgraphs, 0), fresh_learner(platform.subgraphs, 1)
    by_id = {u["id"]: u for u in platform.subgraphs.data.users}
    return by_id[first], by_id[second]


async def test_anonymous_callers_keep_the_catalogue(platform: Platform) -> None:
    courses = sorted(platform.subgraphs.data.courses, key=lambda c: c["id"])[:2]
    body = await platform.post("{ courses(first: 2) { nodes { id title } } }")
    assert body == {
        "data": {"courses": {"nodes": [{"id": c["id"], "title": c["title"]} for c in courses]}}
    }


async def test_progress_needs_a_user(platform: Platform) -> None:
    query = "{ courses(first: 2) { nodes { title myProgress { status } } } }"
    anonymous = await platform.post(query)
    assert [n["myProgress"] for n in anonymous["data"]["courses"]["nodes"]] == [None, None]
    assert codes(anonymous) == [(["courses", "nodes", "@", "myProgress"], UNAUTHORIZED)]
    learner, _ = two_users(platform)
    signed_in = await platform.post(query, None, **as_user(learner["id"]))
    assert "errors" not in signed_in
    assert len(signed_in["data"]["courses"]["nodes"]) == 2


async def test_listing_users_is_admin_only(platform: Platform) -> None:
    query = "{ users(first: 2) { nodes { id } } }"
    # users is non-null: its removal nulls data (the spec's null bubbling).
    assert await platform.post(query) == {
        "data": None,
        "errors": [
            {
                "message": "Unauthorized field or type",
                "path": ["users"],
                "extensions": {"code": UNAUTHORIZED},
            }
        ],
    }
    learner, _ = two_users(platform)
    body = await platform.post(query, None, **as_user(learner["id"]))
    assert codes(body) == [(["users"], UNAUTHORIZED)]
    admin = await platform.post(query, None, **as_user(learner["id"], "ADMIN"))
    ids = sorted(u["id"] for u in platform.subgraphs.data.users)[:2]
    assert admin == {"data": {"users": {"nodes": [{"id": i} for i in ids]}}}


async def test_email_is_self_or_admin(platform: Platform) -> None:
    alice, bob = two_users(platform)
    # Anonymous: removed by the gateway (the policy), the name still comes back.
    body = await platform.post(USER, {"id": alice["id"]})
    assert body["data"] == {"user": {"name": alice["name"], "email": None}}
    assert codes(body) == [(["user", "email"], UNAUTHORIZED)]
    # Herself: both the policy and the subgraph's ownership check agree.
    own = await platform.post(USER, {"id": alice["id"]}, **as_user(alice["id"]))
    assert own == {"data": {"user": {"name": alice["name"], "email": alice["email"]}}}
    # Another learner's: the policy lets a signed-in caller through (it cannot know whose
    # email it is); the users subgraph's ownership check, which stays, refuses.
    other = await platform.post(USER, {"id": bob["id"]}, **as_user(alice["id"]))
    assert other["data"] == {"user": {"name": bob["name"], "email": None}}
    assert codes(other) == [(["user", "email"], "FORBIDDEN")]
    admin = await platform.post(USER, {"id": bob["id"]}, **as_user(alice["id"], "ADMIN"))
    assert admin == {"data": {"user": {"name": bob["name"], "email": bob["email"]}}}


async def test_the_websocket_applies_the_same_rules(platform: Platform) -> None:
    alice, _ = two_users(platform)
    async with websocket(platform.ws_url) as client:
        await client.init()
        await client.subscribe("q", USER, {"id": alice["id"]})
        message = await client.receive()
    assert message["type"] == "next"
    assert message["payload"]["data"] == {"user": {"name": alice["name"], "email": None}}
    assert codes(message["payload"]) == [(["user", "email"], UNAUTHORIZED)]


async def test_the_api_schema_does_not_show_the_directives(platform: Platform) -> None:
    body = await platform.post(
        '{ __schema { directives { name } } scope: __type(name: "policy__Policy") { name } }'
    )
    names = {d["name"] for d in body["data"]["__schema"]["directives"]}
    assert names.isdisjoint({"authenticated", "requiresScopes", "policy"})
    assert body["data"]["scope"] is None
