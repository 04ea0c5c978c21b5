"""The gateway's configuration: one pydantic model per pipeline step, loaded from YAML with
environment overrides. Every field states its default and what leaving it unset means."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from gateway.engine_config import EngineConfig
from gateway.limits.config import LimitsConfig
from gateway.persisted.config import PersistedConfig


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SupergraphConfig(_Section):
    #: Path of the supergraph SDL file. Unset: compose from ``compose_from`` instead.
    path: str | None = "schema/supergraph.graphql"
    #: Subgraph URLs to compose from at start-up (dev). Unset/empty: read ``path``.
    compose_from: dict[str, str] = Field(default_factory=dict)
    #: Reload the supergraph when the file changes.
    watch: bool = True


class SubgraphConfig(_Section):
    #: Overrides the URL the supergraph gives for this subgraph. Unset: the supergraph's.
    url: str | None = None
    #: Per-subgraph request timeout in seconds. Unset: ``engine.subgraph_timeout_seconds``.
    timeout_seconds: float | None = None


class GatewayConfig(_Section):
    #: ``dev`` exposes plans and introspection helpers; ``production`` hides them.
    mode: Literal["dev", "production"] = "dev"
    supergraph: SupergraphConfig = Field(default_factory=SupergraphConfig)
    subgraphs: dict[str, SubgraphConfig] = Field(default_factory=dict)
    engine: EngineConfig = Field(default_factory=EngineConfig)
    limits: LimitsConfig = Field(default_factory=LimitsConfig)
    persisted: PersistedConfig = Field(default_factory=PersistedConfig)
    #: Redis URL for shared stores (APQ, subscriptions fan-out). Unset: in-process stores.
    redis_url: str | None = None
