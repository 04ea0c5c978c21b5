"""Everything derived from one supergraph: schemas, planner, and the caches keyed on it.

A reload builds a new ``SupergraphState`` and swaps it in one assignment, so a request
runs start to finish on the state it began with, and no cache entry outlives the
supergraph it was computed for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson
from cachetools import LRUCache

from gateway.documents import DocumentCache, ValidDocument
from gateway.engine_config import EngineConfig
from gateway.limits import CostReport, LimitsConfig, check_cost
from gateway.planning.graph import SupergraphGraph
from gateway.planning.operation import normalize, select_operation
from gateway.planning.plan import QueryPlan
from gateway.planning.planner import Planner
from gateway.supergraph import Supergraph

if TYPE_CHECKING:
    from gateway.authz import Access

# The last part: the authorization outcome (``Access.key``, the denied fields; empty when
# nothing is denied): plans are shared by every caller with the same outcome.
PlanKey = tuple[str, str | None, tuple[bool, ...], str, tuple[str, ...]]


class SupergraphState:
    def __init__(self, supergraph: Supergraph, engine: EngineConfig, limits: LimitsConfig) -> None:
        self.limits = limits
        self.supergraph = supergraph
        self.graph = SupergraphGraph(supergraph, frozenset(engine.override_labels))
        self.planner = Planner(self.graph)
        self.documents = DocumentCache(supergraph.api_schema, limits, size=engine.plan_cache_size)
        self._costs: LRUCache[tuple[str, str | None, bytes], CostReport] = LRUCache(
            maxsize=engine.plan_cache_size
        )
        self._plans: LRUCache[PlanKey, QueryPlan] = LRUCache(maxsize=engine.plan_cache_size)

    def cost(
        self, document: ValidDocument, operation_name: str | None, variables: dict[str, Any]
    ) -> CostReport:
        """The operation's estimated cost, checked against the limit (raises when over).

        Cached per (document, operation, variables): a repeated request costs a lookup."""
        key = (
            document.signature,
            operation_name,
            orjson.dumps(variables, option=orjson.OPT_SORT_KEYS, default=str),
        )
        report = self._costs.get(key)
        if report is None:
            report = check_cost(
                self.limits.cost,
                self.supergraph.api_schema,
                document.document,
                operation_name,
                variables,
                link_schema=self.supergraph.schema,
            )
            self._costs[key] = report
        return report

    def plan(
        self,
        document: ValidDocument,
        operation_name: str | None,
        variables: dict[str, Any],
        access: Access | None = None,
    ) -> QueryPlan:
        """The (cached) plan: keyed by the normalized document, the operation name and the
        values of the variables that decide ``@skip``/``@include``, and the supergraph's
        hash (the cache also dies with this state on reload; the hash keeps a shared or
        persisted plan cache honest should one be added); and by the authorization outcome
        (``access``: what the caller may not see is planned without, ``gateway.authz``)."""
        operation = select_operation(document.operations, operation_name)
        name = operation.name.value if operation.name else None
        conditions = tuple(bool(variables.get(v)) for v in document.conditionals.get(name, ()))
        outcome = access.key if access is not None else ()
        key = (document.signature, name, conditions, self.supergraph.hash, outcome)
        plan = self._plans.get(key)
        if plan is None:
            normalized = normalize(
                self.supergraph.api_schema, operation, document.fragments, variables
            )
            # authorization: plan the operation without the denied fields (gateway.authz)
            plan = (
                access.plan(self.planner, normalized) if access else self.planner.plan(normalized)
            )
            self._plans[key] = plan
        return plan
