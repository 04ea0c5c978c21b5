"""The images built and run by a container engine: marked ``container``, so the default
run (``make test``) leaves them out; ``make test-containers`` runs them (about 8 minutes).

Needs podman or docker (``CONTAINER_ENGINE``, e.g. ``podman --runtime runc``; extra
``run``/``build`` options in ``CONTAINER_OPTIONS``, e.g. ulimits a sandbox imposes), the
base images of the Dockerfiles available to it, PostgreSQL on PG_URL (as the PostgreSQL
suite) and ``redis-server``. The containers use the host's network, so they reach the
databases on 127.0.0.1; the subgraphs listen on free ports chosen here.

The three subgraphs run on PostgreSQL after the seed container loaded it, two gateway
containers share one Redis, and each image's HEALTHCHECK is run by the engine itself.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.deploy.images import free_port
from tests.deploy.manifests import ROOT
from tests.servers import throwaway_redis
from tests.subgraphs.helpers import create_pg_databases, drop_pg_databases

pytestmark = [pytest.mark.container, pytest.mark.timeout(1500)]

SUBGRAPHS = ("users", "courses", "progress")


def _engine() -> list[str]:
    configured = os.environ.get("CONTAINER_ENGINE")
    if configured:
        return shlex.split(configured)
    for name in ("podman", "docker"):
        if shutil.which(name):
            return [name]
    raise AssertionError("no container engine: install podman or docker, or set CONTAINER_ENGINE")


ENGINE = _engine()
OPTIONS = shlex.split(os.environ.get("CONTAINER_OPTIONS", ""))
PODMAN = Path(ENGINE[0]).name == "podman"
#: Podman writes OCI images by default, which have no HEALTHCHECK.
PODMAN_BUILD = ["--format", "docker"] if PODMAN else []


def _run(*args: str, timeout: float = 120) -> str:
    result = subprocess.run(
        [*ENGINE, *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT
    )
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result.stdout.strip()


@pytest.fixture(scope="module")
def images() -> Iterator[dict[str, str]]:
    tag = f"test-{uuid.uuid4().hex[:8]}"
    built = {}
    for name, dockerfile in (("gateway", "Dockerfile"), ("subgraphs", "subgraphs.Dockerfile")):
        image = f"localhost/learning-{name}:{tag}"
        _run(
            "build", *PODMAN_BUILD, "--network", "host", *OPTIONS,
            "-t", image, "-f", dockerfile, ".", timeout=900,
        )  # fmt: skip
        built[name] = image
    try:
        yield built
    finally:
        for image in built.values():
            subprocess.run([*ENGINE, "rmi", "-f", image], capture_output=True, timeout=120)


class Containers:
    """Containers started by one test, removed at its end (logs kept for failures)."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def start(self, image: str, name: str, env: dict[str, str], *command: str) -> str:
        full = f"ship-test-{name}-{uuid.uuid4().hex[:6]}"
        flags = [arg for key, value in env.items() for arg in ("-e", f"{key}={value}")]
        _run("run", "-d", "--name", full, "--network", "host", *OPTIONS, *flags, image, *command)
        self.names.append(full)
        return full

    def logs(self) -> str:
        return "\n".join(
            subprocess.run([*ENGINE, "logs", n], capture_output=True, text=True).stderr
            for n in self.names
        )

    def remove(self) -> None:
        for name in self.names:
            subprocess.run([*ENGINE, "rm", "-f", name], capture_output=True, timeout=120)


def _healthy(container: str, deadline: float) -> None:
    """The image's own HEALTHCHECK, run by the engine, until it passes."""
    while True:
        check = subprocess.run(
            [*ENGINE, "healthcheck", "run", container]
            if PODMAN
            else [*ENGINE, "inspect", "-f", "{{.State.Health.Status}}", container],
            capture_output=True,
            text=True,
        )
        if check.returncode == 0 and check.stdout.strip() in ("", "healthy"):
            return
        assert time.monotonic() < deadline, f"{container} never healthy: {check}"
        time.sleep(0.5)


def test_images_run_as_non_root_with_a_health_check(images: dict[str, str]) -> None:
    for image in images.values():
        user = _run("image", "inspect", "-f", "{{.Config.User}}", image)
        assert user == "10001:10001"
        check = _run("image", "inspect", "-f", "{{.Config.Healthcheck.Test}}", image)
        assert "/health" in check
    vendored = _run(
        "run", "--rm", "--network", "host", *OPTIONS, "--entrypoint", "python", images["gateway"],
        "-c", "from gateway.http.graphiql import VENDOR_DIR; "
        "print(' '.join(sorted(p.name for p in VENDOR_DIR.iterdir())))",
    )  # fmt: skip
    assert "graphiql.min.js" in vendored.split()
    assert "graphql-ws.min.js" in vendored.split()


def test_the_platform_in_containers(images: dict[str, str]) -> None:
    databases = asyncio.run(create_pg_databases())
    containers = Containers()
    try:
        with throwaway_redis() as redis_url:
            env = {f"{name.upper()}_DATABASE_URL": databases[name] for name in SUBGRAPHS}
            env["REDIS_URL"] = redis_url
            seed = containers.start(
                images["subgraphs"], "seed", env, "python", "-m", "subgraphs.seed", "--users",
                "50", "--courses", "10",
            )  # fmt: skip
            assert _run("wait", seed, timeout=300) == "0", containers.logs()
            urls = {}
            deadline = time.monotonic() + 120
            for name in SUBGRAPHS:
                port = free_port()
                started = containers.start(
                    images["subgraphs"], name, {**env, "SUBGRAPH": name, "PORT": str(port)}
                )
                urls[name] = f"http://127.0.0.1:{port}/graphql"
                _healthy(started, deadline)
            gateways = []
            for replica in ("a", "b"):
                port = free_port()
                gateway_env = {
                    "GATEWAY_REDIS_URL": redis_url,
                    "GATEWAY_SERVER__HOST": "127.0.0.1",
                    "GATEWAY_SERVER__PORT": str(port),
                    **{f"GATEWAY_SUBGRAPHS__{n.upper()}__URL": u for n, u in urls.items()},
                }
                started = containers.start(images["gateway"], f"gateway-{replica}", gateway_env)
                _healthy(started, deadline)
                gateways.append((started, f"http://127.0.0.1:{port}"))
            _exercise([url for _, url in gateways])
            # SIGTERM: a graceful shutdown, exit status 0.
            _run("stop", "-t", "30", gateways[0][0], timeout=60)
            status = _run("inspect", "-f", "{{.State.ExitCode}}", gateways[0][0])
            assert status == "0", containers.logs()
    except BaseException:
        print(containers.logs())
        raise
    finally:
        containers.remove()
        asyncio.run(drop_pg_databases(databases))


def _exercise(gateways: list[str]) -> None:
    query = "{ courses(first: 2) { edges { node { id title } } } }"
    persisted = {
        "persistedQuery": {"version": 1, "sha256Hash": hashlib.sha256(query.encode()).hexdigest()}
    }
    with httpx.Client(timeout=30) as client:
        for url in gateways:
            ready = client.get(f"{url}/ready")
            assert ready.status_code == 200, ready.text
        first = client.post(
            f"{gateways[0]}/graphql", json={"query": query, "extensions": persisted}
        )
        assert len(first.json()["data"]["courses"]["edges"]) == 2, first.text
        # The second replica serves the hash the first stored in the shared Redis.
        second = client.post(f"{gateways[1]}/graphql", json={"extensions": persisted})
        assert second.json() == first.json()
