"""GraphiQL in a real headless browser: Debian's chromium, driven by npm ``playwright-core``.

The gateway serves the page and GraphiQL's files itself; every other request the page makes
is blocked (and must be none). One test types a query in the editor, runs it with the Run
button, reads the result from the page, opens the schema docs, and saves a screenshot to
``test-artifacts/graphiql.png``. The other runs a ``progressUpdated`` subscription with
identity headers set in GraphiQL's header editor, completes a lesson over HTTP, reads the
event from the page, stops the subscription and saves ``test-artifacts/graphiql-
subscription.png``. Needs ``chromium`` (apt) and ``make http-test-deps``.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

from tests.http.hello_subgraph import hello_app, supergraph_for
from tests.http.helpers import gateway_server
from tests.servers import ThreadedServer
from tests.subscriptions.helpers import Platform, as_user, fresh_learner, lessons_of

HERE = Path(__file__).parent
ARTIFACTS = HERE.parent.parent / "test-artifacts"


def _tools() -> tuple[str, str]:
    """Node.js and chromium, checked; the npm project installed."""
    node = shutil.which("node")
    chromium = shutil.which("chromium")
    assert node is not None, "Node.js is required"
    assert chromium is not None, "chromium is required (apt-get install chromium)"
    assert (HERE / "node_modules" / "playwright-core").is_dir(), "run `make http-test-deps`"
    return node, chromium


def _screenshot(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / name
    screenshot.unlink(missing_ok=True)
    return screenshot


def _pane(text: str) -> Any:
    """The JSON shown in a GraphiQL editor (CodeMirror renders spaces as no-break ones)."""
    return json.loads(text.replace("\u00a0", " "))


def test_graphiql_runs_a_query_in_chromium(tmp_path: Path) -> None:
    node, chromium = _tools()
    screenshot = _screenshot("graphiql.png")

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
    assert report["socketsAfterQuery"] == 0  # a query goes over HTTP
    result = _pane(report["result"])
    assert result == {"data": {"hello": "world", "greet": "hello, chromium"}}
    assert "greet" in report["docs"] and "hello" in report["docs"]
    # The subscription, run right after typing it, went over one websocket to the same URL
    # (its `error` message shown as the result), which was then closed.
    [socket] = report["websockets"]
    assert socket["url"] == "ws" + url.removeprefix("http") + "/graphql"
    subscribe = json.loads(socket["sent"][1])
    assert subscribe["type"] == "subscribe"
    assert subscribe["payload"]["query"] == "subscription Ticks { ticks }"
    # (not the previous query's name, which GraphiQL may still hold right after typing)
    assert subscribe["payload"].get("operationName") == "Ticks"
    errors = _pane(report["subscriptionResult"])["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["GRAPHQL_VALIDATION_FAILED"]
    assert socket["closed"]
    assert screenshot.stat().st_size > 10_000


SUBSCRIPTION = """subscription FromGraphiQL {{
  progressUpdated(courseId: "{course}") {{
    lesson {{ id title }}
    course {{ id title }}
    progress {{ completedLessons }}
  }}
}}"""


async def test_graphiql_runs_a_subscription_in_chromium(platform: Platform) -> None:
    node, chromium = _tools()
    screenshot = _screenshot("graphiql-subscription.png")
    user = fresh_learner(platform.subgraphs)
    course = platform.subgraphs.data.courses[0]
    lesson = lessons_of(platform.subgraphs, course["id"])[0]
    # What a developer pastes in the header editor: a token (`python -m gateway token`).
    headers = {"Authorization": as_user(user)["authorization"]}
    subscription = SUBSCRIPTION.format(course=course["id"])

    browser = await asyncio.create_subprocess_exec(
        node,
        str(HERE / "graphiql_subscription.mjs"),
        platform.url.removesuffix("/graphql"),
        str(screenshot),
        json.dumps(headers),
        subscription,
        lesson["id"],  # the script waits for the event showing it
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "CHROMIUM": chromium},
    )
    output = asyncio.create_task(browser.communicate())
    try:
        # GraphiQL's subscription reached the progress subgraph as this user (so the
        # headers typed in GraphiQL travelled); then a lesson is completed over HTTP.
        deadline = time.monotonic() + 60
        while platform.subscribers(user) == 0 and not output.done():
            assert time.monotonic() < deadline, "GraphiQL's subscription never arrived"
            await asyncio.sleep(0.05)
        assert not output.done(), output.result()
        await platform.complete_lesson(user, lesson["id"])
        stdout, stderr = await asyncio.wait_for(output, 90)
    finally:
        if browser.returncode is None:
            browser.kill()
            await browser.wait()
    assert browser.returncode == 0, stderr.decode()
    report = json.loads(stdout)

    assert "error" not in report, report
    assert report["pageErrors"] == []
    assert report["external"] == []
    assert _pane(report["headersText"]) == headers
    # The event, as GraphiQL shows it; title and course come from the courses subgraph.
    assert _pane(report["result"]) == {
        "data": {
            "progressUpdated": {
                "lesson": {"id": lesson["id"], "title": lesson["title"]},
                "course": {"id": course["id"], "title": course["title"]},
                "progress": {"completedLessons": 1},
            }
        }
    }
    # One websocket to the GraphQL URL itself; the header editor's headers went in
    # connection_init's payload; the subscription went as the editor's operation.
    [socket] = report["websockets"]
    assert socket["url"] == "ws" + platform.url.removeprefix("http")
    sent = [json.loads(frame) for frame in socket["sent"]]
    assert sent[0] == {"type": "connection_init", "payload": {"headers": headers}}
    assert sent[1]["type"] == "subscribe"
    assert sent[1]["payload"]["query"] == subscription
    assert sent[1]["payload"]["operationName"] == "FromGraphiQL"
    received = [json.loads(frame) for frame in socket["received"]]
    assert received[0] == {"type": "connection_ack"}
    # Stop: GraphiQL sent `complete` and closed the socket; the gateway let go of the
    # upstream subscription and of the connection.
    assert report["runLabel"].startswith("Stop")
    assert report["stoppedLabel"].startswith("Execute")
    assert sent[-1] == {"id": sent[1]["id"], "type": "complete"}
    assert socket["closed"]
    await platform.wait_for_subscribers(user, 0)
    await platform.wait_for_connections(0)
    assert screenshot.stat().st_size > 10_000
