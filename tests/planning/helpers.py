# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""A kit of tiny, real Federation 2 subgraphs for planner tests.

``KitSubgraph(name, sdl, data, resolvers)`` turns a subgraph's SDL (Federation 2 form:
``@key``, ``@external``, ``@requires``, ...) plus plain data into a real GraphQL server:
graphql-core executes every request, ``_entities`` matches representations against the
data by the type's keys (fields the representation carries beyond the row, such as
``@requires`` fields, pass through to resolvers), and every request is recorded so tests
can assert exactly what the gateway sent.

Data is a dict of rows per type name. A field whose value is a stub (``{"upc": "1"}``) of
a type with rows is completed from the matching row, so rows can refer to each other by
key. ``resolvers`` maps ``"Type.field"`` to ``fn(source, info, **args)`` (root fields:
``"Query.products"``); fields without one read the source dict.

``kit_gateway(supergraph_sdl, *subgraphs)`` serves each subgraph with uvicorn on
127.0.0.1:0 and yields a ``Gateway`` whose subgraph URLs point at them. Every plan it
makes (``run``, ``plan``, after a reload too) is checked against the subgraphs' own
schemas (``gateway.planning.validity``): a plan that would send an operation its subgraph
rejects fails the test with ``InvalidPlan``, whatever the test asserts.

Writing a planner test: a hand-written supergraph (``tests.planning.header.supergraph``
gives rover's preamble), the subgraphs' SDL and rows, then ``plan, body = await gw.run(q)``
with ``assert plan == snapshot()`` and ``assert body == snapshot()``; fill the snapshots
with ``pytest <file> --inline-snapshot=create`` and review every generated plan and answer
by hand before committing: a snapshot records what the engine does, not what is right.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import json
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLResolveInfo,
    GraphQLSchema,
    ObjectTypeDefinitionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    build_ast_schema,
    get_named_type,
    graphql,
    is_abstract_type,
    is_object_type,
    parse,
)

from gateway import state as gateway_state
from gateway.authz import AuthorizationConfig
from gateway.config import GatewayConfig, SubgraphConfig
from gateway.engine_config import EngineConfig
from gateway.limits.config import CostConfig, LimitsConfig
from gateway.pipeline import Gateway
from gateway.planning.graph import SupergraphGraph, parse_field_set
from gateway.planning.validity import ValidatingPlanner
from gateway.request import GraphQLParams, RequestContext
from tests.servers import running_app

Resolver = Callable[..., Any]
Info = GraphQLResolveInfo[Any]

_FEDERATION_PRELUDE = """
scalar FieldSet
scalar _Any
directive @key(fields: FieldSet!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
directive @external on FIELD_DEFINITION | OBJECT
directive @requires(fields: FieldSet!) on FIELD_DEFINITION
directive @provides(fields: FieldSet!) on FIELD_DEFINITION
directive @shareable repeatable on OBJECT | FIELD_DEFINITION
directive @override(from: String!, label: String) on FIELD_DEFINITION
directive @interfaceObject on OBJECT
directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | INPUT_FIELD_DEFINITION | OBJECT | SCALAR
directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION
directive @tag(name: String!) repeatable on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION
directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @requiresScopes(scopes: [[String!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @policy(policies: [[String!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
type _Service { sdl: String }
"""


@dataclass(frozen=True)
class Recorded:
    """One request a kit subgraph received."""

    query: str
    variables: dict[str, Any]


@dataclass
class KitSubgraph:
    name: str
    sdl: str
    data: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    resolvers: dict[str, Resolver] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.schema, self.keys = _build_schema(self.sdl)
        self.data = {
            type_name: [{"__typename": type_name, **row} for row in rows]
            for type_name, rows in self.data.items()
        }

    # -- resolution ------------------------------------------------------------------

    def rows(self, type_name: str) -> list[dict[str, Any]]:
        return self.data.get(type_name, [])

    def find(self, type_name: str, stub: dict[str, Any]) -> dict[str, Any] | None:
        """The row of ``type_name`` whose key fields equal the stub's (by any of its keys,
        or every field of the stub when the type has no key here)."""
        key_sets = self.keys.get(type_name) or [[k for k in stub if k != "__typename"]]
        for row in self.rows(type_name):
            for key in key_sets:
                if all(k in stub for k in key) and all(_matches(stub[k], row.get(k)) for k in key):
                    return row
        return None

    def _entities(self, _source: Any, _info: Info, representations: Any) -> Any:
        out = []
        for representation in representations:
            type_name = representation["__typename"]
            schema_type = self.schema.get_type(type_name)
            if schema_type is not None and is_abstract_type(schema_type):
                # An entity interface: the row may be of any implementation.
                found = (
                    self.find(t.name, representation)
                    for t in self.schema.get_possible_types(schema_type)
                )
                row = next((r for r in found if r is not None), None)
                out.append(
                    None
                    if row is None
                    else {**row, **representation, "__typename": row["__typename"]}
                )
                continue
            if type_name not in self.data:
                out.append(dict(representation))  # a stub: resolvers work from the fields
                continue
            row = self.find(type_name, representation)
            out.append(None if row is None else _deep_merge(row, representation))
        return out

    def _field_resolver(self, source: Any, info: Info, **args: Any) -> Any:
        custom = self.resolvers.get(f"{info.parent_type.name}.{info.field_name}")
        if custom is not None:
            value = custom(source, info, **args)
        elif info.field_name == "_entities":
            value = self._entities(source, info, **args)
        elif info.field_name == "_service":
            value = {"sdl": self.sdl}
        elif isinstance(source, dict):
            value = source.get(info.field_name)
        else:
            value = None
        if isinstance(value, Exception):
            raise value
        return self._complete(value, info.return_type)

    def _complete(self, value: Any, return_type: Any) -> Any:
        named = get_named_type(return_type)
        if isinstance(value, list):
            return [self._complete(item, return_type) for item in value]
        if not isinstance(value, dict) or not (is_object_type(named) or is_abstract_type(named)):
            return value
        type_name = value.get("__typename") or named.name
        row = self.find(type_name, value) if type_name in self.data else None
        merged = _deep_merge(row, value) if row is not None else dict(value)
        merged["__typename"] = type_name
        return merged

    # -- serving ---------------------------------------------------------------------

    async def execute(self, body: dict[str, Any]) -> dict[str, Any]:
        query = body.get("query")
        variables = body.get("variables") or {}
        self.requests.append(Recorded(str(query), variables))
        result = await graphql(
            self.schema,
            str(query),
            variable_values=variables,
            operation_name=body.get("operationName"),
            field_resolver=self._field_resolver,
        )
        return result.formatted  # type: ignore[return-value]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await asgi_json_app(self.execute)(scope, receive, send)

    def queries(self) -> list[str]:
        return [r.query for r in self.requests]


