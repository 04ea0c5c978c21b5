"""The rate-limit step: one token bucket per caller and budget.

Runs after authentication (it needs ``context.identity``). The caller is the user id of
an authenticated request, else the client IP (``client_ip``: behind
``rate_limits.trusted_proxies``, read from ``X-Forwarded-For``). Budgets:

- ``operations``: each HTTP operation (every batch item) and each websocket operation;
- ``connections``: each websocket ``connection_init``.

Over budget: ``RATE_LIMITED``, HTTP 429 with ``Retry-After`` (a websocket connection is
closed with 4429).

Redis down or hanging (``RedisBuckets`` bounds each command by
``rate_limits.redis_timeout_seconds`` and then skips Redis for a cool-down), as
``rate_limits.redis_failure_mode`` says:

- ``open`` (default): the request runs, limited by nothing, and the failure is logged:
  the limit protects the subgraphs, an outage of Redis alone should not stop them;
- ``closed``: ``RATE_LIMIT_STORE_UNAVAILABLE``, HTTP 503 with ``Retry-After``; at
  ``connection_init`` the websocket is closed with 4500 (the protocol's code for a server
  that cannot serve now, as for any error but 401/403/429 there).
"""

from __future__ import annotations

import ipaddress
import logging

from gateway.errors import RequestError
from gateway.ratelimit.buckets import (
    REDIS_COOL_DOWN_SECONDS,
    Buckets,
    MemoryBuckets,
    RedisBuckets,
    StoreUnavailable,
    retry_after_header,
)
from gateway.ratelimit.config import BudgetConfig, RateLimitsConfig
from gateway.request import RequestContext
from gateway.steps import Step

log = logging.getLogger("gateway.ratelimit")


class RateLimited(RequestError):
    code = "RATE_LIMITED"
    status = 429


class RateLimitStoreUnavailable(RequestError):
    """Redis failed and ``rate_limits.redis_failure_mode`` is ``closed``."""

    code = "RATE_LIMIT_STORE_UNAVAILABLE"
    status = 503


class RateLimitStep(Step):
    def __init__(
        self, config: RateLimitsConfig, redis_url: str | None, buckets: Buckets | None = None
    ) -> None:
        self.config = config
        if buckets is None:
            use_redis = config.use_redis and redis_url is not None
            if use_redis and redis_url:
                buckets = RedisBuckets(redis_url, timeout_seconds=config.redis_timeout_seconds)
            else:
                buckets = MemoryBuckets()
        self.buckets = buckets
        self._proxies = [ipaddress.ip_network(p, strict=False) for p in config.trusted_proxies]

    async def connection_opened(self, context: RequestContext) -> None:
        await self._take(context, "connections", self.config.connections)

    async def request_received(self, context: RequestContext) -> None:
        await self._take(context, "operations", self.config.operations)

    async def _take(self, context: RequestContext, budget: str, limits: BudgetConfig) -> None:
        if limits.per_second is None:
            return
        burst = limits.burst or max(1, int(-(-limits.per_second // 1)))
        caller = self.caller(context)
        try:
            decision = await self.buckets.take(f"{budget}:{caller}", limits.per_second, burst)
        except StoreUnavailable as exc:
            self._store_failed(budget, exc)
            return
        if not decision.allowed:
            retry = retry_after_header(decision.retry_after)
            raise RateLimited(
                f"Too many {budget} from this caller; retry in {retry} s.",
                headers={"Retry-After": retry},
                extensions={"retryAfterSeconds": int(retry)},
            )

    def _store_failed(self, budget: str, error: StoreUnavailable) -> None:
        """Fail open (return) or closed (raise), as configured."""
        if not error.skipped:  # skipped ones are the same outage: logged once per cool-down
            log.warning(
                "rate limit store failed (%s, failing %s): %s",
                budget,
                self.config.redis_failure_mode,
                error,
            )
        if self.config.redis_failure_mode == "closed":
            retry = retry_after_header(REDIS_COOL_DOWN_SECONDS)
            raise RateLimitStoreUnavailable(
                "The rate limit store is unavailable; try again shortly.",
                headers={"Retry-After": retry},
            )

    def caller(self, context: RequestContext) -> str:
        """``user:<id>`` for an authenticated caller, else ``ip:<address>``."""
        identity = context.identity
        if identity is not None and identity.user_id is not None:
            return f"user:{identity.user_id}"
        return f"ip:{self.client_ip(context)}"

    def client_ip(self, context: RequestContext) -> str:
        peer = context.client_ip or "unknown"
        if not self._proxies or not self._trusted(peer):
            return peer
        forwarded = [a.strip() for a in context.headers.get("x-forwarded-for", "").split(",")]
        # Right to left: each hop appends the address it saw; the first one that is not
        # one of our proxies is the client (anything left of it the client could forge).
        for address in reversed([a for a in forwarded if a]):
            if not self._trusted(address):
                return address
        return peer

    def _trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self._proxies)

    async def close(self) -> None:
        await self.buckets.close()
