"""``limits_extensions`` and ``cost_requested``: what a response tells the client."""

from __future__ import annotations

from gateway.limits import CostConfig, CostReport, LimitWarning, cost_requested, limits_extensions


def test_nothing_to_say() -> None:
    assert limits_extensions([], None, expose_cost=True) == {}
    assert limits_extensions([], CostReport(5, 10), expose_cost=False) == {}


def test_warnings_and_cost() -> None:
    warning = LimitWarning(
        "Operation 'Q' has depth 12, over the limit of 10.",
        extensions={"code": "MAX_DEPTH_LIMIT", "limit": 10, "measured": 12},
    )
    report = CostReport(
        120, 100, warning="Operation estimated cost 120 is over the maximum of 100."
    )
    assert limits_extensions([warning], report, expose_cost=True) == {
        "limitWarnings": [
            {
                "message": "Operation 'Q' has depth 12, over the limit of 10.",
                "code": "MAX_DEPTH_LIMIT",
                "limit": 10,
                "measured": 12,
            },
            {
                "message": "Operation estimated cost 120 is over the maximum of 100.",
                "code": "COST_ESTIMATED_TOO_EXPENSIVE",
                "limit": 100,
                "measured": 120,
            },
        ],
        "cost": {"estimated": 120, "max": 100},
    }


def test_cost_requested() -> None:
    config = CostConfig()
    assert cost_requested(config, {"x-gateway-cost": "1"})
    assert not cost_requested(config, {"x-gateway-cost": ""})
    assert not cost_requested(config, {})
    assert cost_requested(CostConfig(expose_always=True), {})
    assert not cost_requested(CostConfig(expose_header=None), {"x-gateway-cost": "1"})
    assert cost_requested(CostConfig(expose_header="X-Cost"), {"x-cost": "yes"})
