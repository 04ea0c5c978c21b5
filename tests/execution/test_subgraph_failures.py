# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""Subgraph failures: down, slow beyond its timeout, answering errors, malformed JSON,
JSON that is not a GraphQL response, HTTP 500, null for a non-null field. Every time:
partial data, errors naming the service (SUBGRAPH_FETCH_FAILED when no GraphQL response
came back), and never an exception out of ``Gateway.execute``."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from inline_snapshot import snapshot

from gateway.config import SubgraphConfig
from tests.execution.test_subgraph_errors import SUPERGRAPH, make_subgraphs
from tests.planning.helpers import kit_gateway, raw_app
from tests.servers import bound_socket

#: One event loop per module: the module-scoped kit servers and gateway live in it.
pytestmark = pytest.mark.asyncio(loop_scope="module")

ENTITY_QUERY = '{ product(upc: "1") { name reviews { body } } }'


def without_reason(body: dict[str, Any]) -> dict[str, Any]:
    """The body with each fetch-failure message cut before the HTTP client's own reason
    (an exception class name that depends on the client library)."""
    errors = [
        {**e, "message": e["message"].split(": ", 1)[0]}
        if "HTTP fetch failed" in e["message"]
        else e
        for e in body.get("errors", [])
    ]
    return {**body, "errors": errors}


def closed_port_url() -> str:
    sock = bound_socket()
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there any more
    return f"http://127.0.0.1:{port}/graphql"


@pytest_asyncio.fixture(loop_scope="module")
async def release() -> AsyncIterator[asyncio.Event]:
    """Set at teardown so a deliberately slow server can finish (and shut down fast)."""
    event = asyncio.Event()
    yield event
    event.set()


def _with_reviews_app(app: Any, **kwargs: Any) -> Any:
    products = make_subgraphs()[0]
    return kit_gateway(SUPERGRAPH, products, apps={"reviews": app}, **kwargs)


async def _entity_failure(
    app: Any, release: asyncio.Event | None = None, **kwargs: Any
) -> dict[str, Any]:
    async with _with_reviews_app(app, **kwargs) as gw:
        _, body = await asyncio.wait_for(gw.run(ENTITY_QUERY), 10)
        if release is not None:
            release.set()  # let the slow server answer: uvicorn waits for it to stop
    return dict(body)


async def test_subgraph_down_for_an_entity_fetch() -> None:
    products, reviews = make_subgraphs()
    extra = {"reviews": SubgraphConfig(url=closed_port_url())}
    async with kit_gateway(SUPERGRAPH, products, reviews, extra=extra) as gw:
        _, body = await gw.run(ENTITY_QUERY)
    assert without_reason(body) == snapshot(
        {
            "data": {"product": {"name": "Table", "reviews": None}},
            "errors": [
                {
                    "message": "HTTP fetch failed from 'reviews'",
                    "extensions": {"code": "SUBGRAPH_FETCH_FAILED", "service": "reviews"},
                }
            ],
        }
    )


async def test_subgraph_down_for_the_root_fetch() -> None:
    products, reviews = make_subgraphs()
    extra = {"products": SubgraphConfig(url=closed_port_url())}
    async with kit_gateway(SUPERGRAPH, products, reviews, extra=extra) as gw:
        _, body = await gw.run(ENTITY_QUERY)
        _, non_null_root = await gw.run("{ products { name } }")
    assert without_reason(body) == snapshot(
        {
            "data": {"product": None},
            "errors": [
                {
                    "message": "HTTP fetch failed from 'products'",
                    "extensions": {"code": "SUBGRAPH_FETCH_FAILED", "service": "products"},
                }
            ],
        }
    )
    assert without_reason(non_null_root) == snapshot(
        {
            "data": None,
            "errors": [
                {
                    "message": "HTTP fetch failed from 'products'",
                    "extensions": {"code": "SUBGRAPH_FETCH_FAILED", "service": "products"},
                }
            ],
        }
    )


