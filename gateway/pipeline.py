"""One request through the gateway, step by step.

    document (text, or hash -> persisted store)
      -> parse (token + nesting limits) -> validate against the API schema (+ limit rules)
      -> select the operation, coerce variables
      -> plan (cached) -> execute the plan -> shape the response

Cross-cutting steps (``gateway.steps``: authentication, rate limits, production
hardening, an application's own) run at named points between these: request received,
document resolved, validated, planned (and the subgraph headers), response ready.

``prepare`` runs every step up to the plan, for HTTP and the websocket alike; ``respond``
executes a query or mutation; a subscription's stream is ``gateway.subscriptions``'s
(the root fetch becomes an upstream subscription, the rest of the plan runs per event).

``Gateway`` owns the current supergraph state (swapped atomically on reload: in-flight
requests finish on the state they started with) and the pooled subgraph transport.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from graphql import OperationDefinitionNode
from graphql.execution.values import get_variable_values

from gateway.authz import ALLOWED, Access, authorize
from gateway.caching import ResponseCaching
from gateway.caching.subgraph_hints import collect_subgraph_hints
from gateway.config import GatewayConfig
from gateway.documents import ValidDocument
from gateway.errors import (
    BadRequest,
    ErrorList,
    GatewayError,
    MethodNotAllowed,
    RequestError,
)
from gateway.execution.detached import Detached
from gateway.execution.http_clients import PostFailed, http_client
from gateway.execution.inflight import InFlight
from gateway.execution.resilience import Resilience
from gateway.execution.run import incremental, run_plan
from gateway.execution.transport import SubgraphTransport
from gateway.http.stream_registry import StreamRegistry
from gateway.limits import CostReport, cost_requested, limits_extensions
from gateway.persisted.resolver import PersistedQueries
from gateway.planning.operation import select_operation
from gateway.planning.plan import QueryPlan
from gateway.request import GraphQLParams, Outcome, RequestContext
from gateway.retired import SchemaView
from gateway.state import SupergraphState
from gateway.steps import Step, Steps
from gateway.steps.builtin import builtin_steps
from gateway.subscriptions.hub import SubscriptionHub
from gateway.subscriptions.protocol import ConnectionRegistry
from gateway.supergraph import Supergraph
from gateway.types import JSONObject

#: The stable code of a subscription sent over HTTP (clients branch on it).
SUBSCRIPTION_OVER_HTTP = "SUBSCRIPTION_NOT_SUPPORTED_OVER_HTTP"


@dataclass(frozen=True, slots=True)
class Prepared:
    """An operation that passed every step before execution (``Gateway.prepare``)."""

    #: The supergraph state it was planned on (a reload does not change it mid-way).
    state: SupergraphState
    params: GraphQLParams
    document: ValidDocument
    operation: OperationDefinitionNode
    #: "query", "mutation" or "subscription".
    kind: str
    #: The coerced variables (planning and cost); fetches send the client's raw values.
    variables: dict[str, Any]
    cost: CostReport
    plan: QueryPlan
    #: The request headers ``engine.forward_headers`` lets through to subgraphs.
    headers: dict[str, str]
    #: What authorization removed (``gateway.authz``): its errors go in every response.
    access: Access = ALLOWED
    #: The client's view of the API schema (``gateway.retired``); None: the full one.
    view: SchemaView | None = None
    #: The request's context (who is calling: subscriptions count per caller).
    context: RequestContext | None = None


class Gateway:
    """The engine behind every transport. Create with ``await Gateway.create(config)``."""

    def __init__(
        self, config: GatewayConfig, state: SupergraphState, steps: Sequence[Step] = ()
    ) -> None:
        self.config = config
        self.state = state
        #: The cross-cutting steps (authentication, rate limits, ...), then ``steps``.
        self.steps = Steps(builtin_steps(config, steps))
        self.transport = SubgraphTransport(
            self._urls(state.supergraph),
            {
                name: sub.timeout_seconds
                for name, sub in config.subgraphs.items()
                if sub.timeout_seconds is not None
            },
            default_timeout=config.engine.subgraph_timeout_seconds,
            dedupe=config.engine.dedupe_subgraph_requests,
            client=http_client(config.engine.subgraph_http_client),
            resilience=Resilience.from_config(config),
        )
        self._in_flight: InFlight[JSONObject] = InFlight()
        #: Mutations in flight; they finish even when their client disconnects.
        self.mutations = Detached()
        self.persisted = PersistedQueries.from_config(config.persisted, config.redis_url)
        #: Open websocket connections: closing the gateway completes their subscriptions.
        self.websockets = ConnectionRegistry()
        #: Cache headers, the response cache and its purges (``gateway.caching``).
        self.caching = ResponseCaching.from_config(
            config.caching,
            config.redis_url,
            dev=config.mode == "dev",
            forward_headers=config.engine.forward_headers,
            record_metrics=config.observability.metrics.enabled,
        )
        #: Running subscriptions of every transport: shared upstreams, limits.
        self.subscription_hub = SubscriptionHub(config.subscriptions)
        #: Operations streamed over HTTP (SSE, multipart): closing the gateway ends them.
        self.http_streams = StreamRegistry()

    @classmethod
    async def create(
        cls, config: GatewayConfig, supergraph_sdl: str | None = None, steps: Sequence[Step] = ()
    ) -> Gateway:
        """Load the supergraph (``supergraph_sdl`` if given, else per ``config.supergraph``);
        ``steps`` run after the built-in ones at every point of a request."""
        if supergraph_sdl is None:
            supergraph_sdl = await load_supergraph_sdl(config)
        supergraph = Supergraph.parse(supergraph_sdl)
        return cls(config, SupergraphState(supergraph, config.engine, config.limits), steps)

    def _urls(self, supergraph: Supergraph) -> dict[str, str]:
        urls = {name: sub.url for name, sub in supergraph.subgraphs.items()}
        for name, sub in self.config.subgraphs.items():
            if sub.url is not None:
                urls[name] = sub.url
        return urls

    def websocket_url(self, subgraph: str) -> str:
        """The graphql-transport-ws URL of ``subgraph``: configured, else its HTTP URL
        with the ``ws``/``wss`` scheme."""
        configured = self.config.subgraphs.get(subgraph)
        if configured is not None and configured.websocket_url is not None:
            return configured.websocket_url
        url = self.transport.urls.get(subgraph, "")
        if url.startswith("https://"):
            return "wss://" + url.removeprefix("https://")
        return "ws://" + url.removeprefix("http://")

    async def reload(self, supergraph_sdl: str) -> None:
        """Swap to a new supergraph; in-flight requests finish on the old one (running
        subscriptions too: each keeps the plan it started with until it ends)."""
        state = SupergraphState(
            Supergraph.parse(supergraph_sdl), self.config.engine, self.config.limits
        )
        self.transport.urls = self._urls(state.supergraph)
        self.state = state

    def is_ready(self) -> bool:
        return self.state is not None

    async def check_subgraphs(self) -> dict[str, bool]:
        """Reachability of each subgraph (any HTTP answer counts as reachable)."""

        async def reachable(url: str) -> bool:
            try:
                await self.transport.client.post(
                    url, b'{"query":"{__typename}"}', {"content-type": "application/json"}, 2.0
                )
            except PostFailed:
                return False
            return True

        names = list(self.transport.urls)
        results = await asyncio.gather(*(reachable(self.transport.urls[n]) for n in names))
        return dict(zip(names, results, strict=True))

    async def close(self) -> None:
        # Subscriptions first: their events may still need the transport.
        self.http_streams.shutdown()
        await self.websockets.shutdown()
        # Mutations whose clients left still need the transport to finish.
        await self.mutations.close(self.config.engine.subgraph_timeout_seconds)
        await self.subscription_hub.close()
        await self.transport.close()
        await self.persisted.close()
        await self.caching.close()
        await self.steps.close()

    # -- the request ------------------------------------------------------------------

    async def execute(self, params: GraphQLParams, context: RequestContext) -> Outcome:
        """Run one GraphQL request; client errors become an ``Outcome``, never raise."""
        try:
            outcome = await self._execute(params, context)
        except ErrorList as errors:
            outcome = _request_failure(errors, errors.to_graphql_list())
        except GatewayError as error:
            outcome = _request_failure(error, [error.to_graphql()])
        return await self.finish(outcome, context)

    async def finish(self, outcome: Outcome, context: RequestContext) -> Outcome:
        """The ``response_ready`` point: steps see (and may change) the outcome; the
        headers they added go with it."""
        try:
            await self.steps.response_ready(context, outcome)
        except GatewayError as error:
            outcome = _request_failure(error, [error.to_graphql()])
        if context.response_headers:
            outcome.headers = {**context.response_headers, **outcome.headers}
        return outcome

    async def open_connection(self, context: RequestContext) -> RequestContext:
        """The ``connection_opened`` point (a websocket's ``connection_init``): steps
        authenticate the connection; a ``GatewayError`` refuses it."""
        await self.steps.connection_opened(context)
        return context

    async def _execute(self, params: GraphQLParams, context: RequestContext) -> Outcome:
        prepared = await self.prepare(params, context)
        if prepared.plan.operation.incremental:
            return await self.respond_incremental(prepared, context)
        return Outcome(await self.respond(prepared, context))

    async def prepare(
        self, params: GraphQLParams, context: RequestContext, *, subscriptions: bool = False
    ) -> Prepared:
        """Every step before execution, for every transport: the document (text or
        persisted), parse and validate (with the limit rules), the operation, variables,
        cost, plan. Raises a ``GatewayError``; ``subscriptions`` is True only for the
        transports that can carry a subscription's stream (websocket, SSE, multipart)."""
        state = self.state
        await self.steps.request_received(context)
        text = await self.persisted.resolve(params, context)
        await self.steps.document_resolved(context, text)
        # validated against the client's view: retired fields hidden from it are unknown
        view = state.views.for_request(context)
        document = await view.documents.load(text)
        await self.steps.validated(context, document)
        operation = select_operation(document.operations, params.operation_name)
        kind = operation.operation.value
        # GET runs no mutation; a subscription only where it can stream (SSE, multipart:
        # persisted subscriptions are sent by hash over GET).
        if (
            context.method == "GET"
            and kind != "query"
            and not (kind == "subscription" and subscriptions)
        ):
            raise MethodNotAllowed(
                f"Only queries may be sent with GET; this is a {kind}. Use POST.",
                headers={"allow": "POST"},
            )
        if kind == "subscription" and not subscriptions:
            raise RequestError(self._subscription_refusal(), code=SUBSCRIPTION_OVER_HTTP)
        variables = _coerce_variables(state, operation, params.variables or {})
        cost = state.cost(document, params.operation_name, variables)
        access = await authorize(context, state.supergraph, document, operation, variables)
        plan = state.plan(
            document, params.operation_name, variables, access, incremental=context.incremental
        )
        prepared = Prepared(
            state=state,
            params=params,
            document=document,
            operation=operation,
            kind=kind,
            variables=variables,
            cost=cost,
            plan=plan,
            headers=self._forwarded_headers(context),
            access=access,
            view=view,
            context=context,
        )
        await self.steps.planned(context, prepared)
        return prepared

    def _subscription_refusal(self) -> str:
        if not self.config.subscriptions.enabled:
            return "Subscriptions are disabled on this gateway (subscriptions.enabled)."
        return (
            "Subscriptions are not served as a single HTTP response: accept "
            "text/event-stream (GraphQL over SSE) or multipart/mixed;subscriptionSpec=1.0 "
            "(Apollo's multipart subscriptions), or open a websocket to this same URL "
            f"({self.config.server.graphql_path}) with the graphql-transport-ws subprotocol."
        )

    async def respond(self, prepared: Prepared, context: RequestContext) -> JSONObject:
        """Execute a prepared query or mutation: the response body (with extensions)."""
        params, headers = prepared.params, prepared.headers
        include_errors = self.config.engine.include_subgraph_errors

        async def run() -> JSONObject:
            return await run_plan(self.transport, prepared, include_errors)

        async def shared() -> JSONObject:
            if prepared.kind != "query" or not self.config.engine.dedupe_inbound_requests:
                return await collect_subgraph_hints(run)
            key = (
                prepared.document.signature,
                params.operation_name,
                # Held only while the request runs: orjson's spare capacity does not
                # matter here (gateway/canonical.py is for keys kept beyond it).
                orjson.dumps(params.variables, option=orjson.OPT_SORT_KEYS),
                tuple(sorted(headers.items())),
                # Callers denied different fields must not share a response, nor callers
                # with different views of the schema (introspection answers differ).
                prepared.access.key,
                prepared.view.key if prepared.view is not None else (),
            )
            # The subgraphs' Cache-Control headers travel with the shared body (caching).
            return await self._in_flight.run(key, lambda: collect_subgraph_hints(run))

        # caching: a cached response, or the executed one (stored; mutations purge)
        answer = self.caching.respond(prepared, context, shared)
        if prepared.kind == "mutation":
            # A client that leaves must not cut a mutation in half (nor skip the purge of
            # what it changed): it runs to its end.
            body = await self.mutations.run(answer)
        else:
            body = await answer
        extensions = self._extensions(prepared, context)
        if extensions:
            # The body may be shared with deduplicated requests: extend a copy.
            body = {**body, "extensions": extensions}
        return body

    def _extensions(self, prepared: Prepared, context: RequestContext) -> JSONObject:
        """The response's ``extensions``: limit warnings, the cost when asked, the plan
        when asked (``x-gateway-query-plan``)."""
        extensions = limits_extensions(
            prepared.document.warnings,
            prepared.cost,
            expose_cost=cost_requested(self.config.limits.cost, context.headers),
        )
        if self._plan_requested(context):
            extensions["queryPlan"] = prepared.plan.text()
        return extensions

    async def respond_incremental(self, prepared: Prepared, context: RequestContext) -> Outcome:
        """Execute a prepared query with deferred fragments or streamed lists: the first
        part as the outcome's body, the later ones as its ``rest``. Never deduplicated
        with other requests: each client gets its own parts."""
        include_errors = self.config.engine.include_subgraph_errors
        delivery = incremental(self.transport, prepared, include_errors)
        body = await delivery.first()
        extensions = self._extensions(prepared, context)
        if extensions:
            body["extensions"] = extensions
        return Outcome(body, rest=delivery.rest())

    def _forwarded_headers(self, context: RequestContext) -> dict[str, str]:
        names = self.config.engine.forward_headers
        headers = {n: context.headers[n] for n in names if n in context.headers}
        self.steps.subgraph_headers(context, headers)
        return headers

    def _plan_requested(self, context: RequestContext) -> bool:
        return (
            self.config.mode == "dev" and self.config.engine.expose_plan_header in context.headers
        )


def _coerce_variables(state: SupergraphState, operation: Any, inputs: Any) -> dict[str, Any]:
    if not isinstance(inputs, dict):
        raise BadRequest("Variables must be a JSON object.", code="BAD_USER_INPUT")
    result = get_variable_values(
        state.supergraph.api_schema, operation.variable_definitions or (), inputs, max_errors=50
    )
    if isinstance(result, list):
        raise ErrorList([BadRequest(e.message, code="BAD_USER_INPUT") for e in result])
    return dict(result.coerced)


def _request_failure(error: GatewayError, errors: list[JSONObject]) -> Outcome:
    return Outcome({"errors": errors}, executed=False, status=error.status, headers=error.headers)


async def compose_live(endpoints: dict[str, str]) -> str:
    """Compose a supergraph from running subgraphs' ``_service { sdl }`` (dev mode)."""
    from gateway.composition import compose
    from gateway.composition.remote import SubgraphFetchError, fetch_subgraphs

    try:
        sources = await fetch_subgraphs(endpoints)
    except SubgraphFetchError as error:
        raise GatewayError(f"Cannot compose from the live subgraphs: {error}") from error
    result = compose(sources)
    if result.supergraph_sdl is None:
        details = "; ".join(str(e) for e in result.errors)
        raise GatewayError(f"Composition failed: {details}")
    return result.supergraph_sdl


async def load_supergraph_sdl(config: GatewayConfig) -> str:
    """The supergraph SDL per configuration: composed from live subgraphs, or a file."""
    if config.supergraph.compose_from:
        return await compose_live(config.supergraph.compose_from)
    if config.supergraph.path is None:
        raise GatewayError("No supergraph: set supergraph.path or supergraph.compose_from.")
    return Path(config.supergraph.path).read_text(encoding="utf-8")
