"""The request log: one line per operation with every field, and never a secret."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import orjson

from gateway.observability.request_log import LOGGER_NAME
from tests.auth.helpers import as_bearer
from tests.observability.helpers import COURSE, observed_platform

FIELDS = {
    "request_id",
    "operation",
    "operation_hash",
    "operation_type",
    "client_name",
    "client_version",
    "transport",
    "status",
    "outcome",
    "duration_ms",
    "subgraph_calls",
    "subgraph_errors",
    "error_codes",
}


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@contextmanager
def request_lines() -> Iterator[list[str]]:
    handler = Lines()
    logger = logging.getLogger(LOGGER_NAME)
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        yield handler.lines
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


async def test_a_json_line_per_request_with_every_field_and_no_secret() -> None:
    observability = {"request_log": {"format": "json"}}
    async with observed_platform(observability=observability) as platform:
        user = platform.data.users[0]["id"]
        course = platform.data.courses[0]["id"]
        auth = as_bearer(user)
        token = auth["authorization"].removeprefix("Bearer ")
        headers = {
            **auth,
            "x-request-id": "req-42.abc",
            "apollographql-client-name": "learning-ios",
            "apollographql-client-version": "3.1.0",
        }
        unknown = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "cd" * 32}}}
        with request_lines() as lines:
            async with httpx.AsyncClient() as http:
                response = await http.post(
                    platform.url,
                    json={"query": COURSE, "variables": {"id": course}},
                    headers=headers,
                )
                refused = await http.post(
                    platform.url,
                    json={**unknown, "variables": {"secretNote": "s3cr3t-value"}},
                    headers={**auth, "accept": "application/graphql-response+json"},
                )
    assert response.status_code == 200 and "errors" not in response.json()
    assert response.headers["x-request-id"] == "req-42.abc"
    generated = refused.headers["x-request-id"]
    assert len(generated) == 32
    assert len(lines) == 2
    first, second = (orjson.loads(line) for line in lines)
    assert set(first) == FIELDS  # tracing is off: no trace_id
    assert first["request_id"] == "req-42.abc"
    assert first["operation"] == "CourseCard"
    assert len(first["operation_hash"]) == 64
    assert first["operation_type"] == "query"
    assert (first["client_name"], first["client_version"]) == ("learning-ios", "3.1.0")
    assert first["transport"] == "http"
    assert (first["status"], first["outcome"], first["error_codes"]) == (200, "ok", [])
    assert first["duration_ms"] > 0
    assert (first["subgraph_calls"], first["subgraph_errors"]) == (2, 0)
    assert second["request_id"] == generated
    assert (second["status"], second["outcome"]) == (404, "refused") or second[
        "outcome"
    ] == "refused"
    assert second["error_codes"] == ["PERSISTED_QUERY_NOT_FOUND"]
    assert second["subgraph_calls"] == 0
    for line in lines:
        assert token not in line and "Bearer" not in line
        assert course not in line and "s3cr3t-value" not in line and "secretNote" not in line


async def test_a_readable_line_in_dev() -> None:
    async with observed_platform() as platform:  # mode: dev, format unset: text
        course = platform.data.courses[0]["id"]
        auth = as_bearer(platform.data.users[0]["id"])
        with request_lines() as lines:
            async with httpx.AsyncClient() as http:
                response = await http.post(
                    platform.url,
                    json={"query": COURSE, "variables": {"id": course}},
                    headers={**auth, "apollographql-client-name": "web"},
                )
    request_id = response.headers["x-request-id"]
    assert lines == [
        line
        for line in lines
        if line.startswith("200 query CourseCard ") and f"id={request_id}" in line
    ]
    assert len(lines) == 1
    assert "client='web'" in lines[0] and "subgraphs=2" in lines[0]
    assert auth["authorization"].removeprefix("Bearer ") not in lines[0]
    assert course not in lines[0]


async def test_a_malformed_request_id_is_replaced() -> None:
    async with observed_platform() as platform, httpx.AsyncClient() as http:
        response = await http.post(
            platform.url,
            json={"query": "{ __typename }"},
            headers={"x-request-id": "bad id\twith spaces"},
        )
    assert response.status_code == 200
    replaced = response.headers["x-request-id"]
    assert replaced != "bad id\twith spaces" and len(replaced) == 32
