"""Limits and cost on the live gateway (real subgraphs): each refusal is a 400 with its
stable code, before any subgraph is asked; persisted operations are held to them too.

Runs once the pipeline parses with ``parse_with_limits``, validates with ``limit_rules``
and calls ``check_cost`` (see docs/limits.md, "Wiring").
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from gateway.persisted import build_manifest, operation_id
from tests.auth.helpers import as_bearer
from tests.persisted.helpers import running_platform


def headers() -> dict[str, str]:
    """A learner's headers, with a token minted now (a module-level one would expire
    before a long suite reaches these tests). GraphQL over HTTP: request errors are 4xx
    with this media type (200 with application/json)."""
    return {**as_bearer("usr_0008"), "accept": "application/graphql-response+json"}


def nested(levels: int) -> str:
    """course -> modules -> lessons -> course ... : ``levels`` fields deep."""
    names = ["modules", "lessons", "course"]
    inner = "title"
    for level in range(levels - 2, 0, -1):
        inner = f"{names[(level - 1) % 3]} {{ id {inner} }}"
    return f'{{ course(id: "crs_0001") {{ {inner} }} }}'


async def post(client: httpx.AsyncClient, url: str, body: dict[str, Any]) -> tuple[int, Any]:
    response = await client.post(url, json=body, headers=headers())
    return response.status_code, response.json()


def code(payload: Any) -> tuple[str, Any, Any]:
    error = payload["errors"][0]
    extensions = error["extensions"]
    return extensions["code"], extensions.get("limit"), extensions.get("measured")


async def test_limits_and_cost_refuse_with_their_codes() -> None:
    async with running_platform({"mode": "apq"}) as platform, httpx.AsyncClient() as client:
        url = platform.url
        status, ok = await post(client, url, {"query": nested(6)})
        assert (status, "errors" in ok) == (200, False), ok

        cases = [
            (nested(40), ("MAX_DEPTH_LIMIT", 32, 40)),
            (
                "{ " + " ".join(f"a{i}: me {{ id }}" for i in range(31)) + " }",
                ("MAX_ALIASES_LIMIT", 30, 31),
            ),
            ("{ me { id " + "@skip(if: false) " * 60 + "} }", ("MAX_DIRECTIVES_LIMIT", 50, 51)),
            (
                "{ courses(first: 5000) { nodes { lessons { id } } } }",
                ("COST_ESTIMATED_TOO_EXPENSIVE", 10_000, 5 + 5000 * 41),
            ),
            (
                "{ me { " + " ".join(f"avatarUrl(size: {i})" for i in range(1000)) + " } }",
                ("MAX_WIDTH_LIMIT", 100, 1000),
            ),
            (
                "{ me { "
                + " ".join(f"...F{i}" for i in range(1400))
                + " } } "
                + " ".join(f"fragment F{i} on User {{ id }}" for i in range(1400)),
                ("PARSER_FRAGMENTS_LIMIT", 100, 101),  # before parsing
            ),
            (
                "{ " + " ".join(f"a{i}: __typename" for i in range(6_000)) + " }",
                ("PARSER_TOKEN_LIMIT", 8_000, 8_001),
            ),
            (
                "{ " + " ".join(f"a{i}: __typename" for i in range(100_000)) + " }",
                ("PARSER_LENGTH_LIMIT", 131_072, 1_888_893),
            ),
            ("{" + "me {" * 1000 + "id" + "}" * 1000 + "}", ("PARSER_RECURSION_LIMIT", 200, 201)),
        ]
        for query, expected in cases:
            status, payload = await post(client, url, {"query": query})
            assert status == 400, (expected, payload)
            assert code(payload) == expected
            assert "data" not in payload

        # the gateway still serves
        assert (await post(client, url, {"query": "{ me { id } }"}))[1] == {
            "data": {"me": {"id": "usr_0008"}}
        }


async def test_cost_uses_the_variables() -> None:
    query = "query($n: Int!) { courses(first: $n) { nodes { lessons { id } } } }"
    async with running_platform({"mode": "apq"}) as platform, httpx.AsyncClient() as client:
        status, payload = await post(client, platform.url, {"query": query, "variables": {"n": 3}})
        assert status == 200 and len(payload["data"]["courses"]["nodes"]) == 3
        status, payload = await post(
            client, platform.url, {"query": query, "variables": {"n": 300}}
        )
        assert status == 400 and code(payload) == (
            "COST_ESTIMATED_TOO_EXPENSIVE",
            10_000,
            5 + 300 * 41,
        )


async def test_persisted_operations_are_held_to_the_limits(tmp_path: Path) -> None:
    deep = "query Deep " + nested(40)
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps(build_manifest([("Deep", "query", deep)])))
    persisted = {"mode": "allowlist", "manifest": str(manifest)}
    async with running_platform(persisted) as platform, httpx.AsyncClient() as client:
        extensions = {"persistedQuery": {"version": 1, "sha256Hash": operation_id(deep)}}
        response = await client.get(
            platform.url,
            params={"extensions": json.dumps(extensions)},
            # A GET runs only with a preflight header (CSRF prevention), as apps send it.
            headers={**headers(), "apollo-require-preflight": "true"},
        )
        assert response.status_code == 400
        assert code(response.json()) == ("MAX_DEPTH_LIMIT", 32, 40)


async def test_warn_only_limits_answer_and_say_so() -> None:
    limits: dict[str, Any] = {
        "depth": {"max": 3, "warn_only": True},
        "cost": {"max": 10, "warn_only": True},
    }
    query = '{ course(id: "crs_0001") { modules { lessons { title } } } }'
    async with (
        running_platform({"mode": "apq"}, **limits) as platform,
        httpx.AsyncClient() as client,
    ):
        response = await client.post(platform.url, json={"query": query}, headers=headers())
        assert response.status_code == 200
        payload = response.json()
        assert payload["data"]["course"]["modules"]
        warnings = payload["extensions"]["limitWarnings"]
        assert [(w["code"], w["limit"], w["measured"]) for w in warnings] == [
            ("MAX_DEPTH_LIMIT", 3, 4),
            ("COST_ESTIMATED_TOO_EXPENSIVE", 10, 1 + 8 * (1 + 10 * 1)),
        ]
        assert "cost" not in payload["extensions"]


async def test_the_estimated_cost_when_asked() -> None:
    query = "{ courses(first: 4) { nodes { id } } }"
    async with running_platform({"mode": "apq"}) as platform, httpx.AsyncClient() as client:
        asked = await client.post(
            platform.url, json={"query": query}, headers={**headers(), "x-gateway-cost": "1"}
        )
        assert asked.json()["extensions"] == {"cost": {"estimated": 5 + 4, "max": 10_000}}
        plain = await client.post(platform.url, json={"query": query}, headers=headers())
        assert "extensions" not in plain.json()
