"""Real servers for tests: uvicorn bound to 127.0.0.1:0, and throwaway Redis instances.

``running_app`` serves an ASGI app on a real socket inside the test's event loop;
``ThreadedServer`` does the same on its own thread and loop, for sync code and for
servers that must outlive one event loop. Both wait for uvicorn's ``started`` flag.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import uvicorn


def bound_socket() -> socket.socket:
    # IPPROTO_TCP: asyncio then sets TCP_NODELAY on each connection, as the gateway's own
    # listening socket does (gateway/commands/serve.py says why).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextlib.contextmanager
def refused_url(scheme: str = "http") -> Iterator[str]:
    """A GraphQL URL on a port that is bound but never listening: every connection to it
    is refused (the port stays ours until the block ends, so nothing else takes it)."""
    closed = bound_socket()
    try:
        yield f"{scheme}://127.0.0.1:{closed.getsockname()[1]}/graphql"
    finally:
        closed.close()


def _config(app: Any, **kwargs: Any) -> uvicorn.Config:
    return uvicorn.Config(app, log_level="warning", lifespan="on", **kwargs)


@contextlib.asynccontextmanager
async def running_app(app: Any, **kwargs: Any) -> AsyncIterator[str]:
    """Serve ``app`` on 127.0.0.1:<free port> in this loop; yields its base URL."""
    sock = bound_socket()
    server = uvicorn.Server(_config(app, **kwargs))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
            raise RuntimeError("server exited before it started")
        await asyncio.sleep(0.005)
    port = sock.getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


class ThreadedServer:
    """An ASGI app served by uvicorn on its own thread and event loop."""

    def __init__(self, app: Any, **kwargs: Any) -> None:
        self.sock = bound_socket()
        self.server = uvicorn.Server(_config(app, **kwargs))
        self.thread = threading.Thread(
            target=lambda: self.server.run(sockets=[self.sock]), daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def start(self) -> ThreadedServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.sock.close()

    def __enter__(self) -> ThreadedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def throwaway_redis() -> Iterator[str]:
    """A private ``redis-server`` on a free port; yields its URL. Killed afterwards."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed (.ci/run installs it)")
    sock = bound_socket()
    port = sock.getsockname()[1]
    sock.close()
    workdir = tempfile.mkdtemp(prefix="redis-")
    proc = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            workdir,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.02)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.kill()
        proc.wait()
        shutil.rmtree(workdir, ignore_errors=True)
