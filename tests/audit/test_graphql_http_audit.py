"""The npm ``graphql-http`` package's server audits (``serverAudits``), run by Node against
the live gateway: every MUST passes; every SHOULD passes or is a documented deliberate
choice in ``ALLOWED_SHOULD``; and so does every MAY (``ALLOWED_MAY``).

Needs ``make http-test-deps`` (``npm ci`` in this folder). ``make test`` does it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.http.hello_subgraph import hello_app, supergraph_for
from tests.http.helpers import gateway_server
from tests.servers import ThreadedServer

HERE = Path(__file__).parent

#: SHOULD audits the gateway fails on purpose, each with the reason (docs/http.md).
ALLOWED_SHOULD: dict[str, str] = {}
#: MAY audits the gateway does not do, each with the reason.
_CSRF = (
    "CSRF prevention (docs/security.md): the audit's GET has neither a preflight header "
    "nor a non-simple content type, so a cross-site page could send it; refused with 400"
)
ALLOWED_MAY: dict[str, str] = {"5A70": _CSRF, "6A70": _CSRF, "D6D5": _CSRF}


@pytest.fixture(scope="module")
def audit_results(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[dict[str, str]]]:
    node = shutil.which("node")
    assert node is not None, "Node.js is required for the audit"
    assert (HERE / "node_modules" / "graphql-http").is_dir(), "run `make http-test-deps`"
    with (
        ThreadedServer(hello_app()) as hello,
        gateway_server(
            supergraph_for(f"{hello.url}/graphql"), tmp_path_factory.mktemp("audit")
        ) as url,
    ):
        completed = subprocess.run(
            [node, str(HERE / "run-audit.mjs"), f"{url}/graphql"],
            capture_output=True,
            text=True,
            timeout=90,
            check=True,
        )
    results: list[dict[str, str]] = json.loads(completed.stdout)
    yield results


def _failures(results: list[dict[str, str]], level: str) -> dict[str, str]:
    return {
        r["id"]: f"{r['name']}: {r['reason']}"
        for r in results
        if r["name"].startswith(f"{level} ") and r["status"] != "ok"
    }


def test_the_audit_ran(audit_results: list[dict[str, str]]) -> None:
    levels = {r["name"].split(" ")[0] for r in audit_results}
    assert {"MUST", "SHOULD", "MAY"} <= levels
    assert len(audit_results) == 61  # graphql-http 1.23.1 (package-lock.json) has 61


def test_every_must_passes(audit_results: list[dict[str, str]]) -> None:
    assert _failures(audit_results, "MUST") == {}


def test_every_should_passes_or_is_a_documented_choice(
    audit_results: list[dict[str, str]],
) -> None:
    failures = _failures(audit_results, "SHOULD")
    assert set(failures) == set(ALLOWED_SHOULD), failures


def test_every_may_passes_or_is_a_documented_choice(audit_results: list[dict[str, str]]) -> None:
    failures = _failures(audit_results, "MAY")
    assert set(failures) == set(ALLOWED_MAY), failures
