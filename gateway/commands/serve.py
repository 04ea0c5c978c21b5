"""``python -m gateway serve [--config FILE]``: run the gateway with uvicorn.

The configuration is the YAML file (``--config``, else ``$GATEWAY_CONFIG``, else built-in
defaults) with ``GATEWAY_*`` environment overrides; an invalid one stops here with a
message naming each bad key (exit status 2). SIGTERM or SIGINT starts a graceful shutdown:
the listener closes, requests in flight get ``server.graceful_shutdown_seconds`` to
finish, then the engine closes its connections.
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import sys
from pathlib import Path
from typing import Any

import uvicorn

from gateway.config import ENV_CONFIG_FILE, ConfigError, GatewayConfig, load_config
from gateway.http import stream_registry
from gateway.http.app import create_app
from gateway.observability.metrics import prepare_multiprocess
from gateway.supergraph import Supergraph

logger = logging.getLogger("gateway")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m gateway serve", description="Serve the federated GraphQL gateway."
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help=f"YAML configuration file (default: ${ENV_CONFIG_FILE}, else built-in defaults)",
    )
    parser.add_argument(
        "--check", action="store_true", help="only validate the configuration, then exit"
    )
    return parser


def main(argv: list[str]) -> int:
    """Run the gateway until it is told to stop; the process exit status."""
    args = _parser().parse_args(argv)
    path = args.config or os.environ.get(ENV_CONFIG_FILE) or None
    try:
        config = load_config(path)
    except ConfigError as exc:
        print(f"gateway: {exc}", file=sys.stderr)
        return 2
    problem = _supergraph_problem(config)
    if problem is not None:
        print(f"gateway: {problem}", file=sys.stderr)
        return 2
    if args.check:
        print("gateway: configuration is valid")
        return 0
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if config.server.workers > 1:
        return _serve_workers(config, path)
    return _serve_single(config)


def _supergraph_problem(config: GatewayConfig) -> str | None:
    """Why the configured supergraph file cannot be served, checked before listening, so
    the message is one line instead of a failed start-up's traceback."""
    source = config.supergraph
    if source.compose_from or source.path is None:
        return None  # composed from live subgraphs at start-up
    try:
        sdl = Path(source.path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return f"supergraph.path: cannot read {source.path}: {exc}"
    try:
        Supergraph.parse(sdl)
    except Exception as exc:  # any reason the engine would refuse it
        return f"supergraph.path: {source.path} is not a valid supergraph: {exc}"
    return None


class _Server(uvicorn.Server):
    """Prints the endpoint's URL once start-up has succeeded (scripts wait for it); ends
    the HTTP subscription streams when shutdown begins."""

    def __init__(self, config: uvicorn.Config, url: str) -> None:
        super().__init__(config)
        self.url = url

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if not self.should_exit:
            print(f"gateway: {self.url}", flush=True)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        # SSE and multipart streams end first (``complete``, ``--graphql--``): clients
        # resubscribe elsewhere instead of holding the graceful shutdown open.
        stream_registry.shutdown_all()
        await super().shutdown(sockets)


def _uvicorn_options(config: GatewayConfig) -> dict[str, Any]:
    server = config.server
    return {
        "loop": "uvloop",
        "http": "httptools",
        "lifespan": "on",
        "log_level": "info",
        "access_log": server.access_log,
        "timeout_graceful_shutdown": server.graceful_shutdown_seconds,
        # The gateway answers oversized bodies itself (413); headers stay uvicorn's.
        "server_header": False,
        # The client's address is the peer's: ``rate_limits.trusted_proxies`` alone decides
        # when X-Forwarded-For is believed (uvicorn's default trusts it from 127.0.0.1).
        "proxy_headers": False,
        "ws_per_message_deflate": server.websocket_compression,
    }


def listening_socket(family: socket.AddressFamily) -> socket.socket:
    """An unbound TCP socket to listen on.

    ``IPPROTO_TCP``, not 0: asyncio sets ``TCP_NODELAY`` only on connections whose socket
    says so. Without it, a streamed response's second write (the first part of a
    ``@defer`` response, after its headers) waited ~40 ms for the client's delayed ACK."""
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    return sock


def _serve_single(config: GatewayConfig) -> int:
    server_config = config.server
    # Bind first, so the printed URL has the real port even when port 0 asked for any.
    family = socket.AF_INET6 if ":" in server_config.host else socket.AF_INET
    sock = listening_socket(family)
    try:
        sock.bind((server_config.host, server_config.port))
    except OSError as exc:
        print(
            f"gateway: cannot listen on {server_config.host}:{server_config.port}: {exc}",
            file=sys.stderr,
        )
        return 1
    host, port = sock.getsockname()[:2]
    shown_host = f"[{host}]" if family == socket.AF_INET6 else host
    url = f"http://{shown_host}:{port}{server_config.graphql_path}"
    server = _Server(uvicorn.Config(create_app(config), **_uvicorn_options(config)), url)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    return 0 if server.started else 1


def _serve_workers(config: GatewayConfig, path: str | None) -> int:
    # Each worker process builds its own app (and engine) from the same file and env.
    if path is not None:
        os.environ[ENV_CONFIG_FILE] = os.path.abspath(path)
    if config.observability.metrics.enabled:  # /metrics sums every worker's files
        prepare_multiprocess()
    server = config.server
    print(f"gateway: http://{server.host}:{server.port}{server.graphql_path}", flush=True)
    uvicorn.run(
        "gateway.http.app:app_from_environment",
        factory=True,
        host=server.host,
        port=server.port,
        workers=server.workers,
        **_uvicorn_options(config),
    )
    return 0
