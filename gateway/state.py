"""Everything derived from one supergraph: schemas, planner, and the caches keyed on it.

A reload builds a new ``SupergraphState`` and swaps it in one assignment, so a request
runs start to finish on the state it began with, and no cache entry outlives the
supergraph it was computed for.
"""

from __future__ import annotations

from typing import Any

from cachetools import LRUCache

from gateway.documents import DocumentCache, ValidDocument
from gateway.engine_config import EngineConfig
from gateway.planning.graph import SupergraphGraph
from gateway.planning.operation import normalize, select_operation
from gateway.planning.plan import QueryPlan
from gateway.planning.planner import Planner
from gateway.supergraph import Supergraph

PlanKey = tuple[str, str | None, tuple[bool, ...], str]


class SupergraphState:
    def __init__(self, supergraph: Supergraph, engine: EngineConfig) -> None:
        self.supergraph = supergraph
        self.graph = SupergraphGraph(supergraph, frozenset(engine.override_labels))
        self.planner = Planner(self.graph)
        self.documents = DocumentCache(supergraph.api_schema, size=engine.plan_cache_size)
        self._plans: LRUCache[PlanKey, QueryPlan] = LRUCache(maxsize=engine.plan_cache_size)

    def plan(
        self, document: ValidDocument, operation_name: str | None, variables: dict[str, Any]
    ) -> QueryPlan:
        """The (cached) plan: keyed by the normalized document, the operation name and the
        values of the variables that decide ``@skip``/``@include``, and the supergraph's
        hash (the cache also dies with this state on reload; the hash keeps a shared or
        persisted plan cache honest should one be added)."""
        operation = select_operation(document.operations, operation_name)
        name = operation.name.value if operation.name else None
        conditions = tuple(bool(variables.get(v)) for v in document.conditionals.get(name, ()))
        key = (document.signature, name, conditions, self.supergraph.hash)
        plan = self._plans.get(key)
        if plan is None:
            normalized = normalize(
                self.supergraph.api_schema, operation, document.fragments, variables
            )
            plan = self.planner.plan(normalized)
            self._plans[key] = plan
        return plan
