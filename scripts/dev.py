"""``python -m scripts.dev`` (``make dev``): the whole platform on one machine.

Starts the three subgraphs as child processes (``python -m subgraphs.<name>`` on
USERS_PORT 4001, COURSES_PORT 4002, PROGRESS_PORT 4003), waits until each answers a
GraphQL request, then starts the gateway (``python -m gateway serve``, port
GATEWAY_SERVER__PORT or 4000), waits until its ``/ready`` answers 200 (not a GraphQL
request: in ``allowlist`` mode free-form operations are refused with a 403) and prints the
URLs — GraphiQL's only when the gateway serves it (not in ``production`` mode). Ctrl-C
or SIGTERM stops every child and waits for it.

The gateway reads ``schema/supergraph.graphql``. When that file is missing, or a
subgraph runs on a port other than its default, a supergraph is composed from the
checked-in subgraph SDL with the real URLs into ``$DATA_DIR/supergraph.dev.graphql``
and handed to the gateway (GATEWAY_SUPERGRAPH__PATH). If the gateway exits, its last
output is printed and the subgraphs keep running.
"""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import httpx

from gateway.auth.dev import dev_environment, serve_argv
from subgraphs.policies import POLICIES

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent
SUBGRAPHS = {
    "users": ("USERS_PORT", 4001),
    "courses": ("COURSES_PORT", 4002),
    "progress": ("PROGRESS_PORT", 4003),
}
#: The gateway's own override variable for its port (GATEWAY_* are its config overrides).
GATEWAY_PORT = ("GATEWAY_SERVER__PORT", 4000)
START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0


def port(env: str, default: int) -> int:
    return int(os.environ.get(env) or default)


