"""The statuses docs/persisted-queries.md states: a persisted-query request error is 400
for ``application/graphql-response+json`` clients and 200 for ``application/json`` ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.limits.live import live_gateway

BAD = {
    "PERSISTED_QUERY_HASH_MISMATCH": {"version": 1, "sha256Hash": "0" * 64},
    "PERSISTED_QUERY_INVALID_HASH": {"version": 1, "sha256Hash": "zz"},
    "PERSISTED_QUERY_UNSUPPORTED_VERSION": {"version": 2, "sha256Hash": "0" * 64},
    "PERSISTED_QUERY_MALFORMED": "not an object",
}


@pytest.mark.timeout(60)
async def test_request_errors_are_400_or_200_by_media_type(tmp_path: Path) -> None:
    seen: list[tuple[str, str, int]] = []
    with live_gateway(tmp_path) as url:
        async with httpx.AsyncClient(timeout=30) as client:
            for accept in ("application/graphql-response+json", "application/json"):
                for extension in BAD.values():
                    body: dict[str, Any] = {
                        "query": "{ hello }",
                        "extensions": {"persistedQuery": extension},
                    }
                    response = await client.post(url, json=body, headers={"accept": accept})
                    code = response.json()["errors"][0]["extensions"]["code"]
                    seen.append((accept, code, response.status_code))
    expected = [
        (accept, code, 400 if accept.startswith("application/graphql") else 200)
        for accept in ("application/graphql-response+json", "application/json")
        for code in BAD
    ]
    assert seen == expected
