"""Rate limits per caller: token buckets in Redis (shared by replicas) or in process."""

from gateway.ratelimit.config import RateLimitsConfig
from gateway.ratelimit.step import RateLimited, RateLimitStep, RateLimitStoreUnavailable

__all__ = ["RateLimitStep", "RateLimitStoreUnavailable", "RateLimited", "RateLimitsConfig"]
