"""Settings of the subgraph circuit breaker and retries, and the per-subgraph state.

``engine.circuit_breaker`` and ``engine.subgraph_retry`` are the defaults of every
subgraph; ``subgraphs.<name>.circuit_breaker`` / ``subgraphs.<name>.retry`` replace them
for one subgraph. docs/resilience.md describes the failure behaviour.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gateway.execution.breaker import CircuitBreaker
from gateway.execution.retry import RetryPolicy

if TYPE_CHECKING:
    from gateway.config import GatewayConfig

__all__ = ["CircuitBreakerConfig", "Resilience", "RetryConfig", "SubgraphGuards"]


class CircuitBreakerConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Consecutive failed requests (no response, timeout, not a GraphQL response) that
    #: open the circuit: then the subgraph's fetches fail fast with
    #: `SUBGRAPH_FETCH_FAILED` for `cool_down_seconds`, then one request probes. Unset:
    #: no circuit breaker.
    failure_threshold: int | None = Field(default=None, ge=1)
    #: How long an open circuit fails fast before a probe request is let through.
    cool_down_seconds: float = Field(default=5.0, gt=0)


class RetryConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Retries of a failed subgraph query (never a mutation), within the fetch's timeout.
    #: `0`: no retries.
    max_retries: int = Field(default=0, ge=0, le=5)
    #: Backoff before retry n is random in [0, min(`backoff_max_seconds`,
    #: `backoff_base_seconds` * 2^n)] (full jitter).
    backoff_base_seconds: float = Field(default=0.05, gt=0)
    #: Upper bound of one backoff.
    backoff_max_seconds: float = Field(default=1.0, gt=0)
    #: Retry budget (gRPC retry throttling): tokens per subgraph; a failure takes one, a
    #: success gives back `budget_token_ratio`; retries only while over half are left.
    budget_max_tokens: float = Field(default=10.0, ge=1)
    #: Tokens a successful request gives back to the retry budget.
    budget_token_ratio: float = Field(default=0.1, gt=0, le=1)

    @model_validator(mode="after")
    def _check(self) -> RetryConfig:
        if self.backoff_max_seconds < self.backoff_base_seconds:
            raise ValueError("backoff_max_seconds must be at least backoff_base_seconds")
        return self


class SubgraphGuards:
    """One subgraph's breaker and retry policy (either may be None: not configured)."""

    __slots__ = ("breaker", "retry")

    def __init__(self, breaker: CircuitBreaker | None, retry: RetryPolicy | None) -> None:
        self.breaker = breaker
        self.retry = retry

    def succeeded(self) -> None:
        if self.breaker is not None:
            self.breaker.record_success()
        if self.retry is not None:
            self.retry.record_success()

    def failed(self) -> None:
        if self.breaker is not None:
            self.breaker.record_failure()
        if self.retry is not None:
            self.retry.record_failure()


class Resilience:
    """Builds each subgraph's guards on first use, from the defaults and its overrides."""

    def __init__(
        self,
        breaker: CircuitBreakerConfig | None = None,
        retry: RetryConfig | None = None,
        breakers: Mapping[str, CircuitBreakerConfig] | None = None,
        retries: Mapping[str, RetryConfig] | None = None,
    ) -> None:
        self.breaker = breaker or CircuitBreakerConfig()
        self.retry = retry or RetryConfig()
        self.breakers = dict(breakers or {})
        self.retries = dict(retries or {})

    @classmethod
    def from_config(cls, config: GatewayConfig) -> Resilience:
        """The engine's defaults with each ``subgraphs.<name>`` override."""
        return cls(
            config.engine.circuit_breaker,
            config.engine.subgraph_retry,
            {n: s.circuit_breaker for n, s in config.subgraphs.items() if s.circuit_breaker},
            {n: s.retry for n, s in config.subgraphs.items() if s.retry},
        )

    def guards(self, subgraph: str) -> SubgraphGuards:
        """Fresh guards for ``subgraph`` (the transport keeps one per subgraph)."""
        breaker_config = self.breakers.get(subgraph, self.breaker)
        retry_config = self.retries.get(subgraph, self.retry)
        breaker = None
        if breaker_config.failure_threshold is not None:
            breaker = CircuitBreaker(
                subgraph, breaker_config.failure_threshold, breaker_config.cool_down_seconds
            )
        retry = None
        if retry_config.max_retries:
            retry = RetryPolicy(
                retry_config.max_retries,
                retry_config.backoff_base_seconds,
                retry_config.backoff_max_seconds,
                retry_config.budget_max_tokens,
                retry_config.budget_token_ratio,
            )
        return SubgraphGuards(breaker, retry)