def asgi_json_app(handler: Callable[[dict[str, Any]], Any]) -> Any:
    """A bare ASGI app: POST JSON in, ``await handler(body)`` as JSON out."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        result = await handler(json.loads(b"".join(chunks) or b"{}"))
        payload = json.dumps(result).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": payload})

    return app


def _matches(wanted: Any, actual: Any) -> bool:
    if isinstance(wanted, dict) and isinstance(actual, dict):
        return all(k == "__typename" or _matches(v, actual.get(k)) for k, v in wanted.items())
    return bool(wanted == actual)


def _deep_merge(row: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = copy.copy(row)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


_FEDERATION_TYPES = {"_Any", "_Entity", "_Service", "FieldSet"}


def _without_federation_fields(definition: Any) -> Any:
    fields = getattr(definition, "fields", None)
    if not fields or getattr(definition, "name", None) is None:
        return definition
    if definition.name.value != "Query":
        return definition
    kept = tuple(f for f in fields if f.name.value not in ("_entities", "_service"))
    return dataclasses.replace(definition, fields=kept)


def _build_schema(sdl: str) -> tuple[GraphQLSchema, dict[str, list[list[str]]]]:
    """The subgraph's executable schema (with ``_entities``/``_service``) and its keys."""
    document = parse(sdl)
    # A printed ``_service { sdl }`` already has the federation additions: drop them, the
    # kit adds its own (resolved by it).
    definitions = [
        _without_federation_fields(d)
        for d in document.definitions
        if not isinstance(d, SchemaDefinitionNode | SchemaExtensionNode)
        and getattr(getattr(d, "name", None), "value", None) not in _FEDERATION_TYPES
    ]
    keys: dict[str, list[list[str]]] = {}
    entities: list[str] = []
    has_query = False
    for definition in definitions:
        name = getattr(getattr(definition, "name", None), "value", None)
        if name == "Query":
            has_query = True
        for directive in getattr(definition, "directives", None) or ():
            if directive.name.value != "key":
                continue
            fields = next(a.value.value for a in directive.arguments if a.name.value == "fields")
            selection = parse_field_set(fields)
            keys.setdefault(name or "", []).append([s.name.value for s in selection.selections])  # type: ignore[attr-defined]
            if isinstance(definition, ObjectTypeDefinitionNode) and name not in entities:
                entities.append(name or "")
    extra = _FEDERATION_PRELUDE
    if entities:
        extra += f"union _Entity = {' | '.join(entities)}\n"
    root = "extend type Query" if has_query else "type Query"
    entities_field = "_entities(representations: [_Any!]!): [_Entity]!" if entities else ""
    extra += f"{root} {{ {entities_field} _service: _Service! }}\n"
    full = DocumentNode(definitions=(*definitions, *parse(extra).definitions))
    return build_ast_schema(full), keys


# -- gateways over kit subgraphs -----------------------------------------------------------

PLAN_HEADER = {"x-gateway-query-plan": "1"}
#: Planner tests are not about demand control: deep test operations may estimate above the
#: default maximum cost (the other operation limits keep their defaults).
NO_COST_LIMIT = LimitsConfig(cost=CostConfig(max=None))
NO_AUTHORIZATION = AuthorizationConfig(enabled=False)


