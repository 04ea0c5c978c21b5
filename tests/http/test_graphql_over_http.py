"""GraphQL over HTTP at the gateway: GET and POST, media types, and which status each
outcome gets in each media type (spec: graphql.github.io/graphql-over-http)."""

from __future__ import annotations

import httpx
import orjson
import pytest

GQL = "application/graphql-response+json"
JSON = "application/json"


async def test_post_query(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        json={"query": "query G($n: String!) { greet(name: $n) }", "variables": {"n": "post"}},
        headers={"accept": GQL},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{GQL}; charset=utf-8"
    assert response.json() == {"data": {"greet": "hello, post"}}


async def test_get_query_with_variables_and_operation_name(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql",
        params={
            "query": "query A { hello } query B($a: Int!) { add(a: $a, b: 2) }",
            "operationName": "B",
            "variables": '{"a": 40}',
            "extensions": "{}",
        },
        headers={"accept": JSON},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{JSON}; charset=utf-8"
    assert response.json() == {"data": {"add": 42}}


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        (JSON, JSON),
        (GQL, GQL),
        (f"{GQL}, {JSON}", GQL),
        (f"{JSON}, {GQL}", GQL),
        (f"{GQL};q=0.5, {JSON}", JSON),
        (f"{GQL}, {JSON};q=0.9", GQL),
        (f"{JSON};q=0, */*", GQL),
    ],
)
async def test_media_type_negotiation(
    client: httpx.AsyncClient, accept: str | None, expected: str
) -> None:
    headers = {"accept": accept} if accept is not None else {}
    response = await client.post("/graphql", json={"query": "{ hello }"}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == expected
    assert "accept" in response.headers["vary"].lower()


async def test_mutation_over_get_is_405_in_both_media_types(client: httpx.AsyncClient) -> None:
    for accept in (GQL, JSON):
        response = await client.get(
            "/graphql",
            params={"query": 'mutation { setGreeting(text: "x") }'},
            headers={"accept": accept},
        )
        assert response.status_code == 405
        assert response.headers["allow"] == "POST"
        assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


async def test_mutation_over_post(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": 'mutation { setGreeting(text: "hi") }'}, headers={"accept": GQL}
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"setGreeting": "hi"}}


async def test_query_over_get_when_document_also_has_a_mutation(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql",
        params={
            "query": 'query Q { hello } mutation M { setGreeting(text: "x") }',
            "operationName": "Q",
        },
        headers={"accept": GQL},
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"hello": "world"}}


async def test_request_error_status_per_media_type(client: httpx.AsyncClient) -> None:
    body = orjson.dumps({"query": "{ nope }"})
    new = await client.post("/graphql", content=body, headers={"content-type": JSON, "accept": GQL})
    legacy = await client.post(
        "/graphql", content=body, headers={"content-type": JSON, "accept": JSON}
    )
    assert new.status_code == 400
    assert legacy.status_code == 200
    assert new.json() == legacy.json()
    assert "data" not in new.json()


async def test_null_optional_parameters(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        json={"query": "{ hello }", "operationName": None, "variables": None, "extensions": None},
        headers={"accept": GQL},
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"hello": "world"}}


async def test_unicode_round_trip(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        json={"query": 'query { greet(name: "Run🏃Swim🏊 ünïcødé") }'},
        headers={"accept": GQL},
    )
    assert response.json() == {"data": {"greet": "hello, Run🏃Swim🏊 ünïcødé"}}
    assert "🏃".encode() in response.content  # UTF-8 on the wire, not \\u escapes


async def test_health(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
