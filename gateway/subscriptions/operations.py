"""Run one operation of a websocket connection through the gateway's pipeline.

Every step before execution is the HTTP path's (``Gateway.prepare``: persisted queries,
parse limits, validation, operation limits, cost, plan), so an operation is refused over
the socket exactly when, and with the same ``extensions.code`` as, over HTTP. Then a
query or mutation runs once (``Gateway.respond``: one ``next``), and a subscription
streams (``run_subscription``: a ``next`` per event).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from gateway.request import GraphQLParams, Outcome, RequestContext
from gateway.subscriptions.execution import run_subscription
from gateway.types import Headers, JSONObject

if TYPE_CHECKING:
    from gateway.pipeline import Gateway


class OperationChannel(Protocol):
    """What an operation may do with its connection."""

    async def next(self, result: JSONObject) -> None:
        """Send one execution result (a ``next`` message)."""

    def begin_stream(self) -> None:
        """Count this operation as a subscription; ``TooManySubscriptions`` over the limit."""


class OperationRunner:
    """Runs operations for the connections of one gateway."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway

    async def open(self, headers: Headers, client_ip: str | None = None) -> RequestContext:
        """Authenticate a connection at ``connection_init`` (the gateway's steps); its
        context, which each operation copies. A ``GatewayError`` refuses it."""
        # Websocket operations may be mutations: the pipeline treats them like POSTs.
        context = RequestContext(
            method="POST", headers=dict(headers), transport="websocket", client_ip=client_ip
        )
        return await self.gateway.open_connection(context)

    async def __call__(
        self, params: GraphQLParams, context: RequestContext, channel: OperationChannel
    ) -> None:
        """Run ``params`` to the end (``context``: this operation's copy of the
        connection's); a ``GatewayError`` when it fails."""
        prepared = await self.gateway.prepare(params, context, subscriptions=True)
        if prepared.kind != "subscription":
            body = await self.gateway.respond(prepared, context)
            outcome = await self.gateway.finish(Outcome(body), context)
            await channel.next(outcome.body)
            return
        channel.begin_stream()
        registry = self.gateway.websockets

        async def send(result: JSONObject) -> None:
            registry.events_sent += 1
            await channel.next(result)

        await run_subscription(self.gateway, prepared, send)
