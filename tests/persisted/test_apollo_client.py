"""A real Apollo Client (npm ``@apollo/client``, its persisted-query link with
``useGETForHashedQueries``) runs the app's operations against the live gateway, with
Redis and without: in ``apq`` mode a miss, then registration, then hits over GET; in
``allowlist`` mode every manifest operation by id and an ad-hoc query refused.

Needs ``make test-deps`` (``npm ci`` in ``apollo_client/``). Runs once the pipeline calls
``PersistedQueries.resolve`` (see docs/persisted-queries.md, "Wiring").
"""

from __future__ import annotations

import asyncio
import json
import shutil
import uuid
from pathlib import Path
from typing import Any

import pytest

from gateway.persisted import Manifest
from tests.auth.helpers import as_bearer
from tests.persisted.helpers import MANIFEST, Platform, learner, running_platform

HERE = Path(__file__).parent / "apollo_client"
MANIFEST_OPS = {op.name: op for op in Manifest.parse(MANIFEST.read_bytes()).operations.values()}
ADHOC = "query Adhoc { me { id locale } }"


async def run_client(platform: Platform, steps: list[dict[str, Any]], user: str) -> list[Any]:
    node = shutil.which("node")
    assert node is not None, "Node.js is required"
    assert (HERE / "node_modules" / "@apollo" / "client").is_dir(), "run `make test-deps`"
    scenario = HERE / f"scenario-{id(steps)}.json"
    headers = as_bearer(user)
    scenario.write_text(json.dumps({"url": platform.url, "headers": headers, "steps": steps}))
    try:
        process = await asyncio.create_subprocess_exec(
            node,
            str(HERE / "run-client.mjs"),
            str(scenario),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=90)
    finally:
        scenario.unlink()
    assert process.returncode == 0, stderr.decode()
    results: list[Any] = json.loads(stdout)
    return results


def app_steps(user: str, course: str, lesson: str, other_course: str) -> list[dict[str, Any]]:
    """Every manifest operation but the subscription, with variables for this learner."""
    variables: dict[str, dict[str, Any]] = {
        "Home": {"first": 5},
        "CourseCatalogue": {"first": 3, "search": None, "tag": None},
        "CourseDetail": {"id": course},
        "Profile": {},
        "Enroll": {"courseId": other_course},
        "CompleteLesson": {"input": {"lessonId": lesson, "clientMutationId": f"c-{user}-1"}},
        "SyncProgress": {"events": [{"lessonId": lesson, "clientMutationId": f"c-{user}-1"}]},
        "UpdateProfile": {"input": {"locale": "pt-BR"}},
    }
    return [
        {
            "name": name,
            "document": MANIFEST_OPS[name].body,
            "variables": values,
            "kind": MANIFEST_OPS[name].type,
        }
        for name, values in variables.items()
    ]


def request_shape(result: dict[str, Any]) -> list[tuple[str, bool, int, list[Any] | None]]:
    return [(r["method"], r["hasQuery"], r["status"], r["errorCodes"]) for r in result["requests"]]


@pytest.fixture(params=["memory", "redis"])
def store_url(request: pytest.FixtureRequest) -> str | None:
    """No Redis (in-process APQ store), or the session's throwaway Redis."""
    if request.param == "memory":
        return None
    url: str = request.getfixturevalue("redis_url")
    return url


async def test_apq_miss_then_registered_then_hits_over_get(store_url: str | None) -> None:
    persisted = {"mode": "apq", "redis_key_prefix": f"e2e:{uuid.uuid4().hex}:"}  # a fresh store
    async with running_platform(persisted, store_url) as platform:
        user, course, lesson, other = learner(platform.data)
        profile = {"name": "Profile", "document": MANIFEST_OPS["Profile"].body, "kind": "query"}
        steps = [
            {**profile, "client": 1},
            {**profile, "client": 1},
            {**profile, "client": 2},  # another app instance: the gateway already knows it
            *[{**step, "client": 1} for step in app_steps(user, course, lesson, other)],
            *[
                {**step, "client": 3, "name": f"again:{step['name']}"}
                for step in app_steps(user, course, lesson, other)
                if step["kind"] == "query"
            ],
        ]
        results = await run_client(platform, steps, user)

    first, second, third, *rest = results
    again = [r for r in rest if r["name"].startswith("again:")]
    rest = [r for r in rest if not r["name"].startswith("again:")]
    assert request_shape(first) == [
        ("GET", False, 200, ["PERSISTED_QUERY_NOT_FOUND"]),
        ("POST", True, 200, []),
    ]
    # the client's own hash of the operation is its manifest id
    assert first["requests"][0]["hash"] == MANIFEST_OPS["Profile"].id
    assert first["data"]["me"]["id"] == user
    assert request_shape(second) == [("GET", False, 200, [])]
    assert request_shape(third) == [("GET", False, 200, [])]
    assert second["data"] == first["data"] == third["data"]
    for result in rest:
        assert "error" not in result, result
        assert result["data"], result
        first_method = "GET" if MANIFEST_OPS[result["name"]].type == "query" else "POST"
        if result["name"] == "Profile":  # registered above
            assert request_shape(result) == [("GET", False, 200, [])], result
            continue
        assert request_shape(result) == [
            (first_method, False, 200, ["PERSISTED_QUERY_NOT_FOUND"]),
            ("POST", True, 200, []),
        ], result
    # registered by the first app instance: a new one gets every query by hash, over GET
    assert [r["name"] for r in again] == [
        "again:Home", "again:CourseCatalogue", "again:CourseDetail", "again:Profile"
    ]  # fmt: skip
    for result in again:
        assert "error" not in result, result
        assert request_shape(result) == [("GET", False, 200, [])], result
    by_name = {r["name"]: r for r in rest}
    assert by_name["CourseDetail"]["data"]["course"]["id"] == course
    assert by_name["CompleteLesson"]["data"]["completeLesson"]["progress"]["completedLessons"] > 0
    assert by_name["UpdateProfile"]["data"]["updateProfile"]["locale"] == "pt-BR"


async def test_allowlist_runs_every_manifest_operation_and_refuses_adhoc(
    store_url: str | None,
) -> None:
    persisted = {"mode": "allowlist", "manifest": str(MANIFEST)}
    async with running_platform(persisted, store_url) as platform:
        user, course, lesson, other = learner(platform.data)
        adhoc = {"name": "Adhoc", "document": ADHOC, "kind": "query"}
        results = await run_client(platform, [*app_steps(user, course, lesson, other), adhoc], user)

    *app, refused = results
    assert [r["name"] for r in app] == [
        "Home", "CourseCatalogue", "CourseDetail", "Profile",
        "Enroll", "CompleteLesson", "SyncProgress", "UpdateProfile",
    ]  # fmt: skip
    for result in app:
        assert "error" not in result, result
        method = "GET" if MANIFEST_OPS[result["name"]].type == "query" else "POST"
        # one request, by id only: the text never travels
        assert request_shape(result) == [(method, False, 200, [])], result
        assert result["requests"][0]["hash"] == MANIFEST_OPS[result["name"]].id
    assert refused["error"]["codes"] == ["PERSISTED_QUERY_NOT_IN_LIST"]
    assert request_shape(refused) == [("GET", False, 404, ["PERSISTED_QUERY_NOT_IN_LIST"])]
