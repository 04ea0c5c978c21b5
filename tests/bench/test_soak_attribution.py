"""The soak's attribution: per-window p99 bounds from two readings of the histograms."""

from __future__ import annotations

from bench.soak.attribution import attribution_table, parse


def _metrics(gateway: list[int], courses: list[int]) -> str:
    """Cumulative bucket counts at le=0.01, 0.1, 1, +Inf."""
    bounds = ["0.01", "0.1", "1.0", "+Inf"]
    lines = ["# TYPE gateway_request_duration_seconds histogram"]
    lines += [
        f'gateway_request_duration_seconds_bucket{{le="{b}",operation="Home"}} {n}'
        for b, n in zip(bounds, gateway, strict=True)
    ]
    lines.append("# TYPE gateway_subgraph_request_duration_seconds histogram")
    lines += [
        f'gateway_subgraph_request_duration_seconds_bucket{{le="{b}",subgraph="courses"}} {n}'
        for b, n in zip(bounds, courses, strict=True)
    ]
    return "\n".join(lines) + "\n"


def test_each_window_gets_its_own_counts_and_p99_bucket() -> None:
    first = parse(_metrics([0, 0, 0, 0], [0, 0, 0, 0]))
    # 100 requests, all under 10 ms; courses: 98 under 100 ms, 2 slower than 1 s.
    second = parse(_metrics([100, 100, 100, 100], [0, 98, 98, 100]))
    # Then 200 more requests, 3 of them between 100 ms and 1 s; courses idle.
    third = parse(_metrics([297, 297, 300, 300], [0, 98, 98, 100]))
    table = attribution_table([(0.0, first), (300.0, second), (600.0, third)])
    rows = table.splitlines()
    assert rows[0] == "| window | courses n / p99≤ ms | gateway n / p99≤ ms |"
    assert rows[2] == "| 0:00-5:00 | 100 / inf | 100 / 10 |"
    assert rows[3] == "| 5:00-10:00 | 0 / - | 200 / 1000 |"
