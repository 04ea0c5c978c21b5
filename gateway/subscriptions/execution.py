"""Execute a subscription's plan: a long-lived root fetch, then the rest per event.

The planner plans a subscription like a query: ``Sequence(Fetch(kind="subscription"),
...entity fetches)``, or a lone ``Fetch`` when one subgraph resolves every field. The root
fetch here is an upstream graphql-transport-ws subscription to that subgraph; each event
it sends is merged as the root fetch's response, the rest of the plan runs against it
(entity fetches over HTTP, as for a query) and the result is shaped for the client.
Events are processed one at a time, in the order the subgraph sent them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from gateway.execution.executor import Execution
from gateway.execution.shaping import Shaper
from gateway.planning.plan import Fetch, PlanNode, Sequence
from gateway.subscriptions.errors import (
    SubscriptionFailed,
    UnsupportedSubscription,
    upstream_failed,
)
from gateway.subscriptions.upstream import UpstreamErrors, UpstreamFailed, UpstreamSubscription
from gateway.types import JSONObject

if TYPE_CHECKING:
    from gateway.pipeline import Gateway, Prepared

#: Sends one shaped result to the client.
Emit = Callable[[JSONObject], Awaitable[None]]


def split_plan(node: PlanNode | None) -> tuple[Fetch, PlanNode | None]:
    """The plan's upstream subscription, and what runs for each of its events."""
    match node:
        case Fetch(kind="subscription"):
            return node, None
        case Sequence(nodes=(Fetch(kind="subscription") as root, *rest)) if rest:
            return root, rest[0] if len(rest) == 1 else Sequence(tuple(rest))
    raise UnsupportedSubscription(
        "This subscription has no single upstream subscription to run (only a root field "
        "owned by one subgraph can be subscribed to)."
    )


async def run_subscription(gateway: Gateway, prepared: Prepared, emit: Emit) -> None:
    """Stream ``prepared`` to ``emit`` until the subgraph completes; raises
    ``SubscriptionFailed`` when the stream ends in errors. Cancel the task to stop it:
    the upstream subscription is completed and its socket closed either way."""
    root, rest = split_plan(prepared.plan.node)
    variables: dict[str, Any] = prepared.params.variables or {}
    try:
        upstream = await UpstreamSubscription.open(
            gateway.websocket_url(root.subgraph),
            root.operation,
            {name: variables[name] for name in root.variables if name in variables},
            prepared.headers,
            gateway.config.subscriptions.upstream_connect_timeout_seconds,
        )
    except UpstreamFailed as failure:
        raise upstream_failed(root.subgraph, str(failure)) from None
    try:
        while (event := await upstream.next()) is not None:
            await emit(await _event_result(gateway, prepared, root.subgraph, rest, event))
    except UpstreamFailed as failure:
        raise upstream_failed(root.subgraph, str(failure)) from None
    except UpstreamErrors as errors:
        # The subgraph's errors, redacted exactly as those of an HTTP root fetch.
        execution = _execution(gateway, prepared)
        execution.merge_root_response(root.subgraph, {"errors": errors.errors})
        raise SubscriptionFailed(execution.errors) from None
    finally:
        await upstream.close()


async def _event_result(
    gateway: Gateway,
    prepared: Prepared,
    subgraph: str,
    rest: PlanNode | None,
    event: JSONObject,
) -> JSONObject:
    execution = _execution(gateway, prepared)
    execution.merge_root_response(subgraph, event)
    await execution.run(rest)
    prepared.access.redact(execution.data)  # authorization (gateway.authz)
    errors = [*prepared.access.errors, *execution.errors]
    data = Shaper(errors).shape(prepared.plan.operation.root, execution.data)
    result: JSONObject = {"data": data}
    if errors:
        result["errors"] = errors
    return result


def _execution(gateway: Gateway, prepared: Prepared) -> Execution:
    return Execution(
        gateway.transport,
        prepared.params.variables or {},
        prepared.headers,
        gateway.config.engine.include_subgraph_errors,
        prepared.plan.client_keys,
    )
