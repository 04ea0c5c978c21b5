"""Check a plan's fetches against the subgraphs' own schemas.

A subgraph only accepts operations that are valid against *its* schema, which is not the
supergraph's: ``gateway.planning.subgraph_schemas`` rebuilds each one from the join
directives, and every ``Fetch`` of a plan is validated with graphql-core against the
schema of the subgraph it goes to (``validate_plan``), its entity representations checked
against the subgraph's entities, its variables against what the executor sends.

``ValidatingPlanner`` wraps any planner and refuses to return a plan that would send an
invalid operation: the planner tests run every plan through it. It only reads the emitted
plan, never the planner's internals.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    is_interface_type,
    is_object_type,
    parse,
    validate,
    validate_schema,
)

from gateway.planning.operation import NormalizedOperation
from gateway.planning.plan import Defer, Fetch, Flatten, Parallel, PlanNode, QueryPlan, Sequence
from gateway.planning.subgraph_schemas import subgraph_documents, subgraph_schemas
from gateway.supergraph import Supergraph

__all__ = [
    "InvalidPlan",
    "ValidatingPlanner",
    "fetches",
    "subgraph_documents",
    "subgraph_schemas",
    "validate_fetch",
    "validate_plan",
]


def fetches(node: PlanNode | None) -> Iterator[Fetch]:
    """Every ``Fetch`` of a plan tree, in plan order."""
    match node:
        case None:
            return
        case Fetch():
            yield node
        case Flatten():
            yield node.node
        case Sequence() | Parallel():
            for child in node.nodes:
                yield from fetches(child)
        case Defer():
            yield from fetches(node.primary)
            for deferred in node.deferred:
                yield from fetches(deferred.node)


def validate_fetch(fetch: Fetch, schemas: dict[str, GraphQLSchema]) -> list[str]:
    """What is wrong with one fetch for its subgraph (empty when it is valid)."""
    schema = schemas.get(fetch.subgraph)
    where = f"fetch to {fetch.subgraph!r}: {fetch.operation}"
    if schema is None:
        return [f"{where}\n  unknown subgraph {fetch.subgraph!r}"]
    invalid_schema = validate_schema(schema)
    if invalid_schema:
        # graphql-core's validate() would raise: say what the rebuilt schema lacks instead.
        reasons = "; ".join(e.message for e in invalid_schema[:3])
        return [f"{where}\n  cannot check: the subgraph's rebuilt schema is invalid: {reasons}"]
    try:
        document = parse(fetch.operation)
    except GraphQLError as error:
        return [f"{where}\n  does not parse: {error.message}"]
    problems = [f"{where}\n  {_located(error)}" for error in validate(schema, document)]
    problems.extend(f"{where}\n  {problem}" for problem in _representation_problems(fetch, schema))
    problems.extend(f"{where}\n  {problem}" for problem in _variable_problems(fetch, document))
    return problems


def _variable_problems(fetch: Fetch, document: DocumentNode) -> list[str]:
    """The executor sends only ``fetch.variables`` (and the representations): a variable
    the operation declares but the fetch does not send would reach the subgraph as null."""
    declared = {
        definition.variable.name.value
        for node in document.definitions
        if isinstance(node, OperationDefinitionNode)
        for definition in node.variable_definitions or ()
    }
    missing = sorted(declared - set(fetch.variables) - {"representations"})
    return [f"declares ${name} but the fetch does not send it" for name in missing]


def _located(error: GraphQLError) -> str:
    locations = ", ".join(f"{loc.line}:{loc.column}" for loc in error.locations or ())
    return f"{error.message}" + (f" (at {locations})" if locations else "")


def _representation_problems(fetch: Fetch, schema: GraphQLSchema) -> list[str]:
    """An entity fetch's representations must name a type the subgraph resolves as an
    entity: an object of its ``_Entity`` union, or an interface (entity interfaces)."""
    entity_union = schema.get_type("_Entity")
    entities = (
        {t.name for t in schema.get_possible_types(entity_union)}  # type: ignore[arg-type]
        if entity_union is not None
        else set()
    )
    problems = []
    for _type_name, sent, _fields in fetch.requires:
        found = schema.get_type(sent)
        if found is None:
            problems.append(f"representations of type {sent!r}, unknown to the subgraph")
        elif not (
            (is_object_type(found) and sent in entities)
            or (
                is_interface_type(found)
                and any(t.name in entities for t in schema.get_possible_types(found))
            )
        ):
            problems.append(f"representations of type {sent!r}, not an entity of the subgraph")
    return problems


def validate_plan(
    plan: QueryPlan | PlanNode | None, schemas: dict[str, GraphQLSchema]
) -> list[str]:
    """Readable problems of every fetch of ``plan`` (subgraph, operation, error)."""
    node = plan.node if isinstance(plan, QueryPlan) else plan
    return [problem for fetch in fetches(node) for problem in validate_fetch(fetch, schemas)]


# -- a planner that refuses invalid plans ----------------------------------------------------


class InvalidPlan(AssertionError):
    """A plan would send an operation its subgraph rejects (a planner bug)."""

    def __init__(self, problems: list[str], plan: QueryPlan) -> None:
        self.problems = problems
        self.plan = plan
        listed = "\n".join(f"- {p}" for p in problems)
        super().__init__(f"The plan sends invalid operations:\n{listed}\n{plan.text()}")


class PlannerLike(Protocol):
    @property
    def schema(self) -> GraphQLSchema: ...

    def plan(self, operation: NormalizedOperation) -> QueryPlan: ...


class ValidatingPlanner:
    """``planner``, but ``plan`` raises ``InvalidPlan`` instead of returning a plan with an
    invalid fetch. For tests, and for a debug mode (validating costs far more than planning).
    """

    def __init__(self, planner: PlannerLike, supergraph: Supergraph | None = None) -> None:
        self.planner = planner
        if supergraph is None:
            supergraph = planner.graph.supergraph  # type: ignore[attr-defined]
        assert supergraph is not None
        self.supergraph: Supergraph = supergraph
        self.schemas = subgraph_schemas(supergraph)

    @property
    def schema(self) -> GraphQLSchema:
        return self.planner.schema

    @property
    def graph(self) -> Any:
        return self.planner.graph  # type: ignore[attr-defined]

    def plan(self, operation: NormalizedOperation) -> QueryPlan:
        plan = self.planner.plan(operation)
        problems = validate_plan(plan, self.schemas)
        if problems:
            raise InvalidPlan(problems, plan)
        return plan
