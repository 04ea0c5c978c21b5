"""Steps: cross-cutting concerns hooked into every request at named points.

A request's life, in order (the same for GraphQL over HTTP and the websocket)::

    connection_opened   websocket only, once, at ``connection_init``: authenticate the
                        connection (its identity serves every operation on it)
    request_received    each operation (an HTTP request or batch item, a websocket
                        ``subscribe``): authenticate, rate-limit
    document_resolved   the document's text is known (text, APQ hash or manifest id)
    validated           parsed and validated (with the limit rules)
    subgraph_headers    the plan is ready: the headers every subgraph fetch of this
                        operation carries; a step may add (the signed identity) or remove
    planned             everything before execution is done (``Prepared``)
    response_ready      the response body is ready (also for a refused request); a step
                        may change the body or add ``context.response_headers``

Every hook may refuse the request by raising a ``gateway.errors.GatewayError`` (its code
and status reach the client as for any other request error), may add to the
``RequestContext`` (``identity``, ``state``), and may add ``context.response_headers``.
Steps run in the order given, for each hook; a step overrides only the hooks it needs
(the others are skipped, at no cost per request). Steps never call one another: what one
learns, a later one reads from the context.

An application embedding the gateway adds its own steps::

    class Audit(Step):
        async def planned(self, context, prepared):
            log.info("%s runs %s", context.identity, prepared.params.operation_name)

    gateway = await Gateway.create(config, steps=[Audit()])

A per-fetch hook (``subgraph_fetch``: each subgraph request, with its subgraph name and
its own headers) is defined here for the executor to call; see its docstring.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from gateway.request import Outcome, RequestContext

if TYPE_CHECKING:
    from gateway.documents import ValidDocument
    from gateway.pipeline import Prepared

_HOOKS = (
    "connection_opened",
    "request_received",
    "document_resolved",
    "validated",
    "subgraph_headers",
    "planned",
    "subgraph_fetch",
    "response_ready",
)


class Step:
    """Base class of a step: override the hooks you need (each default does nothing)."""

    async def connection_opened(self, context: RequestContext) -> None:
        """A websocket's ``connection_init`` arrived (``context.headers`` holds the
        handshake's and the payload's headers). Raising refuses the connection (4403)."""

    async def request_received(self, context: RequestContext) -> None:
        """An operation arrived; nothing about its document is known yet."""

    async def document_resolved(self, context: RequestContext, text: str) -> None:
        """The operation's document text is known (persisted queries resolved)."""

    async def validated(self, context: RequestContext, document: ValidDocument) -> None:
        """The document parsed and validated against the API schema."""

    async def planned(self, context: RequestContext, prepared: Prepared) -> None:
        """Everything before execution is done: the operation, variables, cost, plan."""

    def subgraph_headers(self, context: RequestContext, headers: dict[str, str]) -> None:
        """Change ``headers``, the headers every subgraph request of this operation
        carries (``engine.forward_headers`` already applied). Synchronous: it is on the
        hot path and must not do I/O."""

    def subgraph_fetch(
        self, context: RequestContext, subgraph: str, headers: dict[str, str]
    ) -> None:
        """One subgraph request is about to be sent with ``headers`` (a copy that may be
        changed). The executor's call site: ``Steps.subgraph_fetch`` before each POST
        (``gateway.execution.transport.SubgraphTransport.post``); not wired yet, so
        ``subgraph_headers`` is the place for headers today."""

    async def response_ready(self, context: RequestContext, outcome: Outcome) -> None:
        """The response is ready (executed or refused); ``outcome.body`` may be changed."""

    async def close(self) -> None:
        """The gateway is closing: release what the step holds (connections, tasks)."""


def _overrides(step: Step, hook: str) -> bool:
    return getattr(type(step), hook) is not getattr(Step, hook)


class Steps:
    """An ordered list of steps, called hook by hook (``Gateway`` owns one)."""

    def __init__(self, steps: Sequence[Step] = ()) -> None:
        self.steps = tuple(steps)
        # For each hook, only the steps that implement it: a request pays for nothing else.
        self._by_hook = {h: [s for s in self.steps if _overrides(s, h)] for h in _HOOKS}

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)

    async def connection_opened(self, context: RequestContext) -> None:
        for step in self._by_hook["connection_opened"]:
            await step.connection_opened(context)

    async def request_received(self, context: RequestContext) -> None:
        for step in self._by_hook["request_received"]:
            await step.request_received(context)

    async def document_resolved(self, context: RequestContext, text: str) -> None:
        for step in self._by_hook["document_resolved"]:
            await step.document_resolved(context, text)

    async def validated(self, context: RequestContext, document: ValidDocument) -> None:
        for step in self._by_hook["validated"]:
            await step.validated(context, document)

    async def planned(self, context: RequestContext, prepared: Prepared) -> None:
        for step in self._by_hook["planned"]:
            await step.planned(context, prepared)

    def subgraph_headers(self, context: RequestContext, headers: dict[str, str]) -> None:
        for step in self._by_hook["subgraph_headers"]:
            step.subgraph_headers(context, headers)

    def subgraph_fetch(
        self, context: RequestContext, subgraph: str, headers: dict[str, str]
    ) -> None:
        for step in self._by_hook["subgraph_fetch"]:
            step.subgraph_fetch(context, subgraph, headers)

    async def response_ready(self, context: RequestContext, outcome: Outcome) -> None:
        for step in self._by_hook["response_ready"]:
            await step.response_ready(context, outcome)

    async def close(self) -> None:
        for step in self.steps:
            await step.close()
