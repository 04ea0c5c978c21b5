"""GraphiQL in a real headless browser: Debian's chromium, driven by npm ``playwright-core``.

The gateway serves the page and GraphiQL's files itself; every other request the page makes
is blocked (and must be none). The test types a query in the editor, runs it with the Run
button, reads the result from the page, opens the schema docs, and saves a screenshot to
``test-artifacts/graphiql.png``. Needs ``chromium`` (apt) and ``make http-test-deps``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from tests.http.hello_subgraph import hello_app, supergraph_for
from tests.http.support import gateway_server
from tests.servers import ThreadedServer

HERE = Path(__file__).parent
ARTIFACTS = HERE.parent.parent / "test-artifacts"


def test_graphiql_runs_a_query_in_chromium(tmp_path: Path) -> None:
    node = shutil.which("node")
    chromium = shutil.which("chromium")
    assert node is not None, "Node.js is required"
    assert chromium is not None, "chromium is required (apt-get install chromium)"
    assert (HERE / "node_modules" / "playwright-core").is_dir(), "run `make http-test-deps`"
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "graphiql.png"
    screenshot.unlink(missing_ok=True)

    with (
        ThreadedServer(hello_app()) as hello,
        gateway_server(supergraph_for(f"{hello.url}/graphql"), tmp_path) as url,
    ):
        completed = subprocess.run(
            [node, str(HERE / "graphiql.mjs"), url, str(screenshot)],
            capture_output=True,
            text=True,
            timeout=100,
            check=True,
            env={**os.environ, "CHROMIUM": chromium},
        )
    report = json.loads(completed.stdout)

    assert "error" not in report, report
    assert report["pageErrors"] == []
    assert report["external"] == []  # nothing from a CDN: it works offline
    assert report["statuses"]["/graphql"] == 200
    assert report["statuses"]["/graphiql-assets/graphiql.min.js"] == 200
    assert "FromTheBrowser" in report["editorText"]
    result = json.loads(report["result"].replace("\u00a0", " "))  # CodeMirror's spaces
    assert result == {"data": {"hello": "world", "greet": "hello, chromium"}}
    assert "greet" in report["docs"] and "hello" in report["docs"]
    assert screenshot.stat().st_size > 10_000
