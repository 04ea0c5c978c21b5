"""Run a prepared operation's plan: the fetches, introspection answered from the caller's
view of the schema, authorization's redactions, and the shaped response body.

One place for what a whole response (``run_plan``), an incremental one (``incremental``)
and a subscription event (``gateway.subscriptions.execution``) each need: an
``Execution`` of the plan over the pooled transport, and the introspection part.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gateway.execution.executor import Execution
from gateway.execution.incremental import IncrementalDelivery
from gateway.execution.shaping import Shaper
from gateway.execution.transport import SubgraphTransport
from gateway.introspection import introspect
from gateway.observability.tracing import shaping_span
from gateway.types import JSONObject

if TYPE_CHECKING:
    from gateway.pipeline import Prepared


def new_execution(
    transport: SubgraphTransport,
    prepared: Prepared,
    include_subgraph_errors: bool,
    data: JSONObject | None = None,
) -> Execution:
    """An execution of ``prepared``'s plan; fetches send the client's raw variables."""
    return Execution(
        transport,
        prepared.params.variables or {},
        prepared.headers,
        include_subgraph_errors,
        prepared.plan.client_keys,
        data={} if data is None else data,
    )


def introspection(prepared: Prepared) -> tuple[JSONObject | None, list[JSONObject]]:
    """The introspection part of the response and its errors (None when the operation
    selects no introspection field), in the caller's view of the API schema: retired
    fields hidden from it stay hidden (``gateway.retired``)."""
    if not prepared.plan.has_introspection:
        return None, []
    view = prepared.view
    schema = view.schema if view is not None else prepared.state.supergraph.api_schema
    return introspect(schema, prepared.document.document, prepared.operation, prepared.variables)


async def run_plan(
    transport: SubgraphTransport, prepared: Prepared, include_subgraph_errors: bool
) -> JSONObject:
    """Execute the plan, answer introspection, redact, shape: the response body."""
    errors: list[JSONObject] = list(prepared.access.errors)
    answered, introspection_errors = introspection(prepared)
    errors.extend(introspection_errors)
    execution = new_execution(transport, prepared, include_subgraph_errors)
    await execution.run(prepared.plan.node)
    prepared.access.redact(execution.data)
    errors.extend(execution.errors)
    with shaping_span():  # observability: a span when the operation is traced
        data = Shaper(errors, answered).shape(prepared.plan.operation.root, execution.data)
    body: JSONObject = {"data": data}
    if errors:
        body["errors"] = errors
    return body


def incremental(
    transport: SubgraphTransport, prepared: Prepared, include_subgraph_errors: bool
) -> IncrementalDelivery:
    """The parts of an operation with deferred fragments or streamed lists."""
    errors: list[JSONObject] = list(prepared.access.errors)
    answered, introspection_errors = introspection(prepared)
    errors.extend(introspection_errors)

    def execution(data: JSONObject) -> Execution:
        return new_execution(transport, prepared, include_subgraph_errors, data)

    return IncrementalDelivery(
        prepared.plan,
        execution,
        redact=prepared.access.redact,
        errors=errors,
        introspection=answered,
        variables=prepared.variables,
    )
