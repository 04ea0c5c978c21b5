"""Helpers shared by the HTTP, audit and browser tests: the real gateway on a real server."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gateway.config import GatewayConfig
from gateway.http.app import create_app
from tests.servers import ThreadedServer


def gateway_config(supergraph_path: Path | str, mode: str = "dev", **server: Any) -> GatewayConfig:
    """A config reading (not watching) ``supergraph_path``, with ``server`` options."""
    return GatewayConfig.model_validate(
        {
            "mode": mode,
            "supergraph": {"path": str(supergraph_path), "watch": False},
            "server": server,
        }
    )


@contextlib.contextmanager
def gateway_server(sdl: str, directory: Path, mode: str = "dev", **server: Any) -> Iterator[str]:
    """The gateway for ``sdl`` on 127.0.0.1:<free port>; yields its base URL."""
    path = directory / "supergraph.graphql"
    path.write_text(sdl)
    with ThreadedServer(create_app(gateway_config(path, mode, **server))) as running:
        yield running.url
