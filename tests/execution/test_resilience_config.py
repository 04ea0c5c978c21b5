"""The breaker and retry settings: validation, and per-subgraph overrides of defaults."""

from __future__ import annotations

import pytest

from gateway.config import ConfigError, load_config
from gateway.execution.resilience import Resilience


def test_defaults_mean_no_breaker_and_no_retries() -> None:
    guards = Resilience.from_config(load_config(environ={})).guards("reviews")
    assert guards.breaker is None
    assert guards.retry is None


def test_a_subgraph_setting_replaces_the_engine_default() -> None:
    config = load_config(
        environ={
            "GATEWAY_ENGINE__CIRCUIT_BREAKER__FAILURE_THRESHOLD": "5",
            "GATEWAY_ENGINE__SUBGRAPH_RETRY__MAX_RETRIES": "2",
            "GATEWAY_SUBGRAPHS__REVIEWS__CIRCUIT_BREAKER__FAILURE_THRESHOLD": "1",
            "GATEWAY_SUBGRAPHS__REVIEWS__CIRCUIT_BREAKER__COOL_DOWN_SECONDS": "0.5",
            "GATEWAY_SUBGRAPHS__REVIEWS__RETRY__MAX_RETRIES": "0",
        }
    )
    resilience = Resilience.from_config(config)
    reviews, products = resilience.guards("reviews"), resilience.guards("products")
    assert reviews.breaker is not None and products.breaker is not None
    assert (reviews.breaker.failure_threshold, reviews.breaker.cool_down) == (1, 0.5)
    assert (products.breaker.failure_threshold, products.breaker.cool_down) == (5, 5.0)
    assert reviews.retry is None
    assert products.retry is not None and products.retry.max_retries == 2


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("ENGINE__CIRCUIT_BREAKER__FAILURE_THRESHOLD", "0", "greater than or equal to 1"),
        ("ENGINE__CIRCUIT_BREAKER__COOL_DOWN_SECONDS", "0", "greater than 0"),
        ("ENGINE__SUBGRAPH_RETRY__MAX_RETRIES", "9", "less than or equal to 5"),
        ("SUBGRAPHS__REVIEWS__RETRY__TRIES", "2", "unknown option"),
    ],
)
def test_bad_values_are_refused_naming_the_key(variable: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load_config(environ={f"GATEWAY_{variable}": value})
    assert message in str(refused.value)
    assert f"GATEWAY_{variable}" in str(refused.value)


def test_a_backoff_ceiling_below_its_base_is_refused() -> None:
    with pytest.raises(ConfigError) as refused:
        load_config(environ={"GATEWAY_ENGINE__SUBGRAPH_RETRY__BACKOFF_MAX_SECONDS": "0.01"})
    assert "engine.subgraph_retry: Value error, backoff_max_seconds must be at least" in str(
        refused.value
    )
