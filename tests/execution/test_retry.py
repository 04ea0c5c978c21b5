"""``RetryPolicy``: the retry count, the gRPC-style budget and full-jitter backoff."""

from __future__ import annotations

import random

from gateway.execution.retry import RetryPolicy


def test_retries_up_to_the_maximum() -> None:
    policy = RetryPolicy(max_retries=2)
    assert policy.may_retry(0) and policy.may_retry(1)
    assert not policy.may_retry(2)


def test_budget_allows_retries_only_while_over_half_the_tokens_are_left() -> None:
    policy = RetryPolicy(max_retries=5, max_tokens=4, token_ratio=0.5)
    policy.record_failure()
    assert policy.may_retry(0)  # 3 > 2
    policy.record_failure()
    assert not policy.may_retry(0)  # 2 is not over half
    for _ in range(10):
        policy.record_failure()
    assert policy.tokens == 0.0  # never negative: recovery takes bounded successes
    for _ in range(5):
        policy.record_success()
    assert policy.tokens == 2.5 and policy.may_retry(0)
    for _ in range(10):
        policy.record_success()
    assert policy.tokens == 4  # capped


def test_backoff_is_full_jitter_under_an_exponential_ceiling() -> None:
    random.seed(7)
    policy = RetryPolicy(max_retries=5, backoff_base=0.1, backoff_max=0.3)
    for retries_done, ceiling in [(0, 0.1), (1, 0.2), (2, 0.3), (4, 0.3)]:
        delays = [policy.backoff(retries_done) for _ in range(200)]
        assert all(0.0 <= delay <= ceiling for delay in delays)
        assert max(delays) > ceiling * 0.8  # spread over the range, not a constant
        assert min(delays) < ceiling * 0.2
