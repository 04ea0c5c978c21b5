"""The platform the soak runs against, as real processes on free ports.

A seeded data set in SQLite files under a temporary directory, the three subgraphs
(``python -m subgraphs.<name>``) and the gateway (``python -m gateway serve``) with the
app's persisted-query manifest, identity headers forwarded, and the production mode.
Every child gets its own session and is stopped (SIGTERM, then SIGKILL) at the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from gateway.auth.dev import AUDIENCE, ISSUER, DevKeys
from subgraphs.policies import POLICIES
from subgraphs.seed import Dataset, generate, load

ROOT = Path(__file__).resolve().parents[2]
SUBGRAPHS = {"users": "USERS_PORT", "courses": "COURSES_PORT", "progress": "PROGRESS_PORT"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Platform:
    url: str  # the gateway's GraphQL endpoint
    ws_url: str
    gateway_pid: int
    data: Dataset
    children: list[subprocess.Popen[bytes]]
    #: The dev signing keys the gateway trusts: the soak's learners get tokens from them.
    keys: DevKeys


def _wait_for_graphql(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the process exited ({process.returncode})")
        with contextlib.suppress(httpx.TransportError):
            if httpx.post(url, json={"query": "{ __typename }"}, timeout=2).status_code == 200:
                return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {timeout:g}s")
        time.sleep(0.1)


def _gateway_config(directory: Path, port: int, urls: dict[str, str], keys: DevKeys) -> Path:
    subgraphs = "".join(f"  {name}:\n    url: {url}\n" for name, url in urls.items())
    jwks = directory / "jwks.json"
    jwks.write_text(json.dumps(keys.jwks()))
    policies = "".join(f"    {name}: {target}\n" for name, target in POLICIES.items())
    path = directory / "gateway.yaml"
    path.write_text(
        "mode: production\n"
        f"supergraph:\n  path: {ROOT / 'schema' / 'supergraph.graphql'}\n  watch: false\n"
        f"subgraphs:\n{subgraphs}"
        f"auth:\n  jwks_file: {jwks}\n  issuer: {ISSUER}\n  audience: {AUDIENCE}\n"
        f"  signing_secret: {keys.signing_secret}\n"
        f"authorization:\n  policies:\n{policies}"
        f"persisted:\n  mode: apq\n  manifest: {ROOT / 'persisted_queries' / 'manifest.json'}\n"
        f"server:\n  host: 127.0.0.1\n  port: {port}\n  access_log: false\n"
    )
    return path


def _start(argv: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def _stop(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children:
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


@contextlib.contextmanager
def running_platform(users: int, courses: int, keep: Path | None = None) -> Iterator[Platform]:
    """Seed, start the subgraphs and the gateway; yields when all answer."""
    with tempfile.TemporaryDirectory(prefix="soak-") as tmp:
        directory = keep or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        data = generate(users=users, courses=courses, instructors=max(2, users // 20))
        databases = {name: f"sqlite+aiosqlite:///{directory / name}.sqlite3" for name in SUBGRAPHS}
        asyncio.run(load(data, databases, reset=True))
        keys = DevKeys.load_or_create(directory / "dev-auth")
        env = {k: v for k, v in os.environ.items() if not k.upper().startswith("GATEWAY_")}
        env.update({"DATA_DIR": str(directory), "LOG_LEVEL": "warning", "REDIS_URL": ""})
        env["IDENTITY_SECRET"] = keys.signing_secret  # subgraphs trust the gateway's identity
        children: list[subprocess.Popen[bytes]] = []
        try:
            urls = {}
            for name, port_env in SUBGRAPHS.items():
                port = free_port()
                child_env = {
                    **env,
                    port_env: str(port),
                    f"{name.upper()}_DATABASE_URL": databases[name],
                }
                argv = [sys.executable, "-m", f"subgraphs.{name}"]
                children.append(_start(argv, child_env, directory / f"{name}.log"))
                urls[name] = f"http://127.0.0.1:{port}/graphql"
            for child, url in zip(children, urls.values(), strict=True):
                _wait_for_graphql(url, child)
            port = free_port()
            config = _gateway_config(directory, port, urls, keys)
            argv = [sys.executable, "-m", "gateway", "serve", "--config", str(config)]
            gateway = _start(argv, env, directory / "gateway.log")
            children.append(gateway)
            url = f"http://127.0.0.1:{port}/graphql"
            _wait_for_graphql(url, gateway)
            ws_url = f"ws://127.0.0.1:{port}/graphql"
            yield Platform(url, ws_url, gateway.pid, data, children, keys)
        finally:
            _stop(children)


def rss_bytes(pid: int) -> int:
    """Resident memory of process ``pid`` (Linux ``/proc``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")
