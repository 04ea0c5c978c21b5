"""Several worker processes: ``/metrics`` from any worker reports the whole server
(prometheus-client's multiprocess mode), on ``python -m gateway serve`` with 2 workers."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from tests.auth.helpers import gateway_auth
from tests.observability.helpers import COURSE, SUPERGRAPH
from tests.servers import bound_socket
from tests.subgraphs.helpers import running_subgraphs

ROOT = Path(__file__).resolve().parents[2]
REQUESTS = 60


@contextlib.asynccontextmanager
async def two_workers(tmp_path: Path, urls: dict[str, str]) -> AsyncIterator[str]:
    sock = bound_socket()
    port = sock.getsockname()[1]
    sock.close()  # uvicorn's parent binds it again for its workers
    config = {
        "mode": "production",
        "supergraph": {"path": str(SUPERGRAPH), "watch": False},
        "subgraphs": {name: {"url": url} for name, url in urls.items()},
        "auth": gateway_auth(),
        "server": {"host": "127.0.0.1", "port": port, "workers": 2},
        "observability": {"request_log": {"enabled": False}},
    }
    path = tmp_path / "gateway.yaml"
    path.write_text(yaml.safe_dump(config))
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics")}
    process = subprocess.Popen(
        [sys.executable, "-m", "gateway", "serve", "--config", str(path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as http:
            for _ in range(600):
                with contextlib.suppress(httpx.HTTPError):
                    if (await http.get(f"{base}/health")).status_code == 200:
                        break
                assert process.poll() is None, "the gateway exited"
                await asyncio.sleep(0.05)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def requests_total(text: str) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if (
                sample.name == "gateway_requests_total"
                and sample.labels["operation"] == "CourseCard"
                and sample.labels["outcome"] == "ok"
            ):
                return sample.value
    return 0.0


@pytest.mark.timeout(120)
async def test_any_worker_reports_every_workers_requests(tmp_path: Path) -> None:
    async with running_subgraphs() as subgraphs, two_workers(tmp_path, subgraphs.urls) as base:
        body = {"query": COURSE, "variables": {"id": subgraphs.data.courses[0]["id"]}}

        async def one() -> None:
            # A connection per request: the kernel spreads them over both workers.
            async with httpx.AsyncClient() as http:
                response = await http.post(f"{base}/graphql", json=body)
                assert response.status_code == 200 and "errors" not in response.json()

        for _ in range(REQUESTS // 10):
            await asyncio.gather(*(one() for _ in range(10)))
        files = list((tmp_path / "metrics").glob("counter_*.db"))
        # Both workers counted requests (one file each), so a worker's own count is short.
        assert len(files) == 2
        scrapes = []
        for _ in range(8):
            async with httpx.AsyncClient() as http:
                scrapes.append(requests_total((await http.get(f"{base}/metrics")).text))
    assert scrapes == [REQUESTS] * 8
