"""The production configuration (deploy/config/gateway.yaml) as the containers get it:
accepted by ``python -m gateway serve --check`` when laid out as Kubernetes mounts it, and
serving the real subgraphs from two gateway processes that share one Redis, started with
the image's own command and environment and checked with the image's HEALTHCHECK."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

from tests.deploy.images import GATEWAY, exec_form, free_port, healthcheck_command, stages
from tests.deploy.manifests import ROOT, by_hand, env, find, gateway_config, rendered
from tests.servers import throwaway_redis
from tests.subgraphs.helpers import running_subgraphs


def _clean_environment() -> dict[str, str]:
    # The processes get their settings from the files and the variables set here only.
    return {k: v for k, v in os.environ.items() if not k.upper().startswith("GATEWAY_")}


def _mount(root: Path) -> dict[str, str]:
    """Write the gateway Deployment's ConfigMap volumes under ``root`` as the kubelet
    mounts them; the container's environment, its paths moved under ``root``."""
    resources = rendered()
    spec = find(resources, "Deployment", "gateway")["spec"]["template"]["spec"]
    container = spec["containers"][0]
    maps = {r["metadata"]["name"]: r["data"] for r in resources if r["kind"] == "ConfigMap"}
    volumes = {v["name"]: v["configMap"]["name"] for v in spec["volumes"] if "configMap" in v}
    for mount in container["volumeMounts"]:
        if mount["name"] in volumes:
            folder = root / mount["mountPath"].lstrip("/")
            folder.mkdir(parents=True)
            for name, text in maps[volumes[mount["name"]]].items():
                (folder / name).write_text(text)
    secrets = {d["metadata"]["name"]: d["stringData"] for d in by_hand() if d["kind"] == "Secret"}
    variables: dict[str, str] = {}
    for name, item in env(container).items():
        if "value" in item:
            variables[name] = item["value"]
        else:
            reference = item["valueFrom"]["secretKeyRef"]
            variables[name] = secrets[reference["name"]][reference["key"]]
    variables["GATEWAY_CONFIG"] = str(root / variables["GATEWAY_CONFIG"].lstrip("/"))
    supergraph = gateway_config()["supergraph"]["path"]
    variables["GATEWAY_SUPERGRAPH__PATH"] = str(root / supergraph.lstrip("/"))
    return variables


def _check(variables: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway", "serve", "--check"],
        cwd=ROOT,
        env={**_clean_environment(), **variables},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_serve_check_accepts_the_configuration_kubernetes_mounts(tmp_path: Path) -> None:
    variables = _mount(tmp_path)
    assert variables["GATEWAY_REDIS_URL"].startswith("redis://")
    result = _check(variables)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "gateway: configuration is valid"


def test_serve_check_refuses_a_broken_mounted_configuration(tmp_path: Path) -> None:
    # The check above must be able to fail: the same mount with one misspelled option.
    variables = _mount(tmp_path)
    config = Path(variables["GATEWAY_CONFIG"])
    config.write_text(config.read_text().replace("graceful_shutdown_seconds", "graceful_seconds"))
    result = _check(variables)
    assert result.returncode == 2
    assert "server.graceful_seconds: unknown option" in result.stderr


@contextlib.asynccontextmanager
async def _gateway(variables: dict[str, str], log: Path) -> AsyncIterator[str]:
    """The image's ENTRYPOINT + CMD with its ENV (then ``variables``); the base URL."""
    runtime = stages(GATEWAY)[-1]
    argv = exec_form(runtime.last("ENTRYPOINT")) + exec_form(runtime.last("CMD"))
    assert argv[0] == "python"
    image_env = {k: v for k, v in runtime.env().items() if k != "PATH"}
    environment = {**_clean_environment(), **image_env, **variables}
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            sys.executable, *argv[1:], cwd=ROOT, env=environment, stdout=output, stderr=output
        )
    url = f"http://127.0.0.1:{variables['GATEWAY_SERVER__PORT']}"
    try:
        check = [sys.executable, *healthcheck_command(runtime)[1:]]
        async with asyncio.timeout(60):
            while True:  # the image's HEALTHCHECK, until it passes
                health = await asyncio.create_subprocess_exec(
                    *check, env=environment, stderr=asyncio.subprocess.DEVNULL
                )
                if await health.wait() == 0:
                    break
                assert process.returncode is None, log.read_text()
                await asyncio.sleep(0.1)
        yield url
    finally:
        if process.returncode is None:
            process.terminate()
            await process.wait()


async def test_two_replicas_with_the_production_configuration_share_apq(tmp_path: Path) -> None:
    query = "{ courses(first: 2) { edges { node { id title } } } }"
    digest = hashlib.sha256(query.encode()).hexdigest()
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    with throwaway_redis() as redis_url:
        async with running_subgraphs() as subgraphs, contextlib.AsyncExitStack() as stack:
            replicas = []
            for replica in ("a", "b"):
                variables = _mount(tmp_path / replica)
                variables.update(
                    {
                        "GATEWAY_REDIS_URL": redis_url,
                        # Loopback and a free port here; the rest as the pod has it.
                        "GATEWAY_SERVER__HOST": "127.0.0.1",
                        "GATEWAY_SERVER__PORT": str(free_port()),
                    }
                )
                for name, url in subgraphs.urls.items():
                    variables[f"GATEWAY_SUBGRAPHS__{name.upper()}__URL"] = url
                log = tmp_path / f"gateway-{replica}.log"
                replicas.append(await stack.enter_async_context(_gateway(variables, log)))
            async with httpx.AsyncClient(timeout=30) as client:
                for url in replicas:
                    ready = await client.get(f"{url}/ready")
                    assert ready.status_code == 200, ready.text
                first, second = replicas
                unknown = await client.post(f"{second}/graphql", json={"extensions": persisted})
                assert unknown.json()["errors"][0]["extensions"]["code"] == (
                    "PERSISTED_QUERY_NOT_FOUND"
                )
                registered = await client.post(
                    f"{first}/graphql", json={"query": query, "extensions": persisted}
                )
                assert registered.status_code == 200, registered.text
                edges = registered.json()["data"]["courses"]["edges"]
                assert len(edges) == 2
                # The other replica knows the hash from Redis.
                shared = await client.post(f"{second}/graphql", json={"extensions": persisted})
                assert shared.json() == registered.json()
                # Production mode: no GraphiQL for browsers, no plans on request.
                page = await client.get(f"{first}/graphql", headers={"accept": "text/html"})
                assert "graphiql" not in page.text.lower()
