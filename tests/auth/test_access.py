"""Who may touch whose progress, end to end (real gateway, real subgraphs, real sockets).

A learner cannot read, change or subscribe to another learner's progress, whatever
identity headers they add: the gateway drops them and forwards only the identity of the
verified token, signed; a subgraph refuses identity the gateway did not sign.
"""

from __future__ import annotations

import time
from typing import Any

from subgraphs._shared.identity import sign_identity
from tests.auth.helpers import TEST_SECRET, identity_provider
from tests.subgraphs.helpers import RunningSubgraphs
from tests.subscriptions.helpers import (
    COMPLETE,
    PROGRESS,
    Platform,
    as_user,
    fresh_learner,
    lessons_of,
    websocket,
)

ENROLLMENTS = """query E($id: ID!) { user(id: $id) {
    id enrollments(first: 5) { nodes { course { id } } } } }"""
COMPLETED = """query P($c: ID!) { me { progress(courseId: $c) { completedLessons } } }"""


def forged(user_id: str, role: str = "ADMIN") -> dict[str, str]:
    """Identity headers for ``user_id`` — even correctly signed, as if the secret leaked
    to a client: the gateway must still drop them."""
    return sign_identity(TEST_SECRET.encode(), user_id, (role,))


def two_learners(subgraphs: RunningSubgraphs) -> tuple[str, str]:
    return fresh_learner(subgraphs, 0), fresh_learner(subgraphs, 1)


async def completed(platform: Platform, user: str, course: str) -> Any:
    body = await platform.post(COMPLETED, {"c": course}, **as_user(user))
    return body["data"]["me"]["progress"]


async def test_a_learner_cannot_read_another_learners_progress(platform: Platform) -> None:
    alice, bob = two_learners(platform.subgraphs)
    body = await platform.post(ENROLLMENTS, {"id": bob}, **as_user(alice), **forged(bob))
    assert body["data"] == {"user": {"id": bob, "enrollments": None}}
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    own = await platform.post(ENROLLMENTS, {"id": alice}, **as_user(alice))
    assert own == {"data": {"user": {"id": alice, "enrollments": {"nodes": []}}}}


async def test_forged_identity_headers_cannot_change_another_learners_progress(
    platform: Platform,
) -> None:
    alice, bob = two_learners(platform.subgraphs)
    course = platform.subgraphs.data.courses[0]["id"]
    lesson = lessons_of(platform.subgraphs, course)[0]["id"]
    variables = {"input": {"lessonId": lesson, "clientMutationId": "m"}}
    # Alice's token with Bob's (signed!) identity headers: the change is Alice's.
    body = await platform.post(COMPLETE, variables, **as_user(alice), **forged(bob))
    assert body == {"data": {"completeLesson": {"clientMutationId": "m"}}}
    assert await completed(platform, alice, course) == {"completedLessons": 1}
    assert await completed(platform, bob, course) is None
    # No token, Bob's identity headers: anonymous, so refused (by the gateway: the
    # mutation is @authenticated; the subgraph would refuse it too).
    body = await platform.post(COMPLETE, variables, **forged(bob))
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHORIZED_FIELD_OR_TYPE"
    assert await completed(platform, bob, course) is None


async def test_a_learner_cannot_subscribe_to_another_learners_progress(
    platform: Platform,
) -> None:
    alice, bob = two_learners(platform.subgraphs)
    course = platform.subgraphs.data.courses[0]["id"]
    lesson = lessons_of(platform.subgraphs, course)[0]["id"]
    # Alice's token, Bob's identity in the handshake and in the payload, both ways.
    async with websocket(platform.ws_url, headers=forged(bob)) as client:
        await client.init({**as_user(alice), **forged(bob), "headers": forged(bob)})
        await client.subscribe("1", PROGRESS)
        await platform.wait_for_subscribers(alice, 1)
        assert platform.subscribers(bob) == 0
        await platform.complete_lesson(bob, lesson)
        await platform.complete_lesson(alice, lesson)
        message = await client.receive()
    # The first event is Alice's own completion: Bob's never reached her.
    assert message["payload"]["data"]["progressUpdated"]["progress"] == {"completedLessons": 1}
    assert message["payload"]["data"]["progressUpdated"]["lesson"]["id"] == lesson
    await platform.wait_for_subscribers(alice, 0)


async def test_anonymous_subscription_is_refused(platform: Platform) -> None:
    bob = fresh_learner(platform.subgraphs)
    async with websocket(platform.ws_url) as client:
        await client.init({"headers": forged(bob)})
        await client.subscribe("1", PROGRESS)
        message = await client.receive()
    # progressUpdated is @authenticated: the gateway refuses before any upstream.
    assert message["type"] == "error"
    assert message["payload"][0]["extensions"]["code"] == "UNAUTHORIZED_FIELD_OR_TYPE"
    assert platform.subscribers(bob) == 0


async def test_subgraphs_refuse_identity_the_gateway_did_not_sign(platform: Platform) -> None:
    url = platform.subgraphs.urls["users"]
    user = fresh_learner(platform.subgraphs)
    me = {"query": "{ me { id } }"}
    cases: dict[str, dict[str, str]] = {
        "unsigned": {"x-user-id": user, "x-user-roles": "ADMIN"},
        "wrong secret": sign_identity(b"not-the-secret-" * 3, user),
        "expired": sign_identity(TEST_SECRET.encode(), user, expires=int(time.time()) - 1),
        "roles changed after signing": {
            **sign_identity(TEST_SECRET.encode(), user),
            "x-user-roles": "ADMIN",
        },
    }
    for name, headers in cases.items():
        response = await platform.http.post(url, json=me, headers=headers)
        body = response.json()
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", (name, body)
    signed = sign_identity(TEST_SECRET.encode(), user)
    response = await platform.http.post(url, json=me, headers=signed)
    assert response.json() == {"data": {"me": {"id": user}}}


async def test_the_gateway_forwards_a_signed_identity_from_the_token(platform: Platform) -> None:
    user = fresh_learner(platform.subgraphs)
    token = identity_provider().token(user, roles=["LEARNER"], scope="a b")
    headers = {"authorization": f"Bearer {token}"}
    body = await platform.post("{ me { id role } }", None, **headers)
    assert body == {"data": {"me": {"id": user, "role": "LEARNER"}}}
