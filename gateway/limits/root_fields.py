"""Maximum root fields: fields selected on the root type, counted at every fragment spread.

Each root field is at least one subgraph fetch; a mutation's root fields run one after
another."""

from __future__ import annotations

from gateway.limits.metrics import OperationMetrics
from gateway.limits.rule import LimitRule

__all__ = ["MaxRootFieldsRule"]


class MaxRootFieldsRule(LimitRule):
    """Refuse (or warn about) an operation selecting more root fields than the limit."""

    code = "MAX_ROOT_FIELDS_LIMIT"
    measure_name = "root fields"

    @staticmethod
    def measure(metrics: OperationMetrics) -> int:
        return metrics.root_fields
