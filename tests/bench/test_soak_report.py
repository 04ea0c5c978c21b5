"""The soak's report: percentiles and per-window tables from recorded samples."""

from __future__ import annotations

from bench.soak.report import clock, latency_table, memory_table, percentile
from bench.soak.traffic import Recorder, Sample


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == 50
    assert percentile(values, 0.99) == 99
    assert percentile([3.0], 0.99) == 3
    assert percentile([], 0.99) == 0


def test_windows_split_samples_by_time_and_count_errors() -> None:
    recorder = Recorder()
    recorder.samples = [
        Sample(1, "Home", 0.010, True, size=3072),
        Sample(2, "CompleteLesson", 0.030, True, size=100_000),  # not a query's answer
        Sample(3, "hostile:deep", 0.002, True),
        Sample(61, "Profile", 0.020, False, "HTTP 502", size=512),
        Sample(62, "hostile:syntax", 0.001, False, "HTTP 200"),
    ]
    table = latency_table(recorder, window=60, duration=120).splitlines()
    assert table[2] == "| 0:00-1:00 | 3 | 0.1 | 10 | 10 | 3.0 | 30 | 2 | 0 | 0 |"
    assert table[3] == "| 1:00-2:00 | 2 | 0.0 | 20 | 20 | 0.5 | 0 | 1 | 1 | 1 |"


def test_memory_table_shows_growth_since_the_first_sample() -> None:
    table = memory_table([(0, 100 * 2**20), (60, 112 * 2**20)]).splitlines()
    assert table[2:] == ["| 0:00 | 100.0 | +0.0 |", "| 1:00 | 112.0 | +12.0 |"]
    assert clock(125) == "2:05"
