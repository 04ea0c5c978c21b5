"""subgraphs._shared: identity headers, cursors, the in-process broker, parsed documents."""

from __future__ import annotations

import uuid

import httpx
import pytest

from subgraphs._shared.broker import InProcessBroker
from subgraphs._shared.errors import BadUserInput, Forbidden, Unauthenticated
from subgraphs._shared.identity import ANONYMOUS, Identity, Role, identity_from
from subgraphs._shared.pagination import check_first, decode_cursor, encode_cursor
from subgraphs._shared.schema import PARSED_DOCUMENT_MAX_CHARS, _parsed
from tests.subgraphs.helpers import RunningSubgraphs


def test_identity_from_headers():
    identity = identity_from({"X-User-Id": " usr_1 ", "X-User-Roles": "learner, ADMIN,wizard"})
    assert identity == Identity("usr_1", frozenset({Role.LEARNER, Role.ADMIN}))
    assert identity.is_admin


@pytest.mark.parametrize(
    "values",
    [{}, {"x-user-id": ""}, {"x-user-id": "   "}, {"x-user-id": 42}, {"x-user-id": "u" * 65}],
)
def test_missing_or_invalid_user_id_is_anonymous(values: dict[str, object]):
    assert identity_from(values) == ANONYMOUS


def test_access_rules():
    learner = Identity("usr_1", frozenset({Role.LEARNER}))
    admin = Identity("usr_9", frozenset({Role.ADMIN}))
    assert learner.require_self_or_admin("usr_1") == "usr_1"
    assert admin.require_self_or_admin("usr_1") == "usr_9"
    with pytest.raises(Forbidden):
        learner.require_self_or_admin("usr_2")
    with pytest.raises(Unauthenticated):
        ANONYMOUS.require_user()


def test_cursor_round_trip_and_rejections():
    cursor = encode_cursor("user", "usr_0042")
    assert decode_cursor("user", cursor) == "usr_0042"
    assert decode_cursor("user", None) is None
    for bad in ("", "!!!", "dXNlcg", encode_cursor("course", "x"), "a" * 201, "\u00e9t\u00e9"):
        with pytest.raises(BadUserInput):
            decode_cursor("user", bad)


@pytest.mark.parametrize("first", [0, -1, 101])
def test_first_out_of_range(first: int):
    with pytest.raises(BadUserInput):
        check_first(first)


async def test_in_process_broker_delivers_to_current_subscribers_only():
    broker = InProcessBroker()
    await broker.publish("c", {"n": 0})  # nobody listens: dropped
    async with broker.subscribe("c") as first, broker.subscribe("c") as second:
        assert broker.subscriber_count("c") == 2
        await broker.publish("c", {"n": 1})
        await broker.publish("other", {"n": 2})
        assert await anext(first) == {"n": 1}
        assert await anext(second) == {"n": 1}
    assert broker.subscriber_count("c") == 0


async def test_each_document_is_parsed_once(subgraphs: RunningSubgraphs, client: httpx.AsyncClient):
    url = subgraphs.urls["courses"]
    query = f"query Once{uuid.uuid4().hex} {{ __typename }}"
    before = _parsed.cache_info()
    for _ in range(3):
        response = await client.post(url, json={"query": query})
        assert response.json() == {"data": {"__typename": "Query"}}
    after = _parsed.cache_info()
    assert (after.misses - before.misses, after.hits - before.hits) == (1, 2)
    # Longer texts are parsed on each request (the cache stays small), and still answered.
    long = query + " " * PARSED_DOCUMENT_MAX_CHARS
    response = await client.post(url, json={"query": long})
    assert response.json() == {"data": {"__typename": "Query"}}
    assert _parsed.cache_info().misses == after.misses