async def test_subgraph_slower_than_its_timeout(release: asyncio.Event) -> None:
    body = await _entity_failure(
        raw_app(b'{"data": {"_entities": []}}', wait=release.wait),
        release,
        extra={"reviews": SubgraphConfig(timeout_seconds=0.2)},
    )
    assert body == snapshot(
        {
            "data": {"product": {"name": "Table", "reviews": None}},
            "errors": [
                {
                    "message": "HTTP fetch failed from 'reviews': timed out after 0.2s",
                    "extensions": {"code": "SUBGRAPH_FETCH_FAILED", "service": "reviews"},
                }
            ],
        }
    )


async def test_subgraph_answering_only_errors() -> None:
    payload = {"errors": [{"message": "database is on fire"}]}
    body = await _entity_failure(raw_app(json.dumps(payload).encode()))
    assert body == snapshot(
        {
            "data": {"product": {"name": "Table", "reviews": None}},
            "errors": [
                {
                    "message": "Subgraph errors redacted",
                    "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR", "service": "reviews"},
                }
            ],
        }
    )


async def test_subgraph_answering_malformed_json() -> None:
    body = await _entity_failure(raw_app(b'{"data": {"_entities": [{"reviews": '))
    assert body == snapshot(
        {
            "data": {"product": {"name": "Table", "reviews": None}},
            "errors": [
                {
                    "message": "HTTP fetch failed from 'reviews': invalid JSON in the response (HTTP 200)",
                    "extensions": {"code": "SUBGRAPH_FETCH_FAILED", "service": "reviews"},
                }
            ],
        }
    )


async def test_subgraph_answering_json_that_is_not_graphql() -> None:
    body = await _entity_failure(raw_app(b'{"status": "ok"}'))
    listed = await _entity_failure(raw_app(b"[1, 2, 3]"))
    assert body == snapshot(
        {
            "data": {"product": {"name": "Table", "reviews": None}},
            "errors": [
                {
                    "message": "HTTP fetch failed from 'reviews': not a GraphQL response (HTTP 200)",
                    "extensions": {"code": "SUBGRAPH_FETCH_FAILED", "service": "reviews"},
                }
            ],
        }
    )
    assert listed == body


async def test_subgraph_answering_http_500() -> None:
    body = await _entity_failure(
        raw_app(b"<h1>Internal Server Error</h1>", status=500, content_type="text/html")
    )
    assert body == snapshot(
        {
            "data": {"product": {"name": "Table", "reviews": None}},
            "errors": [
                {
                    "message": "HTTP fetch failed from 'reviews': invalid JSON in the response (HTTP 500)",
                    "extensions": {"code": "SUBGRAPH_FETCH_FAILED", "service": "reviews"},
                }
            ],
        }
    )


async def test_entities_answer_with_null_data() -> None:
    payload = {"data": None, "errors": [{"message": "x", "path": ["_entities", 0, "reviews"]}]}
    body = await _entity_failure(raw_app(json.dumps(payload).encode()))
    assert body == snapshot(
        {
            "data": {"product": {"name": "Table", "reviews": None}},
            "errors": [
                {
                    "message": "Subgraph errors redacted",
                    "path": ["product", "reviews"],
                    "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR", "service": "reviews"},
                }
            ],
        }
    )


async def test_entities_answer_with_null_for_a_non_null_field() -> None:
    payload = {"data": {"_entities": [{"reviews": [{"body": None}]}]}}
    body = await _entity_failure(raw_app(json.dumps(payload).encode()))
    assert body == snapshot(
        {
            "data": {"product": {"name": "Table", "reviews": None}},
            "errors": [
                {
                    "message": "Cannot return null for non-nullable field Review.body.",
                    "path": ["product", "reviews", 0, "body"],
                    "extensions": {"code": "NON_NULL_FIELD_IS_NULL"},
                }
            ],
        }
    )


