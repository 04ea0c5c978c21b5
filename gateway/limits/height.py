"""Maximum height: how many distinct fields (schema coordinates) an operation selects.

``Course.title`` selected under three aliases and two fragments counts once: height is
the breadth of the schema an operation touches, not the size of its response."""

from __future__ import annotations

from gateway.limits.metrics import OperationMetrics
from gateway.limits.rule import LimitRule

__all__ = ["MaxHeightRule"]


class MaxHeightRule(LimitRule):
    """Refuse (or warn about) an operation touching more distinct fields than the limit."""

    code = "MAX_HEIGHT_LIMIT"
    measure_name = "height"

    @staticmethod
    def measure(metrics: OperationMetrics) -> int:
        return metrics.height
