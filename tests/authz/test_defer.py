"""Authorization with ``@defer``: a field the caller may not see inside a deferred
fragment is planned without (never fetched) and comes back null in the fragment's part;
the authorization errors are in the first part, as they are known before execution."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from gateway.authz import AuthorizationConfig
from tests.authz.helpers import Served, served, unauthorized
from tests.execution.helpers import read_multipart

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[Served]:
    async with served(AuthorizationConfig(policies={})) as running:
        yield running


async def test_a_denied_field_in_a_deferred_fragment_is_null_there(gw: Served) -> None:
    gw.kit.reset()
    _, parts = await read_multipart(
        gw.http,
        gw.url,
        "{ products { name ... @defer { price buyer { name email } } } }",
        "multipart/mixed;deferSpec=20220824,application/json",
    )
    assert [part.body for part in parts] == [
        {
            "data": {"products": [{"name": "Pen"}, {"name": "Ink"}]},
            "errors": [
                unauthorized("products", "@", "buyer", "email"),
                unauthorized("products", "@", "price"),
            ],
            "hasNext": True,
        },
        {
            "incremental": [
                {
                    "data": {"price": None, "buyer": {"name": "Ada", "email": None}},
                    "path": ["products", 0],
                },
                {
                    "data": {"price": None, "buyer": {"name": "Bob", "email": None}},
                    "path": ["products", 1],
                },
            ],
            "hasNext": False,
        },
    ]
    queries = [r.query for requests in gw.kit.sent().values() for r in requests]
    assert not any("price" in q or "email" in q for q in queries), queries
