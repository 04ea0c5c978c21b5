"""``python -m bench.subscriptions`` at a tiny size, so it cannot rot: the real platform
as processes, 3 subscribers in each mix, four completions a row. Numbers are not judged
(speed is never a unit test); that every event arrives once and is counted is."""

from __future__ import annotations

import os

from bench.subscriptions.__main__ import _parser, run
from bench.subscriptions.measure import table
from bench.subscriptions.rows import subscriber_learners


def test_subscribers_share_a_few_learners_or_have_one_each() -> None:
    pool = ["a", "b", "c", "d"]
    assert subscriber_learners("shared", 5, pool, 2) == ["a", "b", "a", "b", "a"]
    assert subscriber_learners("shared", 1, pool, 2) == ["a"]
    assert subscriber_learners("distinct", 3, pool, 2) == ["a", "b", "c"]


def test_a_tiny_run_delivers_every_event_once() -> None:
    tiny = "--sizes 3 --gateways ours --rate 4 --duration 1 --drain 15 --shared-keys 2"
    args = _parser().parse_args([*tiny.split(), "--courses", "4", "--probe-timeout", "30"])
    rows, problems = run(args)

    assert not problems
    assert [(r.mix, r.subscriptions, r.distinct, r.mutations) for r in rows] == [
        ("shared", 3, 2, 4),
        ("distinct", 3, 3, 4),
    ]
    shared, distinct = rows
    # Completions alternate between the shared mix's two learners (2 and 1 subscribers):
    # 2 + 1 + 2 + 1 events; in the distinct mix, one subscriber per completion.
    assert (shared.expected, distinct.expected) == (6, 4)
    for row in rows:
        assert row.delivered == row.expected and row.duplicates == 0
        assert len(row.latencies) == row.delivered
        assert all(-1 < latency < 15 for latency in row.latencies)
        # CPU is read in clock ticks (10 ms): four events may take less than one, so a
        # row may read 0 (CI did); never less, and always whole ticks.
        ticks = row.cpu_seconds * os.sysconf("SC_CLK_TCK")
        assert ticks >= 0 and abs(ticks - round(ticks)) < 1e-6, row.cpu_seconds
        assert row.rss_after > 0
        # One upstream socket per subscription, or one per distinct one when shared.
        assert row.distinct <= row.upstream <= row.subscriptions
    lines = table(rows).splitlines()
    assert len(lines) == 4 and lines[2].startswith("| ours | shared | 3 | 2 |")