class Child:
    """A child process whose output goes to our terminal; the last lines are kept."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str]) -> None:
        self.name = name
        self.tail: collections.deque[str] = collections.deque(maxlen=40)
        # Its own session: Ctrl-C reaches only us, and we stop children in order.
        self.process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
            start_new_session=True,
        )
        self.reader = threading.Thread(target=self._forward, daemon=True)
        self.reader.start()

    def _forward(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.tail.append(line)
            sys.stdout.write(f"[{self.name}] {line}")
            sys.stdout.flush()

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.alive():
            self.process.send_signal(signal.SIGTERM)

    def wait(self, timeout: float) -> None:
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.reader.join(timeout=2)


def answers_graphql(url: str) -> bool:
    """A subgraph is up once it answers ``{ __typename }``."""
    response = httpx.post(url, json={"query": "{ __typename }"}, timeout=2)
    return response.status_code == 200


def gateway_ready(graphql_url: str) -> bool:
    """The gateway is up once ``/ready`` says so (a supergraph loaded, subgraphs reachable);
    a GraphQL probe would be refused in ``allowlist`` mode."""
    response = httpx.get(graphql_url.rsplit("/", 1)[0] + "/ready", timeout=5)
    return response.status_code == 200


def serves_graphiql(graphql_url: str) -> bool:
    """Whether a browser asking for ``graphql_url`` gets GraphiQL (off in production)."""
    try:
        response = httpx.get(graphql_url, headers={"accept": "text/html"}, timeout=5)
    except httpx.HTTPError:
        return False
    return response.status_code == 200 and "text/html" in response.headers.get("content-type", "")


def wait_until_ready(
    child: Child,
    url: str,
    deadline: float,
    stopping: threading.Event,
    probe: Callable[[str], bool] = answers_graphql,
) -> bool:
    """True once ``probe(url)`` is; False if the child died, time ran out or we are asked
    to stop."""
    while time.monotonic() < deadline and not stopping.is_set():
        if not child.alive():
            return False
        try:
            if probe(url):
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    return False


def supergraph_env(urls: dict[str, str], env: dict[str, str]) -> dict[str, str]:
    """Gateway environment; composes a dev supergraph when the default one will not do."""
    defaults = all(port(*SUBGRAPHS[name]) == SUBGRAPHS[name][1] for name in SUBGRAPHS)
    if "GATEWAY_SUPERGRAPH__PATH" in env or "GATEWAY_CONFIG" in env:
        return env
    if defaults and (ROOT / "schema" / "supergraph.graphql").exists():
        return env
    data_dir = Path(env.get("DATA_DIR") or ROOT / "data")
    data_dir.mkdir(parents=True, exist_ok=True)
    out = (data_dir / "supergraph.dev.graphql").resolve()
    argv = [sys.executable, "-m", "gateway", "compose", "--out", str(out)]
    argv += [arg for name, url in urls.items() for arg in ("--url", f"{name}={url}")]
    argv += [f"schema/{name}.graphql" for name in urls]
    result = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        print(f"dev: could not compose a supergraph:\n{result.stderr}", file=sys.stderr)
        return env
    print(f"dev: composed {out} for the subgraphs' ports")
    return {**env, "GATEWAY_SUPERGRAPH__PATH": str(out)}


def main() -> int:
    stopping = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        # Set from another thread: the handler runs in the main thread, possibly inside
        # ``stopping.wait`` while it holds the event's lock, and Event.set takes that lock
        # (two signals at once, e.g. SIGTERM from `timeout` and from make, deadlocked it).
        threading.Thread(target=stopping.set, daemon=True).start()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    # Dev keys and secrets (made once under $DATA_DIR/dev-auth, never committed): the JWKS
    # the gateway verifies tokens against, and the secret subgraphs check identity with.
    keys = Path(os.environ.get("DATA_DIR") or ROOT / "data") / "dev-auth"
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **dev_environment(keys)}
    children: list[Child] = []
    urls = {name: f"http://{HOST}:{port(*spec)}/graphql" for name, spec in SUBGRAPHS.items()}
    try:
        for name in SUBGRAPHS:
            children.append(Child(name, [sys.executable, "-m", f"subgraphs.{name}"], env))
        deadline = time.monotonic() + START_TIMEOUT
        for child in children:
            if not wait_until_ready(child, urls[child.name], deadline, stopping):
                if stopping.is_set():
                    return 0
                print(
                    f"dev: subgraph {child.name} did not start:\n" + "".join(child.tail),
                    file=sys.stderr,
                )
                return 1
        gateway_port = port(*GATEWAY_PORT)
        gateway_env = {**supergraph_env(urls, env), "GATEWAY_SERVER__PORT": str(gateway_port)}
        children.append(Child("jwks", serve_argv(), env))
        # The platform's @policy callables (docs/authorization.md).
        for policy, path in POLICIES.items():
            gateway_env.setdefault(f"GATEWAY_AUTHORIZATION__POLICIES__{policy.upper()}", path)
        gateway = Child("gateway", [sys.executable, "-m", "gateway", "serve"], gateway_env)
        children.append(gateway)
        gateway_url = f"http://{HOST}:{gateway_port}/graphql"
        gateway_up = wait_until_ready(
            gateway, gateway_url, time.monotonic() + START_TIMEOUT, stopping, gateway_ready
        )
        print("\nThe learning platform is running:")
        if not gateway_up:
            state = "NOT RUNNING (see above)"
        elif serves_graphiql(gateway_url):
            state = "GraphiQL"
        else:
            state = "running; no GraphiQL"
        print(f"  gateway   {gateway_url}   ({state})")
        for name, url in urls.items():
            print(f"  {name:<9} {url}")
        print("Press Ctrl-C to stop.\n", flush=True)
        reported: set[str] = set()
        while not stopping.wait(0.2):
            for child in children:
                if not child.alive() and child.name not in reported:
                    reported.add(child.name)
                    code = child.process.returncode
                    print(
                        f"dev: {child.name} exited with status {code}; last output:\n"
                        + "".join(child.tail)
                        + ("dev: the subgraphs keep running.\n" if child is gateway else ""),
                        file=sys.stderr,
                        flush=True,
                    )
        return 0
    finally:
        for child in reversed(children):
            child.stop()
        for child in reversed(children):
            child.wait(STOP_TIMEOUT)
        print("dev: stopped.", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