async def test_entities_answer_with_too_few_entities() -> None:
    async with _with_reviews_app(raw_app(b'{"data": {"_entities": []}}')) as gw:
        _, body = await gw.run('{ product(upc: "1") { name rating } }')
    assert body == snapshot(
        {
            "data": {"product": None},
            "errors": [
                {
                    "message": "Subgraph 'reviews' answered _entities with 0 entities for 1 representations.",
                    "extensions": {"code": "INVALID_SUBGRAPH_RESPONSE", "service": "reviews"},
                }
            ],
        }
    )


async def test_partial_data_from_the_healthy_subgraph_in_parallel(
    release: asyncio.Event,
) -> None:
    # The fetch that times out does not take the data of the healthy one with it.
    async with _with_reviews_app(
        raw_app(b"", wait=release.wait), extra={"reviews": SubgraphConfig(timeout_seconds=0.2)}
    ) as gw:
        _, body = await asyncio.wait_for(
            gw.run('{ a: product(upc: "1") { name } b: product(upc: "3") { reviews { body } } }'),
            10,
        )
        release.set()
    assert body == snapshot(
        {
            "data": {"a": {"name": "Table"}, "b": {"reviews": None}},
            "errors": [
                {
                    "message": "HTTP fetch failed from 'reviews': timed out after 0.2s",
                    "extensions": {"code": "SUBGRAPH_FETCH_FAILED", "service": "reviews"},
                }
            ],
        }
    )


async def test_entities_answer_with_a_wrongly_typed_value() -> None:
    payload = {"data": {"_entities": [{"reviews": "not a list"}]}}
    body = await _entity_failure(raw_app(json.dumps(payload).encode()))
    assert body == snapshot(
        {
            "data": {"product": {"name": "Table", "reviews": None}},
            "errors": [
                {
                    "message": "Invalid value for Product.reviews: expected a list.",
                    "path": ["product", "reviews"],
                    "extensions": {"code": "INVALID_SUBGRAPH_RESPONSE"},
                }
            ],
        }
    )


async def test_entities_answer_that_is_not_a_list() -> None:
    payload: dict[str, object] = {"data": {"_entities": {"reviews": []}}}
    body = await _entity_failure(raw_app(json.dumps(payload).encode()))
    assert body == snapshot(
        {
            "data": {"product": {"name": "Table", "reviews": None}},
            "errors": [
                {
                    "message": "Subgraph 'reviews' answered _entities with a dict, not a list for 1 representations.",
                    "extensions": {"code": "INVALID_SUBGRAPH_RESPONSE", "service": "reviews"},
                }
            ],
        }
    )


async def test_entities_answer_with_too_few_entities_for_a_nullable_field() -> None:
    body = await _entity_failure(raw_app(b'{"data": {"_entities": []}}'))
    assert body == snapshot(
        {
            "data": {"product": {"name": "Table", "reviews": None}},
            "errors": [
                {
                    "message": "Subgraph 'reviews' answered _entities with 0 entities for 1 representations.",
                    "extensions": {"code": "INVALID_SUBGRAPH_RESPONSE", "service": "reviews"},
                }
            ],
        }
    )


async def test_entities_answer_with_data_and_an_error_inside_it() -> None:
    payload = {
        "data": {"_entities": [{"reviews": [{"body": "x"}]}]},
        "errors": [
            {
                "message": "partial",
                "path": ["_entities", 0, "reviews", 0, "body"],
                "extensions": {"code": "X"},
            }
        ],
    }
    body = await _entity_failure(raw_app(json.dumps(payload).encode()))
    assert body == snapshot(
        {
            "data": {"product": {"name": "Table", "reviews": [{"body": "x"}]}},
            "errors": [
                {
                    "message": "partial",
                    "path": ["product", "reviews", 0, "body"],
                    "extensions": {"code": "X", "service": "reviews"},
                }
            ],
        }
    )
