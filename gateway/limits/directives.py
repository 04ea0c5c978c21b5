"""Maximum directives: directive applications in an operation, counted at every fragment spread.

Directives on operations, variables, fields, fragments and spreads all count: thousands of
``@skip(if: false)`` cost parsing, validation and planning time for nothing."""

from __future__ import annotations

from gateway.limits.metrics import OperationMetrics
from gateway.limits.rule import LimitRule

__all__ = ["MaxDirectivesRule"]


class MaxDirectivesRule(LimitRule):
    """Refuse (or warn about) an operation applying more directives than the limit."""

    code = "MAX_DIRECTIVES_LIMIT"
    measure_name = "directives"

    @staticmethod
    def measure(metrics: OperationMetrics) -> int:
        return metrics.directives
