"""A real Apollo Client (npm ``@apollo/client`` 4, ``Defer20220824Handler``) receives a
deferred query with fields from two subgraphs: first what the fast subgraph answers, then
the slow one's fields merged in. Needs ``make test-deps`` (``npm ci`` in
``apollo_defer/``)."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from gateway.http.app import create_app
from tests.execution.helpers import SUPERGRAPH, make_subgraphs
from tests.planning.helpers import kit_gateway
from tests.servers import running_app

pytestmark = pytest.mark.asyncio(loop_scope="module")

HERE = Path(__file__).parent / "apollo_defer"
DELAY = 0.6


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def url() -> AsyncIterator[str]:
    async with (
        kit_gateway(SUPERGRAPH, *make_subgraphs(delay=DELAY)) as gw,
        running_app(create_app(gw.gateway.config, gw.gateway)) as base,
    ):
        yield f"{base}/graphql"


async def run_client(url: str, query: str) -> Any:
    node = shutil.which("node")
    assert node is not None, "Node.js is required"
    assert (HERE / "node_modules" / "@apollo" / "client").is_dir(), "run `make test-deps`"
    process = await asyncio.create_subprocess_exec(
        node,
        str(HERE / "run-defer.mjs"),
        url,
        query,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, stderr.decode()
    return json.loads(stdout)


async def test_apollo_client_gets_the_fast_part_first_then_the_deferred_one(url: str) -> None:
    report = await run_client(
        url,
        """query Catalogue { courses { id title
             ... @defer(label: "ratings") { rating reviews { stars } } } }""",
    )
    assert "multipart/mixed;deferSpec=20220824" in report["accept"].replace(" ", "")
    assert report["contentType"] == 'multipart/mixed;boundary="-";deferSpec=20220824'
    first, *_, last = report["emissions"]
    assert first["dataState"] == "streaming"
    assert first["data"] == {
        "courses": [
            {"__typename": "Course", "id": "c1", "title": "Algebra"},
            {"__typename": "Course", "id": "c2", "title": "Topology"},
        ]
    }
    assert last["dataState"] == "complete"
    assert last["data"] == {
        "courses": [
            {
                "__typename": "Course",
                "id": "c1",
                "title": "Algebra",
                "rating": 4.5,
                "reviews": [
                    {"__typename": "Review", "stars": 5},
                    {"__typename": "Review", "stars": 4},
                ],
            },
            {
                "__typename": "Course",
                "id": "c2",
                "title": "Topology",
                "rating": None,
                "reviews": [],
            },
        ]
    }
    # The first part did not wait for the slow subgraph; the last one did.
    assert first["at"] < DELAY * 1000 <= last["at"]


async def test_apollo_client_merges_streamed_items(url: str) -> None:
    report = await run_client(
        url,
        """query Tags { course(id: "c1") { id tags @stream(initialCount: 1)
             ... @defer { rating } } }""",
    )
    first, *_, last = report["emissions"]
    assert first["data"] == {"course": {"__typename": "Course", "id": "c1", "tags": ["math"]}}
    assert last["dataState"] == "complete"
    assert last["data"] == {
        "course": {
            "__typename": "Course",
            "id": "c1",
            "tags": ["math", "intro", "numbers"],
            "rating": 4.5,
        }
    }
