"""When to retry a failed subgraph query, how long to wait, and how many retries to allow.

- Only queries are retried, never mutations (a mutation may have been applied before
  its answer was lost); the transport enforces that.
- Backoff is "full jitter": attempt ``n`` waits a uniform random time in
  ``[0, min(backoff_max, backoff_base * 2**n)]``, so clients that failed together do not
  come back together.
- A retry must fit in what is left of the fetch's timeout: the timeout bounds the whole
  fetch, retries included.
- The budget is gRPC's retry throttling (``retryThrottling``): a token count starts at
  ``max_tokens``; each failure takes one token, each success gives back ``token_ratio``;
  retries are allowed only while more than half the tokens are left. When a subgraph
  fails for everyone, retries stop after a few failures instead of multiplying its load.
"""

from __future__ import annotations

import random

__all__ = ["RetryPolicy"]


class RetryPolicy:
    """Retries and their budget for one subgraph (state lives here: one per subgraph)."""

    __slots__ = ("backoff_base", "backoff_max", "max_retries", "max_tokens", "ratio", "tokens")

    def __init__(
        self,
        max_retries: int,
        backoff_base: float = 0.05,
        backoff_max: float = 1.0,
        max_tokens: float = 10.0,
        token_ratio: float = 0.1,
    ) -> None:
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.max_tokens = max_tokens
        self.ratio = token_ratio
        self.tokens = max_tokens

    def record_success(self) -> None:
        tokens = self.tokens + self.ratio
        self.tokens = tokens if tokens < self.max_tokens else self.max_tokens

    def record_failure(self) -> None:
        tokens = self.tokens - 1.0
        self.tokens = tokens if tokens > 0.0 else 0.0

    def may_retry(self, retries_done: int) -> bool:
        """Whether one more retry is allowed (count and budget; not the deadline)."""
        return retries_done < self.max_retries and self.tokens > self.max_tokens / 2

    def backoff(self, retries_done: int) -> float:
        """Seconds to wait before retry number ``retries_done + 1`` (full jitter)."""
        ceiling = min(self.backoff_max, self.backoff_base * (2**retries_done))
        return random.uniform(0.0, ceiling)  # jitter, not cryptography