class KitGateway:
    """A gateway over running kit subgraphs, with helpers for planner tests."""

    def __init__(self, gateway: Gateway, subgraphs: dict[str, KitSubgraph]) -> None:
        self.gateway = gateway
        self.subgraphs = subgraphs

    def __getitem__(self, name: str) -> KitSubgraph:
        return self.subgraphs[name]

    def plan(self, query: str, variables: dict[str, Any] | None = None) -> str:
        state = self.gateway.state
        document = state.documents.get(query)
        return state.plan(document, None, variables or {}).text()

    def reset(self) -> None:
        for subgraph in self.subgraphs.values():
            subgraph.requests.clear()

    async def run(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        operation_name: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[str, dict[str, Any]]:
        """Execute ``query``; returns (plan text, response body without the plan).

        The plan header is sent unless ``headers`` replaces the request's headers."""
        self.reset()
        outcome = await self.gateway.execute(
            GraphQLParams(query=query, variables=variables, operation_name=operation_name),
            RequestContext(headers=dict(PLAN_HEADER) if headers is None else headers),
        )
        body = dict(outcome.body)
        extensions = dict(body.pop("extensions", {}))
        plan = extensions.pop("queryPlan", "")
        if extensions:
            body["extensions"] = extensions
        return plan, body

    def sent(self) -> dict[str, list[Recorded]]:
        """Requests each subgraph received during the last ``run`` (only non-empty)."""
        return {n: list(s.requests) for n, s in self.subgraphs.items() if s.requests}


@contextlib.asynccontextmanager
async def kit_gateway(
    supergraph_sdl: str,
    *subgraphs: KitSubgraph,
    engine: EngineConfig | None = None,
    extra: dict[str, SubgraphConfig] | None = None,
    apps: dict[str, Any] | None = None,
    mode: Literal["dev", "production"] = "dev",
    authorization: AuthorizationConfig = NO_AUTHORIZATION,
) -> AsyncIterator[KitGateway]:
    """Serve ``subgraphs`` on real sockets; yield a gateway over ``supergraph_sdl``.

    Authorization directives are not enforced unless ``authorization`` says so (planner
    tests run as an anonymous caller; tests/authz passes its own).

    ``apps`` serves further subgraphs as arbitrary ASGI apps (misbehaving servers);
    ``extra`` overrides subgraph configs (another URL, a timeout)."""
    by_path: dict[str, Any] = {f"/{sub.name}": sub for sub in subgraphs}
    by_path.update({f"/{name}": app for name, app in (apps or {}).items()})

    async def router(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await asgi_json_app(_no_handler)(scope, receive, send)
            return
        await by_path[scope["path"]](scope, receive, send)

    # One server for all subgraphs (one path each): starting and stopping is the slow part.
    async with running_app(router) as base:
        names = [sub.name for sub in subgraphs] + list(apps or {})
        configs = {name: SubgraphConfig(url=f"{base}/{name}") for name in names}
        for name, override in (extra or {}).items():
            url = override.url or configs.get(name, SubgraphConfig()).url
            configs[name] = SubgraphConfig(url=url, timeout_seconds=override.timeout_seconds)
        config = GatewayConfig(
            mode=mode,
            subgraphs=configs,
            engine=engine or EngineConfig(),
            limits=NO_COST_LIMIT,
            authorization=authorization,
        )
        with validated_plans():
            gateway = await Gateway.create(config, supergraph_sdl)
            try:
                yield KitGateway(gateway, {s.name: s for s in subgraphs})
            finally:
                await gateway.close()


@contextlib.contextmanager
def validated_plans() -> Iterator[None]:
    """Every gateway state built inside plans through a ``ValidatingPlanner``.

    ``gateway/state.py`` builds its planner as ``Planner(graph)``: that name is wrapped
    (not replaced), so the gateway plans exactly as in production, and a reload's new
    state is checked as well. Nested uses wrap once."""
    original = getattr(gateway_state, "Planner")  # noqa: B009 -- not a public name there
    if isinstance(original, _Validating):
        yield
        return
    setattr(gateway_state, "Planner", _Validating(original))  # noqa: B010
    try:
        yield
    finally:
        setattr(gateway_state, "Planner", original)  # noqa: B010


class _Validating:
    """Stands for the planner class in ``gateway.state``: builds validating planners."""

    def __init__(self, planner_class: Any) -> None:
        self.planner_class = planner_class

    def __call__(self, graph: SupergraphGraph, *args: Any, **kwargs: Any) -> ValidatingPlanner:
        planner = self.planner_class(graph, *args, **kwargs)
        return ValidatingPlanner(planner, graph.supergraph)


async def _no_handler(_body: dict[str, Any]) -> dict[str, Any]:
    raise AssertionError("lifespan only")


def raw_app(
    body: bytes, status: int = 200, content_type: str = "application/json", wait: Any = None
) -> Any:
    """An ASGI app that answers every request with ``body`` (after ``await wait()``)."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await asgi_json_app(_no_handler)(scope, receive, send)
            return
        while (await receive()).get("more_body"):
            pass
        if wait is not None:
            await wait()
        headers = [(b"content-type", content_type.encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


def subgraph_error(message: str, code: str | None = None) -> GraphQLError:
    """An exception for a resolver to return: the field errors with this message."""
    return GraphQLError(message, extensions={"code": code} if code else None)
