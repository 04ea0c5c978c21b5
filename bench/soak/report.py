"""The soak's tables: gateway memory per sample, latency and errors per window."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from bench.soak.traffic import Recorder, Sample


def percentile(values: Sequence[float], share: float) -> float:
    """The ``share`` quantile (nearest rank) of ``values``; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = math.ceil(share * len(ordered))  # 1-based: the smallest covering ``share``
    return ordered[max(0, min(len(ordered), rank) - 1)]


def clock(seconds: float) -> str:
    """``m:ss`` since the start."""
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def memory_table(samples: list[tuple[float, int]]) -> str:
    lines = ["| at | gateway RSS (MiB) | change since first |", "| ---: | ---: | ---: |"]
    first = samples[0][1] if samples else 0
    for at, rss in samples:
        lines.append(f"| {clock(at)} | {rss / 2**20:.1f} | {(rss - first) / 2**20:+.1f} |")
    return "\n".join(lines)


def _window_row(start: float, end: float, samples: list[Sample]) -> str:
    legit = [s for s in samples if not s.kind.startswith("hostile")]
    hostile = [s for s in samples if s.kind.startswith("hostile")]
    answered = [s for s in legit if s.kind not in ("CompleteLesson", "SyncProgress")]
    queries = [s.seconds for s in answered]
    size = sum(s.size for s in answered) / len(answered) / 1024 if answered else 0.0
    mutations = [s.seconds for s in legit if s.kind in ("CompleteLesson", "SyncProgress")]
    errors = sum(not s.ok for s in legit)
    hostile_bad = sum(not s.ok for s in hostile)
    ms = 1000
    return (
        f"| {clock(start)}-{clock(end)} | {len(samples)} | {len(samples) / (end - start):.1f}"
        f" | {percentile(queries, 0.5) * ms:.0f} | {percentile(queries, 0.99) * ms:.0f}"
        f" | {size:.1f}"
        f" | {percentile(mutations, 0.99) * ms:.0f}"
        f" | {percentile([s.seconds for s in hostile], 0.99) * ms:.0f}"
        f" | {errors} | {hostile_bad} |"
    )


def latency_table(recorder: Recorder, window: float, duration: float) -> str:
    lines = [
        "| window | requests | req/s | query p50 ms | query p99 ms | query answer KiB"
        " | mutation p99 ms | hostile p99 ms | errors | hostile not refused |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    start = 0.0
    while start < duration - 1e-9:
        end = min(duration, start + window)
        inside = [s for s in recorder.samples if start <= s.at < end]
        lines.append(_window_row(start, end, inside))
        start = end
    return "\n".join(lines)


def error_summary(recorder: Recorder) -> str:
    failed = Counter(f"{s.kind}: {s.detail}" for s in recorder.samples if not s.ok)
    lines = [f"- {count} x {what}" for what, count in failed.most_common(10)]
    sub_errors = Counter(recorder.subscription_errors)
    lines += [f"- {count} x subscription {what}" for what, count in sub_errors.most_common(10)]
    return "\n".join(lines) or "- none"
