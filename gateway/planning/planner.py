"""Plan an operation for one supergraph: the model's steps, in order.

1. walk (``walk.py``): each field to the subgraph that resolves it, entity jumps through
   keys and requirements (``jumps.py``; ``reach.py`` answers what a subgraph can do from
   where it is, and which keys can be reached at all); the result is a DAG of fetch
   groups (``fetch_graph.py``);
2. emit (``emit.py``): the DAG as Sequence / Parallel / Flatten / Fetch nodes, with
   identical entity fetches of a level merged (``optimize.py``); with deferred fragments
   (``defer.py``), a ``Defer`` node: the primary part's plan, then each fragment's.

The operation was normalized before (``operation.py``). Any failure, whatever its cause,
reaches the client as ``QUERY_PLANNING_FAILED`` naming the reason, and is logged with
the operation's hash: a planner bug must never become an HTTP 500 with a stack trace.
"""

from __future__ import annotations

import hashlib
import logging

from graphql import GraphQLSchema, print_ast

from gateway.planning.defer import DeferUnsupported, PlannedDefer, deferred_ids
from gateway.planning.emit import Emitter, wrap
from gateway.planning.fetch_graph import FetchGroup, PlanningError
from gateway.planning.graph import SupergraphGraph
from gateway.planning.operation import NormalizedOperation, NSelection
from gateway.planning.plan import Defer, DeferredNode, PlanNode, QueryPlan, Sequence
from gateway.planning.selection import INTERNAL_ALIAS
from gateway.planning.walk import Walk

__all__ = ["DeferUnsupported", "Planner", "PlanningError"]

logger = logging.getLogger("gateway.planning")


class Planner:
    """Builds plans for one supergraph. Pure: no I/O, same input → same plan."""

    def __init__(self, graph: SupergraphGraph) -> None:
        self.graph = graph

    @property
    def schema(self) -> GraphQLSchema:
        return self.graph.schema

    def plan(self, operation: NormalizedOperation) -> QueryPlan:
        try:
            return self._plan(operation)
        except DeferUnsupported:
            raise  # the caller plans the operation without @defer
        except PlanningError as error:
            _log(operation, error.message)
            raise
        except RecursionError:
            _log(operation, "recursion")
            raise PlanningError(
                "The operation cannot be planned (planning went too deep)."
            ) from None
        except Exception as error:  # a planner bug: never a 500 with a stack trace
            logger.exception(
                "query planning failed", extra={"operation_hash": operation_hash(operation)}
            )
            raise PlanningError(
                f"The operation cannot be planned ({type(error).__name__})."
            ) from None

    def _plan(self, operation: NormalizedOperation) -> QueryPlan:
        walk = Walk(self.graph, operation)
        roots = walk.plan_root()
        deferred = walk.plan_deferred()
        if {d.deferred.id for d in deferred} != deferred_ids(operation.root):
            raise DeferUnsupported
        has_introspection = _has_introspection(operation.root)
        emitter = Emitter(operation, self.graph)
        if operation.kind == "mutation":
            nodes = [emitter.levels(walk.fetches.subtree(root)) for root in roots]
            node: PlanNode | None = wrap(Sequence, nodes)
        else:
            node = _levels(emitter, walk.fetches.of_context(0))
        if deferred:
            node = _defer_node(node, 0, deferred, emitter, walk)
        # Keys the client's fields travel under in the data but never see (``_gw0___typename``)
        # are internal: error paths map them back to the client's key.
        keys = frozenset(k for k in walk.client_keys if not INTERNAL_ALIAS.match(k))
        return QueryPlan(node, operation, has_introspection, keys)


def _levels(emitter: Emitter, groups: list[FetchGroup]) -> PlanNode | None:
    """The groups as plan levels; None when none of them selects anything."""
    if all(group.selection.is_empty() for group in groups):
        return None
    return emitter.levels(groups)


def _defer_node(
    primary: PlanNode | None,
    context: int,
    planned: list[PlannedDefer],
    emitter: Emitter,
    walk: Walk,
) -> PlanNode | None:
    """``primary`` followed by the fragments deferred in ``context`` (0: the operation),
    each with its own sub-plan and, nested, the fragments deferred inside it."""
    children = [d for d in planned if d.parent == context]
    if not children:
        return primary
    nodes = []
    for deferred in children:
        sub = _levels(emitter, walk.fetches.of_context(deferred.context))
        node = _defer_node(sub, deferred.context, planned, emitter, walk)
        item = deferred.deferred
        nodes.append(DeferredNode(item.id, item.label, deferred.path, node))
    return Defer(primary, tuple(nodes))


def _has_introspection(root: NSelection) -> bool:
    """``__schema``/``__type`` at the root, deferred or not."""
    if any(f.introspection for f in root.by_type[root.parent]):
        return True
    return any(_has_introspection(d.selection) for d in root.deferred)


def operation_hash(operation: NormalizedOperation) -> str:
    """The sha256 of the operation's text (with its fragments), as logs show it."""
    parts = [print_ast(operation.operation)]
    parts.extend(print_ast(fragment) for fragment in operation.fragments.values())
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _log(operation: NormalizedOperation, reason: str) -> None:
    logger.warning(
        "query planning failed: %s", reason, extra={"operation_hash": operation_hash(operation)}
    )
