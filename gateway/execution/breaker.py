"""A circuit breaker for one upstream (a subgraph, the Redis store).

States, in two numbers (``failures``, ``open_until``):

    closed     open_until == 0: every request goes through; consecutive failures count
    open       now < open_until: requests fail fast, without touching the upstream
    half-open  now >= open_until: the next request is the probe; the circuit is
               re-armed for another cool-down at once, so concurrent requests keep
               failing fast while the probe is out. A success closes the circuit; a
               failure keeps it open. A probe that never reports (cancelled) costs one
               cool-down, after which another request probes.

Why this shape: the check sits on the subgraph request's hot path. Closed, ``allow`` is
one attribute test and ``record_success`` one more; no clock read, no lock (one event
loop owns the breaker), no await.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

__all__ = ["CircuitBreaker"]

log = logging.getLogger("gateway.resilience")


class CircuitBreaker:
    """Opens after ``failure_threshold`` consecutive failures, for ``cool_down`` seconds."""

    __slots__ = ("_clock", "cool_down", "failure_threshold", "failures", "name", "open_until")

    def __init__(
        self,
        name: str,
        failure_threshold: int,
        cool_down: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.failure_threshold = failure_threshold
        self.cool_down = cool_down
        #: Consecutive failures since the last success.
        self.failures = 0
        #: Clock time until which requests fail fast; 0.0 while closed.
        self.open_until = 0.0
        self._clock = clock

    @property
    def is_open(self) -> bool:
        """Whether requests fail fast right now (for status pages and tests)."""
        return self.open_until != 0.0 and self._clock() < self.open_until

    def allow(self) -> bool:
        """Whether a request may go to the upstream now (True: closed, or the probe)."""
        if not self.open_until:
            return True
        now = self._clock()
        if now < self.open_until:
            return False
        # Half-open: this request probes; the others fail fast for one more cool-down.
        self.open_until = now + self.cool_down
        return True

    def retry_after(self) -> float:
        """Seconds until the next probe may go (0 when closed)."""
        if not self.open_until:
            return 0.0
        return max(0.0, self.open_until - self._clock())

    def record_success(self) -> None:
        if self.failures:
            if self.open_until:
                log.warning("circuit of %s closed: the upstream answered again", self.name)
            self.failures = 0
            self.open_until = 0.0

    def record_failure(self) -> None:
        self.failures += 1
        if self.failures >= self.failure_threshold:
            if not self.open_until:
                log.warning(
                    "circuit of %s opened after %d consecutive failures: failing fast for %gs",
                    self.name,
                    self.failures,
                    self.cool_down,
                )
            self.open_until = self._clock() + self.cool_down
