"""The platform for observability tests: the three real subgraphs, the gateway app on
uvicorn in front, and the gateway's engine (its observability step) at hand."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gateway.config import GatewayConfig
from gateway.http.app import create_app
from gateway.observability.step import ObservabilityStep, observability_step
from gateway.pipeline import Gateway
from subgraphs.seed.dataset import Dataset
from tests.auth.helpers import gateway_auth
from tests.servers import running_app
from tests.subgraphs.helpers import RunningSubgraphs, running_subgraphs

SUPERGRAPH = Path(__file__).resolve().parents[2] / "schema" / "supergraph.graphql"

#: A public operation over two subgraphs (courses, then users for the instructor).
COURSE = """
query CourseCard($id: ID!) {
  course(id: $id) { id title instructor { name } }
}
"""


@dataclass
class Observed:
    url: str
    base: str
    gateway: Gateway
    step: ObservabilityStep
    subgraphs: RunningSubgraphs

    @property
    def data(self) -> Dataset:
        return self.subgraphs.data


def config_for(
    urls: dict[str, str], subgraphs: dict[str, dict[str, Any]] | None = None, **sections: Any
) -> GatewayConfig:
    """The gateway's config for the running subgraphs (``subgraphs``: per-subgraph
    overrides, e.g. a URL that refuses connections or a tiny timeout)."""
    per_subgraph = {
        name: {"url": url, **(subgraphs or {}).get(name, {})} for name, url in urls.items()
    }
    return GatewayConfig.model_validate(
        {
            "mode": "dev",
            "supergraph": {"path": str(SUPERGRAPH), "watch": False},
            "subgraphs": per_subgraph,
            "auth": gateway_auth(),
            **sections,
        }
    )


@contextlib.asynccontextmanager
async def observed_platform(
    subgraphs: dict[str, dict[str, Any]] | None = None, **sections: Any
) -> AsyncIterator[Observed]:
    """The platform with ``sections`` of gateway configuration (e.g. ``observability``)."""
    async with running_subgraphs() as running:
        config = config_for(running.urls, subgraphs, **sections)
        gateway = await Gateway.create(config)
        try:
            step = observability_step(gateway)
            assert step is not None
            async with running_app(create_app(config, gateway)) as base:
                yield Observed(f"{base}{config.server.graphql_path}", base, gateway, step, running)
        finally:
            await gateway.close()
