"""Bad input at the front door: each a clear GraphQL error with a stable code and the right
status — never a 5xx, a hang or a stack trace. Real gateway, real subgraph, real HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import orjson
import pytest

from tests.http.hello_subgraph import supergraph_for
from tests.http.helpers import gateway_server

GQL = "application/graphql-response+json"
JSON = "application/json"
ADD_QUERY = '{"query": "query($a: Int!) { add(a: $a, b: 1) }", "variables": {"a": NUMBER}}'
NESTED_BODY = '{"query": "{ hello }", "extensions": {"x": NESTED}}'


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, object]:
    """The response is a GraphQL error body: no data, first error with ``code``."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].split(";")[0] in (GQL, JSON)
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == code, body
    assert body["errors"][0]["message"]
    assert "Traceback" not in response.text
    return body


async def post(
    client: httpx.AsyncClient,
    body: bytes | str,
    *,
    accept: str = GQL,
    content_type: str | None = "application/json",
) -> httpx.Response:
    headers = {"accept": accept}
    if content_type is not None:
        headers["content-type"] = content_type
    content = body.encode() if isinstance(body, str) else body
    return await client.post("/graphql", content=content, headers=headers)


@pytest.mark.parametrize("accept", [GQL, JSON])
async def test_malformed_json(client: httpx.AsyncClient, accept: str) -> None:
    body = assert_error(
        await post(client, '{"query": "{ hello }"', accept=accept), 400, "INVALID_JSON"
    )
    assert "not valid JSON" in body["errors"][0]["message"]  # type: ignore[index]


@pytest.mark.parametrize("body", ['"{ hello }"', "42", "null", "true"])
async def test_body_not_object_or_array(client: httpx.AsyncClient, body: str) -> None:
    assert_error(await post(client, body), 400, "INVALID_REQUEST_BODY")


@pytest.mark.parametrize("body", ["", "   "])
async def test_empty_body(client: httpx.AsyncClient, body: str) -> None:
    assert_error(await post(client, body), 400, "INVALID_REQUEST_BODY")


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "text/plain",
        "application/graphql",
        "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded",
        "application/json; charset=latin-1",
    ],
)
async def test_wrong_or_missing_content_type(
    client: httpx.AsyncClient, content_type: str | None
) -> None:
    response = await post(client, '{"query": "{ hello }"}', content_type=content_type)
    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")


async def test_json_with_utf8_charset_is_accepted(client: httpx.AsyncClient) -> None:
    response = await post(
        client, '{"query": "{ hello }"}', content_type="application/json; charset=UTF-8"
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"hello": "world"}}


@pytest.mark.parametrize("accept", [GQL, JSON])
@pytest.mark.parametrize("body", ["{}", '{"query": null}', '{"query": ""}', '{"qeury": "{ a }"}'])
async def test_missing_query(client: httpx.AsyncClient, body: str, accept: str) -> None:
    # Not a well-formed request: 400 even in application/json.
    assert_error(await post(client, body, accept=accept), 400, "MISSING_QUERY")


async def test_missing_query_over_get(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"accept": GQL})
    assert_error(response, 400, "MISSING_QUERY")


@pytest.mark.parametrize(
    "body",
    [
        {"query": 42},
        {"query": ["{ hello }"]},
        {"query": "{ hello }", "operationName": 1},
        {"query": "{ hello }", "variables": '{"a": 1}'},
        {"query": "{ hello }", "variables": [1]},
        {"query": "{ hello }", "extensions": "x"},
    ],
)
async def test_parameters_of_the_wrong_type(client: httpx.AsyncClient, body: object) -> None:
    assert_error(await post(client, orjson.dumps(body), accept=JSON), 400, "INVALID_PARAMETER")


@pytest.mark.parametrize(("accept", "status"), [(GQL, 400), (JSON, 200)])
async def test_unknown_operation_name(client: httpx.AsyncClient, accept: str, status: int) -> None:
    body = {"query": "query A { hello } query B { hello }", "operationName": "C"}
    assert_error(
        await post(client, orjson.dumps(body), accept=accept), status, "OPERATION_NOT_FOUND"
    )


