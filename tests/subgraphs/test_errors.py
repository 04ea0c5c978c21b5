"""Bad requests and internal failures: a clear code, never a 5xx or a leaked trace."""

from __future__ import annotations

import httpx
from sqlalchemy import text

from tests.subgraphs.helpers import RunningSubgraphs, as_user, codes


async def test_malformed_requests_are_client_errors(
    subgraphs: RunningSubgraphs, client: httpx.AsyncClient
):
    url = subgraphs.urls["users"]
    bad_json = await client.post(
        url, content=b"{not json", headers={"content-type": "application/json"}
    )
    assert bad_json.status_code == 400
    no_query = await client.post(url, json={"variables": {}})
    assert no_query.status_code == 400
    cases = {
        "{ me { ": "GRAPHQL_PARSE_FAILED",
        "{ nope }": "GRAPHQL_VALIDATION_FAILED",
        "query($f: Int!) { users(first: $f) { nodes { id } } }": "BAD_USER_INPUT",
    }
    for query, code in cases.items():
        response = await client.post(url, json={"query": query, "variables": {"f": "ten"}})
        assert response.status_code == 200, query
        body = response.json()
        assert body["data"] is None, query
        assert codes(body) == [code], query


async def test_unexpected_failures_are_masked(
    subgraphs: RunningSubgraphs, client: httpx.AsyncClient
):
    # Break the database under the running app: the resolver's SQL now fails.
    engine = subgraphs.apps["users"].state.database.engine
    async with engine.begin() as conn:
        await conn.execute(text("DROP TABLE users"))
    response = await client.post(
        subgraphs.urls["users"], json={"query": "{ me { id } }"}, headers=as_user("usr_0004")
    )
    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"me": None}
    assert codes(body) == ["INTERNAL_SERVER_ERROR"]
    assert body["errors"][0]["message"] == "Internal error."
    for leak in ("Traceback", "sqlalchemy", "no such table", "does not exist", "SELECT"):
        assert leak not in response.text


async def test_malformed_representations_fail_alone(
    subgraphs: RunningSubgraphs, client: httpx.AsyncClient
):
    query = """query($r: [_Any!]!) { _entities(representations: $r) {
        ... on Course { id title } } }"""
    course = subgraphs.data.courses[0]
    reps = [
        {"__typename": "Course", "id": course["id"]},
        {"__typename": "Enrollment", "id": "1"},  # not an entity of courses
        {"__typename": "Course"},  # no key
        "Course:1",
        {"id": course["id"]},
    ]
    response = await client.post(
        subgraphs.urls["courses"], json={"query": query, "variables": {"r": reps}}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {
        "_entities": [{"id": course["id"], "title": course["title"]}, None, None, None, None]
    }
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["_entities", i], "BAD_USER_INPUT") for i in range(1, 5)
    ]
