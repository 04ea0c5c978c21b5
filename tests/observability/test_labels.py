"""Label values stay bounded whatever clients send."""

from __future__ import annotations

from gateway.observability.labels import OTHER, BoundedLabels, clip


def test_values_past_the_limit_are_other() -> None:
    labels = BoundedLabels(3)
    assert [labels.get(f"Op{i}") for i in range(5)] == ["Op0", "Op1", "Op2", OTHER, OTHER]
    # Admitted values stay themselves; the set never grows past the limit.
    assert labels.get("Op1") == "Op1"
    assert labels.get("Op9") == OTHER
    assert len(labels) == 3


def test_pairs_are_bounded_together() -> None:
    labels = BoundedLabels(2)
    assert labels.pair("ios", "1.0") == ("ios", "1.0")
    assert labels.pair("ios", "1.1") == ("ios", "1.1")
    assert labels.pair("ios", "1.2") == (OTHER, OTHER)
    assert labels.pair("ios", "1.0") == ("ios", "1.0")


def test_long_header_values_are_clipped() -> None:
    assert clip("x" * 1000) == "x" * 64
    assert clip(None) == ""
