"""The gateways under test: ours and the peers from npm, each as a start command.

A *variant* is one gateway with deduplication of identical in-flight requests on or off
(``dedupe=None``: the gateway has no switch). Peers run exactly as their packages ship,
configured only where the benchmark needs it (listen address, subgraph URLs, dedupe).
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import yaml

from bench.harness.settings import BENCH_DIR, REPO_DIR, Settings

PEERS_DIR = BENCH_DIR / "peers"
NODE_MODULES = PEERS_DIR / "node_modules"
BENCH_SUBGRAPH_URL = "http://127.0.0.1:4200/"
SUBGRAPHS = ("accounts", "inventory", "products", "reviews")


@dataclass(frozen=True)
class Variant:
    gateway: str
    label: str
    dedupe: bool | None

    @property
    def id(self) -> str:
        suffix = {True: "/dedupe-on", False: "/dedupe-off", None: ""}[self.dedupe]
        return self.gateway + suffix

    @property
    def ours(self) -> bool:
        return self.gateway == "ours"


VARIANTS = (
    Variant("ours", "ours (Python)", True),
    Variant("ours", "ours (Python)", False),
    Variant("apollo-gateway", "Apollo Gateway", None),
    Variant("hive-gateway", "Hive Gateway", True),
    Variant("hive-gateway", "Hive Gateway", False),
    Variant("hive-gateway-rust-qp", "Hive Gateway + Rust QP", True),
    Variant("hive-gateway-rust-qp", "Hive Gateway + Rust QP", False),
    Variant("grafbase", "Grafbase (Rust)", True),
    Variant("grafbase", "Grafbase (Rust)", False),
)


@dataclass(frozen=True)
class Launch:
    """How to start one variant: command, environment, working directory, endpoint."""

    argv: list[str]
    url: str
    env: dict[str, str]
    cwd: Path
    version: str


class Unavailable(Exception):
    """This gateway cannot run here; the message says why (shown in the table)."""


def _npm_version(package: str) -> str:
    manifest = NODE_MODULES / package / "package.json"
    if not manifest.exists():
        raise Unavailable(f"{package} is not installed (run `make bench-deps`)")
    version: str = orjson.loads(manifest.read_bytes())["version"]
    return version


def _ours_version() -> str:
    import subprocess

    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO_DIR, capture_output=True, text=True
    )
    return f"git {result.stdout.strip()}" if result.returncode == 0 else "working tree"


def launch(
    variant: Variant, port: int, supergraph: str, settings: Settings, run_dir: Path
) -> Launch:
    """The start command of ``variant`` on ``port`` serving ``supergraph`` (SDL text)."""
    base = f"http://127.0.0.1:{settings.subgraph_port}/"
    tag = variant.id.replace("/", "-")
    supergraph_file = run_dir / f"supergraph-{tag}.graphql"
    supergraph_file.write_text(supergraph.replace(BENCH_SUBGRAPH_URL, base))
    # Node peers run as deployed: NODE_ENV=production also drops graphql-js's
    # development-only checks.
    node_env = {"NODE_ENV": "production"}
    dedupe_env = {**node_env, "BENCH_DEDUPE": "0" if variant.dedupe is False else "1"}

    if variant.ours:
        if importlib.util.find_spec("gateway.commands.serve") is None:
            raise Unavailable("`python -m gateway serve` does not exist yet")
        config: dict[str, Any] = yaml.safe_load((BENCH_DIR / "gateway.yaml").read_text())
        config["supergraph"]["path"] = str(supergraph_file)
        config["subgraphs"] = {name: {"url": base + name} for name in SUBGRAPHS}
        # Deduplication "on"/"off" means every switch the engine has: inbound (identical
        # client requests share one execution) and outbound (identical subgraph fetches).
        engine = config.setdefault("engine", {})
        for switch in ("dedupe_subgraph_requests", "dedupe_inbound_requests"):
            engine[switch] = bool(variant.dedupe)
        config.setdefault("server", {})["port"] = port
        config_file = run_dir / f"{tag}.yaml"
        config_file.write_text(yaml.safe_dump(config, sort_keys=False))
        path = config["server"].get("graphql_path", "/graphql")
        argv = [sys.executable, *settings.ours_command.split(), "--config", str(config_file)]
        return Launch(argv, f"http://127.0.0.1:{port}{path}", {}, REPO_DIR, _ours_version())

    if variant.gateway == "apollo-gateway":
        version = f"@apollo/gateway {_npm_version('@apollo/gateway')}, "
        version += f"@apollo/server {_npm_version('@apollo/server')}"
        argv = ["node", "apollo-gateway.mjs", str(supergraph_file), str(port)]
        return Launch(argv, f"http://127.0.0.1:{port}/", node_env, PEERS_DIR, version)

    if variant.gateway in ("hive-gateway", "hive-gateway-rust-qp"):
        version = f"@graphql-hive/gateway {_npm_version('@graphql-hive/gateway')}"
        argv = [
            str(NODE_MODULES / ".bin" / "hive-gateway"),
            "supergraph",
            str(supergraph_file),
            "--config-path",
            str(PEERS_DIR / "hive-gateway.config.mjs"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--fork",
            "1",
        ]
        if variant.gateway == "hive-gateway-rust-qp":
            version += (
                f", @graphql-hive/router-runtime {_npm_version('@graphql-hive/router-runtime')}"
            )
            argv.append("--hive-router-runtime")
        return Launch(argv, f"http://127.0.0.1:{port}/graphql", dedupe_env, PEERS_DIR, version)

    if variant.gateway == "grafbase":
        package = "@grafbase/cli-x86_64-unknown-linux-musl"
        version = f"{package} {_npm_version(package)} (grafbase dev)"
        home = run_dir / f"{tag}-home"
        home.mkdir(exist_ok=True)
        config_file = run_dir / f"{tag}.toml"
        config_file.write_text(_grafbase_toml(base, bool(variant.dedupe)))
        argv = [
            str(NODE_MODULES / package / "grafbase"),
            "dev",
            "--config",
            str(config_file),
            "--listen-address",
            f"127.0.0.1:{port}",
        ]
        return Launch(argv, f"http://127.0.0.1:{port}/graphql", {"HOME": str(home)}, home, version)

    raise Unavailable(f"unknown gateway {variant.gateway}")


def _grafbase_toml(base: str, dedupe: bool) -> str:
    """``grafbase dev`` composes its supergraph itself from the subgraphs' SDL files."""
    lines = ["[traffic_shaping]", f"inflight_deduplication = {str(dedupe).lower()}", ""]
    for name in SUBGRAPHS:
        sdl = BENCH_DIR / "data" / "subgraphs" / f"{name}.graphql"
        lines += [f"[subgraphs.{name}]", f'url = "{base}{name}"', f'schema_path = "{sdl}"', ""]
    return "\n".join(lines)
