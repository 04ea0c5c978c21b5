"""The semantics of @authenticated, @requiresScopes and @policy on kit subgraphs: over real
HTTP (the gateway on uvicorn, callers with real tokens, the subgraphs on real sockets
recording what they are asked), what is removed before planning, what comes back, which
errors, which fetches."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from gateway.authz import AuthorizationConfig
from gateway.request import GraphQLParams, Identity, RequestContext
from tests.authz.helpers import Served, served, unauthorized, user

pytestmark = pytest.mark.asyncio(loop_scope="module")

AUTHORIZATION = AuthorizationConfig(policies={"staff": "tests.authz.helpers:is_staff"})


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[Served]:
    async with served(AUTHORIZATION) as running:
        yield running


async def run(gw: Served, query: str, identity: Identity | None = None) -> dict[str, Any]:
    """``query`` over HTTP as ``identity`` (a real token; None: anonymous)."""
    return await gw.post(query, identity)


def fetched(gw: Served) -> dict[str, list[str]]:
    return {name: [r.query for r in requests] for name, requests in gw.kit.sent().items()}


async def test_an_unauthorized_field_is_null_with_an_error_and_the_rest_runs(
    gw: Served,
) -> None:
    body = await run(gw, "{ users { id name email } products { name } }")
    assert body == {
        "data": {
            "users": [
                {"id": "u1", "name": "Ada", "email": None},
                {"id": "u2", "name": "Bob", "email": None},
            ],
            "products": [{"name": "Pen"}, {"name": "Ink"}],
        },
        "errors": [unauthorized("users", "@", "email")],
    }
    # Removed before planning: the subgraph is never asked for it.
    assert all("email" not in q for q in fetched(gw)["accounts"])


async def test_a_non_null_unauthorized_field_nulls_its_parent(gw: Served) -> None:
    body = await run(gw, "{ me { id ssn } products { name } }", user("pii:read"))
    assert body == {
        "data": {"me": None, "products": [{"name": "Pen"}, {"name": "Ink"}]},
        "errors": [unauthorized("me", "ssn")],
    }


async def test_a_selection_left_empty_keeps_its_parent(gw: Served) -> None:
    body = await run(gw, "{ me { email } }", user())
    assert body == {"data": {"me": {"email": None}}, "errors": [unauthorized("me", "email")]}
    assert fetched(gw)["accounts"] == ["query{me {__typename}}"]


async def test_non_null_bubbling_reaches_data(gw: Served) -> None:
    # users: [User!]! — a null item bubbles through the non-null list to the root.
    body = await run(gw, "{ users { ssn } }", user())
    assert body == {"data": None, "errors": [unauthorized("users", "@", "ssn")]}


@pytest.mark.parametrize(
    ("scopes", "email", "ssn"),
    [
        ((), False, False),
        (("email:read",), True, False),  # first alternative of email
        (("admin",), True, False),  # second alternative of email; ssn needs both
        (("pii:read",), False, False),
        (("pii:read", "admin"), True, True),  # both of ssn's: AND
    ],
)
async def test_scopes_outer_list_or_inner_list_and(
    gw: Served, scopes: tuple[str, ...], email: bool, ssn: bool
) -> None:
    body = await run(gw, "{ me { email ssn } }", user(*scopes))
    expected_errors = [
        unauthorized("me", field) for field, ok in (("email", email), ("ssn", ssn)) if not ok
    ]
    assert body.get("errors", []) == expected_errors
    if ssn:
        assert body["data"] == {"me": {"email": "ada@x" if email else None, "ssn": "111"}}
    else:
        assert body["data"] == {"me": None}  # ssn is non-null: me is null


async def test_a_policy_callable_decides(gw: Served) -> None:
    staff = await run(gw, "{ me { note } }", user(roles=("STAFF",)))
    assert staff == {"data": {"me": {"note": "n1"}}}
    learner = await run(gw, "{ me { note } }", user())
    assert learner == {"data": {"me": {"note": None}}, "errors": [unauthorized("me", "note")]}


async def test_an_unknown_policy_never_grants() -> None:
    async with served(AuthorizationConfig()) as other:
        body = await run(other, "{ me { note } }", user(roles=("STAFF",)))
    assert body == {"data": {"me": {"note": None}}, "errors": [unauthorized("me", "note")]}


async def test_a_type_level_requirement_removes_fields_returning_it(gw: Served) -> None:
    body = await run(gw, "{ secret { code } users { id } }")
    assert body == {
        "data": {"secret": None, "users": [{"id": "u1"}, {"id": "u2"}]},
        "errors": [unauthorized("secret")],
    }
    signed_in = await run(gw, "{ secret { code } }", user())
    assert signed_in == {"data": {"secret": {"code": "42"}}}


async def test_interfaces_enums_and_scalars_carry_requirements(gw: Served) -> None:
    query = '{ account(id: "u1") { id } users { tier } products { cost } }'
    body = await run(gw, query, user())
    assert body == {
        "data": {
            "account": None,
            "users": [{"tier": "GOLD"}, {"tier": "SILVER"}],
            "products": [{"cost": None}, {"cost": None}],
        },
        "errors": [unauthorized("account"), unauthorized("products", "@", "cost")],
    }
    anonymous = await run(gw, "{ users { id tier } }")
    assert anonymous["errors"] == [unauthorized("users", "@", "tier")]
    granted = await run(gw, query, user("accounts", "pricing"))
    assert granted["data"]["account"] == {"id": "u1"}
    assert granted["data"]["products"] == [{"cost": 1}, {"cost": 2}]


async def test_when_every_field_is_unauthorized_no_fetch_runs(gw: Served) -> None:
    body = await run(gw, "{ me { id } secret { code } }")
    assert body == {
        "data": {"me": None, "secret": None},
        "errors": [unauthorized("me"), unauthorized("secret")],
    }
    assert gw.kit.sent() == {}


async def test_a_field_of_another_subgraph_on_an_entity(gw: Served) -> None:
    body = await run(gw, "{ products { name buyer { orders } } }")
    assert body == {
        "data": {
            "products": [
                {"name": "Pen", "buyer": {"orders": None}},
                {"name": "Ink", "buyer": {"orders": None}},
            ]
        },
        "errors": [unauthorized("products", "@", "buyer", "orders")],
    }
    # The buyer is still fetched (only its removed field is null), orders never asked.
    assert all("orders" not in q for qs in fetched(gw).values() for q in qs)
    signed_in = await run(gw, "{ products { buyer { orders } } }", user())
    assert signed_in == {
        "data": {"products": [{"buyer": {"orders": ["o1"]}}, {"buyer": {"orders": []}}]}
    }


async def test_a_denied_field_the_planner_fetches_anyway_never_reaches_the_client(
    gw: Served,
) -> None:
    # contact @requires email: the plan fetches email from accounts for shop, under the
    # client's own key; it is taken out of the data before shaping.
    body = await run(gw, "{ users { email contact } }")
    assert "email" in fetched(gw)["accounts"][0]
    assert body == {
        "data": {
            "users": [
                {"email": None, "contact": "mail ada@x"},
                {"email": None, "contact": "mail bob@x"},
            ]
        },
        "errors": [unauthorized("users", "@", "email")],
    }


async def test_plans_are_cached_per_outcome_not_per_caller(gw: Served) -> None:
    query = "{ me { name email } }"

    async def plan_of(identity: Identity) -> Any:
        # In-process, to compare the plan objects themselves.
        prepared = await gw.gateway.prepare(
            GraphQLParams(query=query), RequestContext(identity=identity)
        )
        return prepared.plan

    alice = await plan_of(user(user_id="u1"))
    bob = await plan_of(user(user_id="u2"))
    reader = await plan_of(user("email:read", user_id="u2"))
    admin = await plan_of(user("admin", user_id="u1"))
    assert alice is bob  # same outcome (email removed): one plan
    assert reader is admin  # same outcome (nothing removed), different scopes: one plan
    assert alice is not reader
    assert "email" not in alice.text() and "email" in reader.text()
