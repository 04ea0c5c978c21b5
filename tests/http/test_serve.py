"""``python -m gateway serve`` as a real process: config errors at start, serving,
hot reload of the supergraph file, and graceful shutdown finishing in-flight requests."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from gateway.commands.serve import listening_socket
from tests.http.hello_subgraph import Concurrency, hello_app, supergraph_for
from tests.servers import ThreadedServer

ROOT = Path(__file__).parent.parent.parent


def _env() -> dict[str, str]:
    # The process gets its configuration from the file alone, not from this environment.
    return {k: v for k, v in os.environ.items() if not k.upper().startswith("GATEWAY_")}


def _config(tmp_path: Path, supergraph: Path, extra: str = "") -> Path:
    path = tmp_path / "gateway.yaml"
    path.write_text(
        f"supergraph:\n  path: {supergraph}\n  watch: true\n"
        f"server:\n  port: 0\n  graceful_shutdown_seconds: 10\n{extra}"
    )
    return path


class Served:
    def __init__(self, process: asyncio.subprocess.Process, url: str, log: Path) -> None:
        self.process = process
        self.url = url
        self.log = log


@contextlib.asynccontextmanager
async def serve(config: Path, tmp_path: Path) -> AsyncIterator[Served]:
    """Starts the gateway process, waits until /health answers; stops it afterwards."""
    log = tmp_path / "gateway.log"
    with log.open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "gateway", "serve", "--config", str(config),
            cwd=ROOT, env=_env(), stdout=asyncio.subprocess.PIPE, stderr=stderr,
        )  # fmt: skip
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        assert line.startswith("gateway: http://127.0.0.1:"), line + log.read_text()
        url = line.removeprefix("gateway: ").strip().removesuffix("/graphql")
        async with httpx.AsyncClient(timeout=5) as client:
            deadline = time.monotonic() + 30
            while True:
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get(f"{url}/health")).status_code == 200:
                        break
                assert process.returncode is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                await asyncio.sleep(0.05)
        yield Served(process, url, log)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_invalid_config_fails_at_start_naming_the_key(tmp_path: Path) -> None:
    path = tmp_path / "gateway.yaml"
    path.write_text("server:\n  port: lots\n  batching:\n    max_sise: 3\n")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "gateway", "serve", "--config", str(path),
        cwd=ROOT, env=_env(), stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 2
    message = stderr.decode()
    assert "server.port: Input should be a valid integer" in message
    assert "server.batching.max_sise: unknown option" in message
    assert "Traceback" not in message


async def test_environment_override_is_validated_too(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "gateway", "serve", "--check",
        cwd=ROOT, env={**_env(), "GATEWAY_SERVER__PORT": "99999"}, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 2
    assert "server.port" in stderr.decode()
    assert "[from GATEWAY_SERVER__PORT]" in stderr.decode()


async def test_serves_and_shuts_down_gracefully(tmp_path: Path) -> None:
    counter = Concurrency()
    with ThreadedServer(hello_app(counter)) as hello:
        supergraph = tmp_path / "supergraph.graphql"
        supergraph.write_text(supergraph_for(f"{hello.url}/graphql"))
        async with serve(_config(tmp_path, supergraph), tmp_path) as served:
            async with httpx.AsyncClient(base_url=served.url, timeout=30) as client:
                quick = await client.post("/graphql", json={"query": "{ hello }"})
                assert quick.json() == {"data": {"hello": "world"}}

                # A slow request is in flight at the subgraph when SIGTERM arrives...
                slow = asyncio.create_task(
                    client.post("/graphql", json={"query": "{ slow(seconds: 1.5) }"})
                )
                while counter.now == 0:
                    await asyncio.sleep(0.01)
                served.process.send_signal(signal.SIGTERM)
                # ...and still gets its answer, and then the process exits cleanly: uvicorn
                # re-raises the signal once shut down, so the exit status says SIGTERM.
                response = await asyncio.wait_for(slow, 20)
                assert response.status_code == 200
                assert response.json() == {"data": {"slow": "slept 1.5"}}
                status = await asyncio.wait_for(served.process.wait(), 20)
                assert status == -signal.SIGTERM
            log = served.log.read_text()
            assert "Waiting for application shutdown." in log
            assert "Application shutdown complete." in log
            assert "Finished server process" in log


async def test_shutdown_ends_event_streams_at_once(tmp_path: Path) -> None:
    with ThreadedServer(hello_app()) as hello:
        supergraph = tmp_path / "supergraph.graphql"
        supergraph.write_text(supergraph_for(f"{hello.url}/graphql"))
        async with serve(_config(tmp_path, supergraph), tmp_path) as served:
            async with httpx.AsyncClient(base_url=served.url, timeout=30) as client:
                # An open GraphQL-over-SSE stream (single connection mode), idle.
                token = (await client.put("/graphql")).text
                headers = {"accept": "text/event-stream", "x-graphql-event-stream-token": token}
                async with client.stream("GET", "/graphql", headers=headers) as stream:
                    assert stream.status_code == 200
                    started = time.monotonic()
                    served.process.send_signal(signal.SIGTERM)
                    # The stream ends as shutdown begins, not after the graceful 10 s.
                    await asyncio.wait_for(stream.aread(), 5)
                status = await asyncio.wait_for(served.process.wait(), 20)
            assert time.monotonic() - started < 5
            assert status == -signal.SIGTERM


def _without_words(sdl: str) -> str:
    return sdl.replace("  words(count: Int!): [String!]!\n", "")


async def test_supergraph_file_is_hot_reloaded(tmp_path: Path) -> None:
    counter = Concurrency()
    with ThreadedServer(hello_app(counter)) as hello:
        full = supergraph_for(f"{hello.url}/graphql")
        supergraph = tmp_path / "supergraph.graphql"
        supergraph.write_text(_without_words(full))
        async with (
            serve(_config(tmp_path, supergraph), tmp_path) as served,
            httpx.AsyncClient(base_url=served.url, timeout=30) as client,
        ):
            words = {"query": "{ words(count: 2) }"}
            before = await client.post("/graphql", json=words)
            assert before.json()["errors"][0]["extensions"]["code"] == ("GRAPHQL_VALIDATION_FAILED")
            # A request in flight while the file changes finishes normally.
            slow = asyncio.create_task(
                client.post("/graphql", json={"query": "{ slow(seconds: 1) }"})
            )
            while counter.now == 0:
                await asyncio.sleep(0.01)
            supergraph.write_text(full)
            deadline = time.monotonic() + 30
            while True:
                after = await client.post("/graphql", json=words)
                if "data" in after.json():
                    break
                assert time.monotonic() < deadline, served.log.read_text()
                await asyncio.sleep(0.1)
            assert after.json() == {"data": {"words": ["word-0", "word-1"]}}
            assert (await slow).json() == {"data": {"slow": "slept 1.0"}}

            # A broken file is refused; the current supergraph keeps serving.
            supergraph.write_text("type Query {")
            deadline = time.monotonic() + 30
            while "not loaded, keeping the current one" not in served.log.read_text():
                assert time.monotonic() < deadline, served.log.read_text()
                await asyncio.sleep(0.1)
            still = await client.post("/graphql", json=words)
            assert still.json() == {"data": {"words": ["word-0", "word-1"]}}


@pytest.mark.parametrize("argv", [["--help"]])
def test_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    from gateway.commands.serve import main

    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 0
    assert "--config" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("supergraph", "expected"),
    [
        (None, "supergraph.path: cannot read"),
        ("type Query { a: Int }", "is not a valid supergraph"),
    ],
)
async def test_unusable_supergraph_fails_at_start(
    tmp_path: Path, supergraph: str | None, expected: str
) -> None:
    path = tmp_path / "supergraph.graphql"
    if supergraph is not None:
        path.write_text(supergraph)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "gateway", "serve", "--config", str(_config(tmp_path, path)),
        cwd=ROOT, env=_env(), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 2
    assert expected in stderr.decode()
    assert "Traceback" not in stderr.decode()
    assert stdout == b""  # no URL printed: it never listened


async def test_connections_to_the_listening_socket_have_tcp_nodelay() -> None:
    """Small writes go out at once (a streamed part must not wait for an ACK)."""
    sock = listening_socket(socket.AF_INET)
    sock.bind(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer.get_extra_info("socket"))
        writer.close()

    server = await asyncio.start_server(on_connect, sock=sock)
    async with server:
        _, writer = await asyncio.open_connection(*sock.getsockname())
        while not accepted:
            await asyncio.sleep(0.005)
        writer.close()
        assert accepted[0].getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
