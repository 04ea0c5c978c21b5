"""A cost estimate beyond 64 bits (deeply nested lists) is reported as 2^53 - 1, so the
error can be written as JSON: over HTTP it was a 500 (``Integer exceeds 64-bit range``)."""

from __future__ import annotations

import orjson
import pytest
from graphql import parse

from gateway.limits import CostConfig, CostTooExpensive, check_cost
from gateway.limits.cost import MAX_REPORTED_COST
from tests.limits.helpers import SCHEMA


def nested(levels: int) -> str:
    """courses -> modules -> lessons -> module -> course -> modules ...: lists all the way."""
    inner = "id"
    names = ["modules", "lessons", "module", "course"]
    for level in range(levels - 1, 0, -1):
        inner = f"{names[(level - 1) % 4]} {{ id {inner} }}"
    return f"{{ courses {{ {inner} }} }}"


def test_an_estimate_past_64_bits_is_reported_as_the_largest_safe_integer() -> None:
    with pytest.raises(CostTooExpensive) as caught:
        check_cost(CostConfig(), SCHEMA, parse(nested(32)), None, {})
    error = caught.value
    assert error.extra_extensions == {"limit": 10_000, "measured": MAX_REPORTED_COST}
    assert orjson.loads(orjson.dumps(error.to_graphql()))["extensions"]["measured"] == 2**53 - 1


def test_warn_only_exposes_the_capped_estimate() -> None:
    config = CostConfig(warn_only=True, expose_always=True)
    report = check_cost(config, SCHEMA, parse(nested(32)), None, {})
    assert report.estimated == MAX_REPORTED_COST and report.warning is not None
    assert orjson.dumps(report.extension())
