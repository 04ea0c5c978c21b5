"""What limits add to a response's ``extensions``: warn-only violations and the cost.

    {"limitWarnings": [{"message": ..., "code": "MAX_DEPTH_LIMIT", "limit": 10,
                        "measured": 12}],
     "cost": {"estimated": 64, "max": 10000}}

Warnings are always exposed (the client developer is the one who can fix the operation
before the limit is enforced); the cost only when the client asks for it with the
configured header, or when ``expose_always`` is set.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from graphql import GraphQLError

from gateway.limits.config import CostConfig
from gateway.limits.cost import CostReport
from gateway.types import JSONObject

__all__ = ["cost_requested", "limits_extensions"]


def cost_requested(config: CostConfig, headers: Mapping[str, str]) -> bool:
    """Whether this request's response should carry ``extensions.cost``."""
    if config.expose_always:
        return True
    header = config.expose_header
    return header is not None and bool(headers.get(header.lower()))


def limits_extensions(
    warnings: Sequence[GraphQLError], cost: CostReport | None, *, expose_cost: bool
) -> JSONObject:
    """The extensions entries for these warnings and this cost report (maybe empty)."""
    extensions: JSONObject = {}
    entries = [{"message": warning.message, **(warning.extensions or {})} for warning in warnings]
    if cost is not None and cost.warning is not None:
        entries.append(
            {
                "message": cost.warning,
                "code": "COST_ESTIMATED_TOO_EXPENSIVE",
                "limit": cost.max,
                "measured": cost.estimated,
            }
        )
    if entries:
        extensions["limitWarnings"] = entries
    if cost is not None and expose_cost:
        extensions["cost"] = cost.extension()
    return extensions
