"""Execute a subscription's plan: a long-lived root fetch, then the rest per event.

The planner plans a subscription like a query: ``Sequence(Fetch(kind="subscription"),
...entity fetches)``, or a lone ``Fetch`` when one subgraph resolves every field. The root
fetch here is an upstream graphql-transport-ws subscription to that subgraph; each event
it sends is merged as the root fetch's response, the rest of the plan runs against it
(entity fetches over HTTP, as for a query) and the result is shaped for the client.
Events are processed one at a time, in the order the subgraph sent them.

Identical subscriptions share that work (``hub.py``): one upstream subscription and one
run of the plan per event, whatever the number of subscribers; ``share_key`` says which
are identical. A resumable root field (``cursor.py``) subscribes again after a break
(``resume.py``). Every transport calls ``run_subscription``: the limits, the sharing and
the slow-consumer rule apply to all of them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import TYPE_CHECKING, Any

from gateway.canonical import canonical_json
from gateway.execution.executor import Execution
from gateway.execution.run import new_execution
from gateway.execution.shaping import Shaper
from gateway.planning.plan import Fetch, PlanNode, Sequence
from gateway.subscriptions.cursor import Resumable, resumable
from gateway.subscriptions.errors import (
    SubscriptionFailed,
    UnsupportedSubscription,
    upstream_failed,
)
from gateway.subscriptions.hub import Publish
from gateway.subscriptions.resume import ResumingUpstream
from gateway.subscriptions.upstream import UpstreamErrors, UpstreamFailed
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
    """Stream ``prepared`` to ``emit`` until the subgraph completes. Raises a
    ``GatewayError``: ``SubscriptionFailed`` when the stream ends in errors, the limit
    errors when refused, ``SlowConsumer`` when ``emit`` fell too far behind. Cancel the
    task to stop it: its share of the upstream is released either way."""
    root, rest = split_plan(prepared.plan.node)
    config = gateway.config.subscriptions
    variables: dict[str, Any] = prepared.params.variables or {}
    upstream_variables = {name: variables[name] for name in root.variables if name in variables}
    resume = resumable(
        prepared.plan.memo,
        prepared.state.supergraph.api_schema,
        root.operation,
        upstream_variables,
        config.resume_argument,
        config.resume_cursor_field,
    )

    async def produce(publish: Publish) -> None:
        upstream = ResumingUpstream(
            gateway.websocket_url(root.subgraph),
            root.operation,
            upstream_variables,
            prepared.headers,
            config,
            resume,
        )
        await _produce(gateway, prepared, root.subgraph, rest, upstream, publish)

    hub = gateway.subscription_hub
    async with hub.subscribe(share_key(prepared, resume), caller(prepared), produce) as sub:
        try:
            while (result := await sub.next()) is not None:
                await emit(result)
                hub.events_delivered += 1
        except asyncio.CancelledError:
            task = asyncio.current_task()
            # Dropped as a slow consumer (cancelled while stuck in ``emit``): say so,
            # unless the caller cancelled too.
            if sub.dropped and sub.error is not None and task and task.uncancel() == 0:
                raise sub.error from None
            raise


def share_key(prepared: Prepared, resume: Resumable | None) -> Hashable | None:
    """What makes two subscriptions identical: the same supergraph, document, operation
    and variables (the plan and the shaping), the same headers to the subgraphs (the
    forwarded identity among them: different callers never share) and the same
    authorization outcome. None (never shared): a client resuming after its own cursor
    must get the events after it, which a stream already running has sent."""
    if resume is not None and resume.initial is not None:
        return None
    variables = canonical_json(prepared.params.variables or {})
    return (
        prepared.state.supergraph.hash,
        prepared.document.signature,
        prepared.params.operation_name,
        variables,
        tuple(sorted(prepared.headers.items())),
        prepared.access.key,
    )


def caller(prepared: Prepared) -> str | None:
    """Who ``max_subscriptions_per_caller`` counts: the user, else the client address."""
    context = prepared.context
    if context is None:
        return None
    if context.identity is not None and context.identity.user_id is not None:
        return f"user:{context.identity.user_id}"
    return f"ip:{context.client_ip}" if context.client_ip else None


async def _produce(
    gateway: Gateway,
    prepared: Prepared,
    subgraph: str,
    rest: PlanNode | None,
    upstream: ResumingUpstream,
    publish: Publish,
) -> None:
    try:
        await upstream.open()
    except UpstreamFailed as failure:
        raise upstream_failed(subgraph, str(failure)) from None
    try:
        while (event := await upstream.next()) is not None:
            publish(await _event_result(gateway, prepared, subgraph, rest, event))
    except UpstreamFailed as failure:
        raise upstream_failed(subgraph, str(failure)) from None
    except UpstreamErrors as errors:
        # The subgraph's errors, redacted exactly as those of an HTTP root fetch.
        execution = _execution(gateway, prepared)
        execution.merge_root_response(subgraph, {"errors": errors.errors})
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
    return new_execution(gateway.transport, prepared, gateway.config.engine.include_subgraph_errors)
