"""Maximum aliases: aliased fields in an operation, counted at every place a fragment is spread.

Aliases let one request run the same expensive field many times (``a1: search ... a100:
search``); a fragment spread twice counts its aliases twice."""

from __future__ import annotations

from gateway.limits.metrics import OperationMetrics
from gateway.limits.rule import LimitRule

__all__ = ["MaxAliasesRule"]


class MaxAliasesRule(LimitRule):
    """Refuse (or warn about) an operation with more aliased fields than the limit."""

    code = "MAX_ALIASES_LIMIT"
    measure_name = "aliases"

    @staticmethod
    def measure(metrics: OperationMetrics) -> int:
        return metrics.aliases