@pytest.mark.parametrize(("accept", "status"), [(GQL, 400), (JSON, 200)])
async def test_several_operations_without_a_name(
    client: httpx.AsyncClient, accept: str, status: int
) -> None:
    body = {"query": "query A { hello } query B { hello }"}
    response = await post(client, orjson.dumps(body), accept=accept)
    assert_error(response, status, "OPERATION_NAME_REQUIRED")


@pytest.mark.parametrize(("accept", "status"), [(GQL, 400), (JSON, 200)])
@pytest.mark.parametrize(
    "variables",
    [{}, {"name": None}, {"name": 5}, {"name": {"nested": "object"}}],
)
async def test_invalid_variables(
    client: httpx.AsyncClient, accept: str, status: int, variables: dict[str, object]
) -> None:
    body = {"query": "query G($name: String!) { greet(name: $name) }", "variables": variables}
    assert_error(await post(client, orjson.dumps(body), accept=accept), status, "BAD_USER_INPUT")


@pytest.mark.parametrize(("accept", "status"), [(GQL, 400), (JSON, 200)])
@pytest.mark.parametrize("query", ["{ hello", "{ hello } }", "query {", "}{", "\u0000"])
async def test_syntax_errors(
    client: httpx.AsyncClient, accept: str, status: int, query: str
) -> None:
    body = orjson.dumps({"query": query})
    assert_error(await post(client, body, accept=accept), status, "GRAPHQL_PARSE_FAILED")


@pytest.mark.parametrize(("accept", "status"), [(GQL, 400), (JSON, 200)])
@pytest.mark.parametrize(
    "query",
    [
        "{ nope }",
        "{ greet }",  # missing required argument
        "{ hello { sub } }",  # selection on a scalar
        "{ add(a: 99999999999999999999, b: 1) }",  # a huge number literal: not an Int
    ],
)
async def test_validation_errors(
    client: httpx.AsyncClient, accept: str, status: int, query: str
) -> None:
    body = orjson.dumps({"query": query})
    assert_error(await post(client, body, accept=accept), status, "GRAPHQL_VALIDATION_FAILED")


async def test_invalid_utf8_body(client: httpx.AsyncClient) -> None:
    body = assert_error(await post(client, b'{"query": "{ hello \xff\xfe }"}'), 400, "INVALID_UTF8")
    assert "UTF-8" in body["errors"][0]["message"]  # type: ignore[index]


async def test_invalid_utf8_query_string(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql?query=%7B%20hello%20%FF%7D", headers={"accept": GQL})
    assert_error(response, 400, "INVALID_UTF8")


async def test_lone_surrogate_escape(client: httpx.AsyncClient) -> None:
    response = await post(client, b'{"query": "{ hello }", "variables": {"a": "\\ud800"}}')
    assert_error(response, 400, "INVALID_JSON")


@pytest.mark.parametrize("number", ["1e400", "-1e400"])
async def test_number_out_of_range(client: httpx.AsyncClient, number: str) -> None:
    raw = ADD_QUERY.replace("NUMBER", number)
    body = assert_error(await post(client, raw), 400, "INVALID_JSON")
    assert "out of range" in body["errors"][0]["message"]  # type: ignore[index]


@pytest.mark.parametrize("number", ["123456789012345678901234567890", "2147483648", "1.5"])
async def test_huge_number_for_an_int_variable(client: httpx.AsyncClient, number: str) -> None:
    raw = ADD_QUERY.replace("NUMBER", number)
    assert_error(await post(client, raw), 400, "BAD_USER_INPUT")


@pytest.mark.parametrize("depth", [129, 1025, 100_000])
async def test_deeply_nested_json_body(client: httpx.AsyncClient, depth: int) -> None:
    nested = "[" * depth + "]" * depth
    raw = NESTED_BODY.replace("NESTED", nested)
    body = assert_error(await post(client, raw), 400, "JSON_TOO_DEEP")
    assert "deeper than 128" in body["errors"][0]["message"]  # type: ignore[index]


async def test_deeply_nested_get_variables(client: httpx.AsyncClient) -> None:
    nested = '{"a":' * 300 + "1" + "}" * 300
    response = await client.get(
        "/graphql", params={"query": "{ hello }", "variables": nested}, headers={"accept": GQL}
    )
    assert_error(response, 400, "JSON_TOO_DEEP")


async def test_malformed_get_variables(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql", params={"query": "{ hello }", "variables": "{nope"}, headers={"accept": JSON}
    )
    assert_error(response, 400, "INVALID_JSON")


async def test_nesting_just_under_the_limit_is_accepted(client: httpx.AsyncClient) -> None:
    nested = "[" * 126 + "]" * 126  # the body object and `extensions` are two more levels
    raw = NESTED_BODY.replace("NESTED", nested)
    response = await post(client, raw)
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"hello": "world"}}


