"""A retired field over the real gateway: served to the listed app versions only.

``Course.legacyCode`` is retired for learning-ios 3.0.0 and 3.0.1 (``helpers.RETIRED``):
they still get it; every other client — a newer version, another app, no headers — is told
the field does not exist, and introspection does not show it. Caches and in-flight sharing
never carry one client's view into another's answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.execution.helpers import read_multipart
from tests.retired.helpers import NEW_APP, OLD_APP, RETIRED, Served, served

LEGACY = 'query Legacy { course(id: "c1") { id code legacyCode } }'
CANNOT = "Cannot query field 'legacyCode' on type 'Course'."


@pytest.fixture
async def gateway() -> AsyncIterator[Served]:
    async with served(retired=RETIRED) as running:
        yield running


def refused(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["message"], e["extensions"]["code"]) for e in body["errors"]]


async def test_a_listed_version_still_gets_the_field(gateway: Served) -> None:
    for version in ("3.0.0", "3.0.1"):
        headers = {**OLD_APP, "apollographql-client-version": version}
        response = await gateway.post(LEGACY, headers)
        assert response.status_code == 200, response.text
        assert response.json() == {
            "data": {"course": {"id": "c1", "code": "CS-101", "legacyCode": "101"}}
        }


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(NEW_APP, id="a newer version"),
        pytest.param({}, id="no client headers"),
        pytest.param({"apollographql-client-name": "learning-ios"}, id="a name, no version"),
        pytest.param({"apollographql-client-version": "3.0.1"}, id="a version, no name"),
        pytest.param({**OLD_APP, "apollographql-client-name": "learning-web"}, id="another app"),
        pytest.param({**OLD_APP, "apollographql-client-version": "3.0"}, id="not exact"),
    ],
)
async def test_every_other_client_cannot_query_it(gateway: Served, headers: dict[str, str]) -> None:
    response = await gateway.post(LEGACY, headers)
    assert response.status_code == 400
    assert refused(response.json()) == [(CANNOT, "GRAPHQL_VALIDATION_FAILED")]
    # the rest of the schema is unchanged for them
    ok = await gateway.post('{ course(id: "c2") { code title } }', headers)
    assert ok.json() == {"data": {"course": {"code": "CS-102", "title": "Types"}}}


INTROSPECT = """{
  __type(name: "Course") { fields(includeDeprecated: true) { name isDeprecated } }
}"""


async def test_introspection_shows_the_field_to_listed_versions_only(gateway: Served) -> None:
    fields = {"id": False, "title": False, "code": False}
    for headers, expected in (
        (OLD_APP, {**fields, "legacyCode": True}),
        (NEW_APP, fields),
        ({}, fields),
        (OLD_APP, {**fields, "legacyCode": True}),
    ):
        response = await gateway.post(INTROSPECT, headers)
        assert response.status_code == 200, response.text
        found = response.json()["data"]["__type"]["fields"]
        assert {f["name"]: f["isDeprecated"] for f in found} == expected


async def test_cached_verdicts_stay_in_their_view(gateway: Served) -> None:
    # The old app first: the document is validated, planned and cached for its view; the
    # new app sending the same text must still be refused — and the other way round.
    first = "query A { courses { legacyCode } }"
    second = "query B { courses { legacyCode } }"
    data = {"data": {"courses": [{"legacyCode": "101"}, {"legacyCode": "102"}]}}
    for query, order in ((first, (OLD_APP, NEW_APP)), (second, (NEW_APP, OLD_APP))):
        for _ in range(2):
            for headers in order:
                response = await gateway.post(query, headers)
                if headers is OLD_APP:
                    assert response.json() == data
                else:
                    assert refused(response.json()) == [(CANNOT, "GRAPHQL_VALIDATION_FAILED")]


async def test_identical_requests_in_flight_are_shared_only_within_a_view(
    gateway: Served,
) -> None:
    # The same introspecting query from both apps at once, held in flight by a slow
    # field: identical requests share one execution, but not across views.
    query = """{
      slowTitle(id: "c1", seconds: 0.3)
      __type(name: "Course") { fields(includeDeprecated: true) { name } }
    }"""
    responses = await asyncio.gather(
        *(gateway.post(query, headers) for headers in (OLD_APP, NEW_APP, OLD_APP, NEW_APP))
    )
    names = [sorted(f["name"] for f in r.json()["data"]["__type"]["fields"]) for r in responses]
    with_legacy = ["code", "id", "legacyCode", "title"]
    without = ["code", "id", "title"]
    assert names == [with_legacy, without, with_legacy, without]
    assert all(r.json()["data"]["slowTitle"] == "slow c1" for r in responses)


async def test_without_the_setting_every_client_sees_the_field() -> None:
    async with served() as gateway:
        for headers in (OLD_APP, NEW_APP, {}):
            response = await gateway.post(LEGACY, headers)
            assert response.json()["data"]["course"]["legacyCode"] == "101"


async def test_introspection_with_defer_answers_in_the_callers_view(gateway: Served) -> None:
    # Incremental delivery runs its own execution: it must introspect the caller's view
    # too (it used the full API schema when the two features met).
    query = """{ __type(name: "Course") { fields(includeDeprecated: true) { name } }
      course(id: "c1") { id ... @defer { title } } }"""
    accept = "multipart/mixed;deferSpec=20220824,application/json"
    names = {}
    for app, headers in (("new", NEW_APP), ("old", OLD_APP)):
        response, parts = await read_multipart(gateway.http, gateway.url, query, accept, headers)
        assert response.headers["content-type"].startswith("multipart/mixed"), app
        assert len(parts) == 2, parts
        names[app] = {f["name"] for f in parts[0].body["data"]["__type"]["fields"]}
    assert "legacyCode" not in names["new"]
    assert "legacyCode" in names["old"]
