"""Configuration of the engine: planning and executing against subgraphs (lead-owned)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from gateway.execution.resilience import CircuitBreakerConfig, RetryConfig


class EngineConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    #: How many query plans to keep (LRU).
    plan_cache_size: int = 1024
    #: HTTP client for subgraph requests: ``http1`` (the gateway's own keep-alive
    #: HTTP/1.1 pools on the llhttp parser; fastest), ``aiohttp`` (pooled, C parser) or
    #: ``httpx`` (one pooled ``httpx.AsyncClient``; pure Python).
    subgraph_http_client: Literal["http1", "aiohttp", "httpx"] = "http1"
    #: Timeout of one subgraph request, in seconds (retries included).
    subgraph_timeout_seconds: float = 30.0
    #: Every subgraph's circuit breaker (docs/resilience.md); one subgraph's
    #: `subgraphs.<name>.circuit_breaker` replaces it.
    circuit_breaker: CircuitBreakerConfig = Field(default_factory=CircuitBreakerConfig)
    #: Every subgraph's retries of failed queries (docs/resilience.md);
    #: `subgraphs.<name>.retry` replaces them for one subgraph.
    subgraph_retry: RetryConfig = Field(default_factory=RetryConfig)
    #: Include subgraph error messages and extensions in client errors (else redacted).
    include_subgraph_errors: bool = False
    #: Deduplicate identical in-flight subgraph queries (not mutations).
    dedupe_subgraph_requests: bool = True
    #: Share one execution among identical in-flight client queries (same document,
    #: operation, variables and forwarded headers). Mutations are never shared.
    dedupe_inbound_requests: bool = True
    #: Enabled ``@override(label:)`` labels (progressive override). Unset: none.
    override_labels: list[str] = Field(default_factory=list)
    #: Header that asks for the query plan in ``extensions`` (honoured in dev mode only).
    expose_plan_header: str = "x-gateway-query-plan"
    #: Client request headers forwarded to every subgraph (lower-case names). Unset: none.
    forward_headers: list[str] = Field(default_factory=list)
