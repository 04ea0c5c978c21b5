"""The gateway's configuration: one pydantic model per pipeline step, loaded from YAML with
environment overrides. Every field states its default and what leaving it unset means."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

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


class EngineConfig(_Section):
    #: How many query plans to keep (LRU).
    plan_cache_size: int = 1024
    #: Timeout of one subgraph request, in seconds.
    subgraph_timeout_seconds: float = 30.0
    #: Include subgraph error messages and extensions in client errors (else redacted).
    include_subgraph_errors: bool = False
    #: Deduplicate identical in-flight subgraph queries (not mutations).
    dedupe_subgraph_requests: bool = True
    #: Enabled ``@override(label:)`` labels (progressive override). Unset: none.
    override_labels: list[str] = Field(default_factory=list)
    #: Header that asks for the query plan in ``extensions`` (honoured in dev mode only).
    expose_plan_header: str = "x-gateway-query-plan"


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
