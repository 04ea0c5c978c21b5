"""Operation limits (parser limits, depth, height, aliases, root fields, directives) and cost.

The pipeline uses, in order:

1. ``parse_with_limits(text, config.parser_max_tokens, config.parser_max_nesting,
   max_length=..., max_directives=..., max_operations=..., max_fragments=...)`` (the
   ``parser_*`` limits, and ``directives.max`` unless warn-only) instead of
   ``graphql.parse``;
2. ``validate(schema, document, [*specified_rules, *limit_rules(config)])`` then
   ``split_warnings(errors)``; limit errors carry their own ``extensions.code``;
3. ``check_cost(config.cost, schema, document, operation_name, variables)`` after a
   successful validation (it needs the variables, so it is not a validation rule);
4. ``limits_extensions(warnings, cost_report, expose_cost=cost_requested(...))`` merged
   into the response's ``extensions``.
"""

from gateway.limits.config import CostConfig, Limit, LimitsConfig
from gateway.limits.cost import CostReport, check_cost, estimate_cost
from gateway.limits.errors import (
    CostTooExpensive,
    OperationLimitExceeded,
    ParserFragmentLimit,
    ParserLengthLimit,
    ParserNestingLimit,
    ParserOperationLimit,
    ParserTokenLimit,
    SlicingArgumentRequired,
)
from gateway.limits.extensions import cost_requested, limits_extensions
from gateway.limits.metrics import OperationMetrics, measure_document
from gateway.limits.parser import parse_with_limits
from gateway.limits.rule import LimitWarning, split_warnings
from gateway.limits.rules import limit_rules

__all__ = [
    "CostConfig",
    "CostReport",
    "CostTooExpensive",
    "Limit",
    "LimitWarning",
    "LimitsConfig",
    "OperationLimitExceeded",
    "OperationMetrics",
    "ParserFragmentLimit",
    "ParserLengthLimit",
    "ParserNestingLimit",
    "ParserOperationLimit",
    "ParserTokenLimit",
    "SlicingArgumentRequired",
    "check_cost",
    "cost_requested",
    "estimate_cost",
    "limit_rules",
    "limits_extensions",
    "measure_document",
    "parse_with_limits",
    "split_warnings",
]
