"""``python -m scripts.dev`` in front of a gateway that refuses free-form operations
(``allowlist``) and serves no GraphiQL (``production``): reported running, without GraphiQL."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.servers import bound_socket

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    sock = bound_socket()
    port: int = sock.getsockname()[1]
    sock.close()
    return port


@pytest.mark.timeout(150)
def test_allowlist_production_gateway_is_reported_running_without_graphiql(
    tmp_path: Path,
) -> None:
    ports = {name: free_port() for name in ("USERS_PORT", "COURSES_PORT", "PROGRESS_PORT")}
    gateway_port = free_port()
    env = {
        **os.environ,
        **{k: str(v) for k, v in ports.items()},
        "GATEWAY_SERVER__PORT": str(gateway_port),
        "JWKS_PORT": str(free_port()),
        "GATEWAY_MODE": "production",
        "GATEWAY_PERSISTED__MODE": "allowlist",
        "GATEWAY_PERSISTED__MANIFEST": "persisted_queries/manifest.json",
        "DATA_DIR": str(tmp_path),
        "LOG_LEVEL": "warning",
    }
    for key in ("USERS_DATABASE_URL", "COURSES_DATABASE_URL", "PROGRESS_DATABASE_URL"):
        env.pop(key, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "scripts.dev"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    output: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 120
        while not any("Press Ctrl-C" in line for line in output):
            assert time.monotonic() < deadline, "".join(output)
            try:
                output.append(lines.get(timeout=1))
            except queue.Empty:
                assert process.poll() is None, "".join(output)
        url = f"http://127.0.0.1:{gateway_port}/graphql"
        gateway_line = next(line for line in output if line.startswith("  gateway"))
        assert gateway_line.split() == ["gateway", url, "(running;", "no", "GraphiQL)"]
        # The gateway really is in allowlist mode: free-form text is refused.
        refused = httpx.post(url, json={"query": "{ __typename }"}, timeout=10)
        assert refused.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        reader.join(timeout=10)
        assert process.stdout is not None
        process.stdout.close()
