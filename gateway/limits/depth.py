"""Maximum depth: the deepest field nesting of an operation, fragments included.

``{ me { enrollments { course { title } } } }`` has depth 4. Depth bounds how many
dependent fetches (entity hops between subgraphs) a plan can chain."""

from __future__ import annotations

from gateway.limits.metrics import OperationMetrics
from gateway.limits.rule import LimitRule

__all__ = ["MaxDepthRule"]


class MaxDepthRule(LimitRule):
    """Refuse (or warn about) an operation nested deeper than the limit."""

    code = "MAX_DEPTH_LIMIT"
    measure_name = "depth"

    @staticmethod
    def measure(metrics: OperationMetrics) -> int:
        return metrics.depth