async def test_repeated_get_parameter(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql?query=%7Bhello%7D&query=%7Bhello%7D", headers={"accept": GQL}
    )
    assert_error(response, 400, "INVALID_PARAMETER")


@pytest.mark.parametrize("method", ["PATCH", "TRACE"])
async def test_other_methods(client: httpx.AsyncClient, method: str) -> None:
    response = await client.request(method, "/graphql", headers={"accept": GQL})
    assert_error(response, 405, "METHOD_NOT_ALLOWED")
    # PUT and DELETE are GraphQL over SSE's (tests/http/test_sse_single.py).
    assert response.headers["allow"] == "GET, POST, PUT, DELETE"


async def test_put_and_delete_outside_graphql_over_sse(client: httpx.AsyncClient) -> None:
    # A PUT reserves an event stream, answered in text/plain only.
    assert_error(await client.put("/graphql", headers={"accept": GQL}), 406, "NOT_ACCEPTABLE")
    # A DELETE stops an operation of a stream, named by its token.
    assert_error(await client.delete("/graphql?operationId=1"), 404, "STREAM_NOT_FOUND")


async def test_not_acceptable(client: httpx.AsyncClient) -> None:
    response = await post(client, '{"query": "{ hello }"}', accept="text/plain, image/png")
    assert_error(response, 406, "NOT_ACCEPTABLE")


async def test_oversized_bodies(hello_url: str, tmp_path: Path) -> None:
    with gateway_server(supergraph_for(hello_url), tmp_path, max_body_bytes=1000) as url:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            await _check_oversized(client)


async def _check_oversized(client: httpx.AsyncClient) -> None:
    padding = " " * 2000
    declared = await post(client, '{"query": "{ hello }"}' + padding)
    assert_error(declared, 413, "PAYLOAD_TOO_LARGE")

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: refused while streaming
        for _ in range(100):
            yield b" " * 100

    streamed = await client.post(
        "/graphql",
        content=chunks(),
        headers={"content-type": "application/json", "accept": GQL},
    )
    body = assert_error(streamed, 413, "PAYLOAD_TOO_LARGE")
    assert body["errors"][0]["extensions"]["maxBodyBytes"] == 1000  # type: ignore[index]

    fits = await post(client, '{"query": "{ hello }"}' + " " * 900)
    assert fits.json() == {"data": {"hello": "world"}}


async def test_body_that_stops_arriving_times_out(hello_url: str, tmp_path: Path) -> None:
    # Headers promise 100 bytes, 10 come, then nothing: a 408, not a request held for ever.
    with gateway_server(supergraph_for(hello_url), tmp_path, body_timeout_seconds=0.5) as url:
        host, port = url.removeprefix("http://").split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(
            b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Accept: application/graphql-response+json\r\nContent-Length: 100\r\n\r\n"
            b'{"query": '
        )
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), 10)  # the server closes the connection
        writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 ")
    error = orjson.loads(body)["errors"][0]
    assert error["extensions"]["code"] == "REQUEST_TIMEOUT"
    assert "0.5 s" in error["message"]
