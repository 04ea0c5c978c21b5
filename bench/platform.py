"""The platform as real processes on free ports, for the benchmarks that drive it whole.

A seeded data set in SQLite files under a directory, the three subgraphs
(``python -m subgraphs.<name>``) and the gateway (``python -m gateway serve``) with the
app's persisted-query manifest, the platform's policies, identity signed for the
subgraphs and the production mode. The subgraphs and the gateway start separately, so a
benchmark can run several fresh gateways (or a peer gateway) against one set of
subgraphs. Every child gets its own session and is stopped (SIGTERM, then SIGKILL).

    with running_subgraphs(users=300, courses=60) as subgraphs:
        with running_gateway(subgraphs) as gateway:
            ...  # gateway.url, gateway.ws_url, gateway.pid
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
from typing import Any

import httpx

from gateway.auth.dev import AUDIENCE, ISSUER, DevKeys
from subgraphs.policies import POLICIES
from subgraphs.seed import Dataset, generate, load

ROOT = Path(__file__).resolve().parents[1]
SUBGRAPHS = {"users": "USERS_PORT", "courses": "COURSES_PORT", "progress": "PROGRESS_PORT"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Subgraphs:
    """The three subgraphs, running over one seeded data set."""

    urls: dict[str, str]  # name -> GraphQL endpoint
    data: Dataset
    #: The dev signing keys a gateway trusts; its ``signing_secret`` signs the identity
    #: the subgraphs accept.
    keys: DevKeys
    directory: Path  # databases, logs, generated configs
    env: dict[str, str]  # the environment children start with
    children: list[subprocess.Popen[bytes]]


@dataclass
class Gateway:
    url: str  # the GraphQL endpoint
    ws_url: str
    process: subprocess.Popen[bytes]

    @property
    def pid(self) -> int:
        return self.process.pid


def wait_for_graphql(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """Return once ``url`` answers ``{ __typename }`` with HTTP 200."""
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


def start_process(
    argv: list[str], env: dict[str, str], log: Path, cwd: Path = ROOT
) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop_processes(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children:
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            # A process group: node peers fork workers that must go with their parent.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
            child.wait()


def platform_dataset(users: int, courses: int, **shape: Any) -> Dataset:
    """The benchmarks' data set: ``users`` people, one in twenty an instructor;
    ``shape`` passes the rest of ``subgraphs.seed.generate``'s choices on."""
    return generate(users=users, courses=courses, instructors=max(2, users // 20), **shape)


@contextlib.contextmanager
def running_subgraphs(
    users: int, courses: int, directory: Path | None = None, data: Dataset | None = None
) -> Iterator[Subgraphs]:
    """Seed ``users`` and ``courses`` (or ``data``, when given), start the subgraphs;
    yields when all answer."""
    with tempfile.TemporaryDirectory(prefix="platform-") as tmp:
        directory = directory or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        if data is None:
            data = platform_dataset(users, courses)
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
                children.append(start_process(argv, child_env, directory / f"{name}.log"))
                urls[name] = f"http://127.0.0.1:{port}/graphql"
            for child, url in zip(children, urls.values(), strict=True):
                wait_for_graphql(url, child)
            yield Subgraphs(urls, data, keys, directory, env, children)
        finally:
            stop_processes(children)


def gateway_config(subgraphs: Subgraphs, port: int, extra: str = "") -> Path:
    """The gateway's YAML for ``subgraphs`` on ``port``; ``extra`` is appended (more
    top-level sections)."""
    directory, keys = subgraphs.directory, subgraphs.keys
    listed = "".join(f"  {name}:\n    url: {url}\n" for name, url in subgraphs.urls.items())
    jwks = directory / "jwks.json"
    jwks.write_text(json.dumps(keys.jwks()))
    policies = "".join(f"    {name}: {target}\n" for name, target in POLICIES.items())
    path = directory / f"gateway-{port}.yaml"
    path.write_text(
        "mode: production\n"
        f"supergraph:\n  path: {ROOT / 'schema' / 'supergraph.graphql'}\n  watch: false\n"
        f"subgraphs:\n{listed}"
        f"auth:\n  jwks_file: {jwks}\n  issuer: {ISSUER}\n  audience: {AUDIENCE}\n"
        f"  signing_secret: {keys.signing_secret}\n"
        f"authorization:\n  policies:\n{policies}"
        f"persisted:\n  mode: apq\n  manifest: {ROOT / 'persisted_queries' / 'manifest.json'}\n"
        f"server:\n  host: 127.0.0.1\n  port: {port}\n  access_log: false\n" + extra
    )
    return path


@contextlib.contextmanager
def running_gateway(subgraphs: Subgraphs, extra_config: str = "") -> Iterator[Gateway]:
    """A fresh gateway process in front of ``subgraphs``; yields once it answers."""
    port = free_port()
    config = gateway_config(subgraphs, port, extra_config)
    argv = [sys.executable, "-m", "gateway", "serve", "--config", str(config)]
    process = start_process(argv, subgraphs.env, subgraphs.directory / "gateway.log")
    try:
        url = f"http://127.0.0.1:{port}/graphql"
        wait_for_graphql(url, process)
        yield Gateway(url, f"ws://127.0.0.1:{port}/graphql", process)
    finally:
        stop_processes([process])


def rss_bytes(pid: int) -> int:
    """Resident memory of process ``pid`` (Linux ``/proc``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time process ``pid`` has used (``/proc/PID/stat``)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    # Fields after the command name (which may hold spaces) ``(...)``: utime and stime
    # are the 14th and 15th fields of the line, in clock ticks.
    fields = stat[stat.rindex(")") + 2 :].split()
    ticks = int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")
