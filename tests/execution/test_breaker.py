"""``CircuitBreaker``'s state machine on a hand-driven clock."""

from __future__ import annotations

from gateway.execution.breaker import CircuitBreaker


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def breaker(clock: Clock, threshold: int = 3, cool_down: float = 5.0) -> CircuitBreaker:
    return CircuitBreaker("reviews", threshold, cool_down, clock=clock)


def test_closed_until_the_threshold_of_consecutive_failures() -> None:
    clock = Clock()
    b = breaker(clock)
    b.record_failure()
    b.record_failure()
    assert b.allow() and not b.is_open
    b.record_success()  # the count is of consecutive failures
    b.record_failure()
    b.record_failure()
    assert b.allow()
    b.record_failure()
    assert b.is_open
    assert not b.allow()
    assert b.retry_after() == 5.0


def test_one_probe_per_cool_down_then_a_success_closes() -> None:
    clock = Clock()
    b = breaker(clock, threshold=1)
    b.record_failure()
    clock.now += 4.9
    assert not b.allow()
    clock.now += 0.1
    assert b.allow()  # the probe
    assert not b.allow()  # everyone else still fails fast while it is out
    assert b.retry_after() == 5.0
    b.record_success()
    assert b.allow() and not b.is_open and b.failures == 0 and b.retry_after() == 0.0


def test_a_failed_probe_reopens_for_a_whole_cool_down() -> None:
    clock = Clock()
    b = breaker(clock, threshold=2)
    b.record_failure()
    b.record_failure()
    clock.now += 5.0
    assert b.allow()
    clock.now += 1.0
    b.record_failure()
    assert not b.allow()
    assert b.retry_after() == 5.0


def test_a_probe_that_never_reports_lets_another_probe_after_a_cool_down() -> None:
    clock = Clock()
    b = breaker(clock, threshold=1)
    b.record_failure()
    clock.now += 5.0
    assert b.allow()  # this probe is cancelled: it never reports
    clock.now += 4.0
    assert not b.allow()
    clock.now += 1.0
    assert b.allow()
