"""``python -m scripts.dev`` starts the subgraphs, prints the URLs and stops cleanly."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from tests.servers import bound_socket

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    sock = bound_socket()
    port: int = sock.getsockname()[1]
    sock.close()
    return port


def refuses(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return False
    except OSError:
        return True


def test_dev_serves_the_subgraphs_and_stops_on_sigterm(tmp_path: Path):
    ports = {name: free_port() for name in ("USERS_PORT", "COURSES_PORT", "PROGRESS_PORT")}
    gateway_port = free_port()
    env = {
        **os.environ,
        **{k: str(v) for k, v in ports.items()},
        "GATEWAY_SERVER__PORT": str(gateway_port),
        "JWKS_PORT": str(free_port()),
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
        deadline = time.monotonic() + 90
        while not any("Press Ctrl-C" in line for line in output):
            assert time.monotonic() < deadline, "".join(output)
            try:
                output.append(lines.get(timeout=1))
            except queue.Empty:
                assert process.poll() is None, "".join(output)
        text = "".join(output)
        for name, env_name in (
            ("users", "USERS_PORT"),
            ("courses", "COURSES_PORT"),
            ("progress", "PROGRESS_PORT"),
        ):
            url = f"http://127.0.0.1:{ports[env_name]}/graphql"
            assert f"{name:<9} {url}" in text
            body = httpx.post(url, json={"query": "{ _service { sdl } }"}, timeout=10).json()
            sdl = body["data"]["_service"]["sdl"]
            assert '@link(url: "https://specs.apollo.dev/federation/v2.9"' in sdl
        assert f"gateway   http://127.0.0.1:{gateway_port}/graphql" in text
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        reader.join(timeout=10)
        assert process.stdout is not None
        process.stdout.close()
    for port in (*ports.values(), gateway_port):
        assert refuses(port), port
