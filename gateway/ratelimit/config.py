"""Configuration of rate limits: a token bucket per caller, one per budget."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BudgetConfig(_Section):
    #: Tokens added per second (the sustained rate). Unset: this budget is unlimited.
    per_second: float | None = Field(default=None, gt=0)
    #: Bucket size: how many may come at once after a quiet spell. Unset: ``per_second``
    #: rounded up (at least 1).
    burst: int | None = Field(default=None, ge=1)


class RateLimitsConfig(_Section):
    #: Operations per caller (each HTTP request or batch item, each websocket
    #: ``subscribe``). The caller is the authenticated user id, else the client IP.
    operations: BudgetConfig = Field(default_factory=BudgetConfig)
    #: Websocket connections per caller (each ``connection_init``).
    connections: BudgetConfig = Field(default_factory=BudgetConfig)
    #: Proxies (IP addresses or CIDR networks) whose ``X-Forwarded-For`` is believed:
    #: behind them, the client IP is the right-most address not itself a trusted proxy.
    #: Unset/empty: ``X-Forwarded-For`` is ignored and the client IP is the peer's.
    trusted_proxies: list[str] = Field(default_factory=list)
    #: Keep the buckets in Redis (``redis_url``) so every replica shares them. Off, or no
    #: ``redis_url``: buckets live in each process.
    use_redis: bool = True
    #: Timeout of one Redis command (and of connecting), in seconds: no request waits
    #: longer on Redis. After a failure Redis is not asked for 1 s (docs/resilience.md).
    redis_timeout_seconds: float = Field(default=0.5, gt=0)
    #: When Redis fails: ``open`` lets the request run unlimited (a warning is logged);
    #: ``closed`` refuses it with ``RATE_LIMIT_STORE_UNAVAILABLE`` (HTTP 503; a websocket
    #: ``connection_init`` is closed with 4500). See docs/resilience.md.
    redis_failure_mode: Literal["open", "closed"] = "open"
