"""Everything derived from one supergraph: schemas, planner, and the caches keyed on it.

A reload builds a new ``SupergraphState`` and swaps it in one assignment, so a request
runs start to finish on the state it began with, and no cache entry outlives the
supergraph it was computed for.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from graphql import OperationDefinitionNode

from gateway.caches import COST_CACHE_BYTES, PLAN_CACHE_BYTES, BoundedCache
from gateway.canonical import canonical_json
from gateway.documents import DocumentCache, ValidDocument
from gateway.engine_config import EngineConfig
from gateway.limits import CostReport, LimitsConfig, check_cost
from gateway.planning.graph import SupergraphGraph
from gateway.planning.operation import normalize, select_operation
from gateway.planning.plan import Defer, Fetch, Flatten, PlanNode, QueryPlan
from gateway.planning.planner import DeferUnsupported, Planner
from gateway.retired.views import SchemaViews
from gateway.supergraph import Supergraph

if TYPE_CHECKING:
    from gateway.authz import Access

# The last part: the authorization outcome (``Access.key``, the denied fields; empty when
# nothing is denied): plans are shared by every caller with the same outcome.
# Then whether @defer/@stream apply (the client takes incremental delivery).
PlanKey = tuple[str, str | None, tuple[bool, ...], str, tuple[str, ...], bool]
CostKey = tuple[str, str | None, bytes]

#: Estimated bytes a plan keeps alive per character of its subgraph operations (its
#: normalized operation and fetch nodes grow with them; ~40 measured), and its fixed part.
PLAN_BYTES_PER_CHAR = 64
PLAN_BYTES = 4096
#: Estimated bytes of a cost report (a few numbers) beside its key.
COST_BYTES = 1024


def _operation_chars(node: PlanNode | None) -> int:
    """Characters of every subgraph operation in the plan (walked without recursion)."""
    total = 0
    stack = [node]
    while stack:
        current = stack.pop()
        if current is None:
            continue
        if isinstance(current, Fetch):
            total += len(current.operation)
        elif isinstance(current, Flatten):
            stack.append(current.node)
        elif isinstance(current, Defer):
            stack.append(current.primary)
            stack.extend(deferred.node for deferred in current.deferred)
        else:
            stack.extend(current.nodes)
    return total


def weigh_plan(key: PlanKey, plan: QueryPlan) -> int:
    """What a plan-cache entry keeps alive, in bytes (an estimate, rounded up)."""
    return PLAN_BYTES + sys.getsizeof(key[0]) + PLAN_BYTES_PER_CHAR * _operation_chars(plan.node)


def weigh_cost(key: CostKey, _report: CostReport) -> int:
    """A cost entry: the key holds the document's signature and the request's variables."""
    return COST_BYTES + sys.getsizeof(key[0]) + len(key[2])


class SupergraphState:
    """One supergraph's schemas, planner and caches (each bounded in entries and bytes:
    ``gateway.caches``)."""

    def __init__(self, supergraph: Supergraph, engine: EngineConfig, limits: LimitsConfig) -> None:
        self.limits = limits
        self.supergraph = supergraph
        self.graph = SupergraphGraph(supergraph, frozenset(engine.override_labels))
        self.planner = Planner(self.graph)
        self.documents = DocumentCache(supergraph.api_schema, limits, size=engine.plan_cache_size)
        #: The API schema per group of clients (retired fields hidden from some:
        #: ``gateway.retired``); the full one's documents are ``documents``.
        self.views = SchemaViews(
            supergraph.api_schema,
            self.documents,
            lambda schema: DocumentCache(schema, limits, size=engine.plan_cache_size),
        )
        size = engine.plan_cache_size
        self._costs: BoundedCache[CostKey, CostReport] = BoundedCache(
            max_entries=size, max_bytes=COST_CACHE_BYTES, weigh=weigh_cost
        )
        self._plans: BoundedCache[PlanKey, QueryPlan] = BoundedCache(
            max_entries=size, max_bytes=PLAN_CACHE_BYTES, weigh=weigh_plan
        )

    def cost(
        self, document: ValidDocument, operation_name: str | None, variables: dict[str, Any]
    ) -> CostReport:
        """The operation's estimated cost, checked against the limit (raises when over).

        Cached per (document, operation, variables): a repeated request costs a lookup."""
        key = (
            document.signature,
            operation_name,
            canonical_json(variables, default=str),
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
            self._costs.put(key, report)
        return report

    def plan(
        self,
        document: ValidDocument,
        operation_name: str | None,
        variables: dict[str, Any],
        access: Access | None = None,
        incremental: bool = False,
    ) -> QueryPlan:
        """The (cached) plan: keyed by the normalized document, the operation name and the
        values of the variables that decide ``@skip``/``@include``, and the supergraph's
        hash (the cache also dies with this state on reload; the hash keeps a shared or
        persisted plan cache honest should one be added); and by the authorization outcome
        (``access``: what the caller may not see is planned without, ``gateway.authz``).
        Not by the caller's schema view (``gateway.retired``): a document valid in a view
        is valid, and planned the same, in the full API schema.

        ``incremental``: the client takes incremental delivery, so ``@defer``/``@stream``
        apply (also part of the key); otherwise they are ignored. An operation whose
        deferred fragments cannot be planned apart is planned as if none were deferred."""
        operation = select_operation(document.operations, operation_name)
        name = operation.name.value if operation.name else None
        conditions = tuple(bool(variables.get(v)) for v in document.conditionals.get(name, ()))
        outcome = access.key if access is not None else ()
        key = (document.signature, name, conditions, self.supergraph.hash, outcome, incremental)
        plan = self._plans.get(key)
        if plan is None:
            try:
                plan = self._plan(operation, document, variables, access, incremental)
            except DeferUnsupported:
                plan = self._plan(operation, document, variables, access, False)
            self._plans.put(key, plan)
        return plan

    def _plan(
        self,
        operation: OperationDefinitionNode,
        document: ValidDocument,
        variables: dict[str, Any],
        access: Access | None,
        incremental: bool,
    ) -> QueryPlan:
        normalized = normalize(
            self.supergraph.api_schema, operation, document.fragments, variables, incremental
        )
        # authorization: plan the operation without the denied fields (gateway.authz)
        return access.plan(self.planner, normalized) if access else self.planner.plan(normalized)
