"""Maximum width: the most selections in any one selection set of an operation.

Fields and fragment spreads count; an inline fragment's selections count in the set
around it, since they are merged with it. The specification's
``OverlappingFieldsCanBeMerged`` compares the selections of a set pairwise, so two
thousand ``avatarUrl(size: N)`` side by side (well within the token limit) cost
graphql-core seconds of CPU; a width limit keeps that work small."""

from __future__ import annotations

from gateway.limits.metrics import OperationMetrics
from gateway.limits.rule import LimitRule

__all__ = ["MaxWidthRule"]


class MaxWidthRule(LimitRule):
    """Refuse (or warn about) an operation with a selection set wider than the limit."""

    code = "MAX_WIDTH_LIMIT"
    measure_name = "width"

    @staticmethod
    def measure(metrics: OperationMetrics) -> int:
        return metrics.width
