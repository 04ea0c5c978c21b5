"""The seam: an application's own step, embedded with the gateway, sees every named point
in order, may refuse with a GraphQL error, add to the context and add response headers —
over HTTP and the websocket alike."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import connect

from gateway.config import GatewayConfig
from gateway.documents import ValidDocument
from gateway.errors import RequestError
from gateway.http.app import create_app
from gateway.pipeline import Gateway, Prepared
from gateway.request import Outcome, RequestContext
from gateway.steps import Step, Steps
from tests.http.hello_subgraph import supergraph_for
from tests.servers import running_app


class Recorder(Step):
    """Records each point; refuses operations named ``Forbidden``; tags responses."""

    def __init__(self) -> None:
        self.points: list[str] = []

    async def connection_opened(self, context: RequestContext) -> None:
        self.points.append(f"connection_opened:{context.transport}")

    async def request_received(self, context: RequestContext) -> None:
        self.points.append(f"request_received:{context.transport}")
        context.state["tenant"] = context.headers.get("x-tenant", "none")

    async def document_resolved(self, context: RequestContext, text: str) -> None:
        self.points.append("document_resolved")

    async def validated(self, context: RequestContext, document: ValidDocument) -> None:
        self.points.append("validated")

    async def planned(self, context: RequestContext, prepared: Prepared) -> None:
        self.points.append("planned")
        if prepared.params.operation_name == "Forbidden":
            raise RequestError("Not for you.", code="TENANT_FORBIDDEN", status=403)

    def subgraph_headers(self, context: RequestContext, headers: dict[str, str]) -> None:
        self.points.append("subgraph_headers")
        headers["x-tenant"] = context.state["tenant"]

    async def response_ready(self, context: RequestContext, outcome: Outcome) -> None:
        self.points.append("response_ready")
        context.response_headers["x-tenant"] = context.state.get("tenant", "none")


@contextlib.asynccontextmanager
async def serving(hello_url: str, tmp_path: Path, step: Step) -> AsyncIterator[str]:
    path = tmp_path / "supergraph.graphql"
    path.write_text(supergraph_for(hello_url))
    config = GatewayConfig.model_validate({"supergraph": {"path": str(path), "watch": False}})
    gateway = await Gateway.create(config, steps=[step])
    try:
        async with running_app(create_app(config, gateway)) as base:
            yield f"{base}/graphql"
    finally:
        await gateway.close()


async def test_a_step_sees_every_point_in_order_and_adds_headers(
    hello_url: str, tmp_path: Path
) -> None:
    step = Recorder()
    async with serving(hello_url, tmp_path, step) as url, httpx.AsyncClient() as http:
        response = await http.post(url, json={"query": "{ hello }"}, headers={"x-tenant": "t1"})
    assert response.json() == {"data": {"hello": "world"}}
    assert response.headers["x-tenant"] == "t1"
    assert step.points == [
        "request_received:http",
        "document_resolved",
        "validated",
        "subgraph_headers",
        "planned",
        "response_ready",
    ]


async def test_a_step_refuses_with_its_code_and_status(hello_url: str, tmp_path: Path) -> None:
    step = Recorder()
    body: dict[str, Any] = {"query": "query Forbidden { hello }", "operationName": "Forbidden"}
    async with serving(hello_url, tmp_path, step) as url, httpx.AsyncClient() as http:
        response = await http.post(
            url, json=body, headers={"accept": "application/graphql-response+json"}
        )
    assert response.status_code == 403
    assert response.json() == {
        "errors": [{"message": "Not for you.", "extensions": {"code": "TENANT_FORBIDDEN"}}]
    }
    assert step.points[-1] == "response_ready"  # refused requests are answered through it too


async def test_the_same_points_run_for_a_websocket_operation(
    hello_url: str, tmp_path: Path
) -> None:
    step = Recorder()
    async with serving(hello_url, tmp_path, step) as url:
        ws_url = "ws" + url.removeprefix("http")
        async with connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
            await ws.send(json.dumps({"type": "connection_init", "payload": {"x-tenant": "t2"}}))
            assert json.loads(await ws.recv()) == {"type": "connection_ack"}
            subscribe = {"id": "1", "type": "subscribe", "payload": {"query": "{ hello }"}}
            await ws.send(json.dumps(subscribe))
            assert json.loads(await ws.recv())["payload"] == {"data": {"hello": "world"}}
    assert step.points[:2] == ["connection_opened:websocket", "request_received:websocket"]
    assert step.points[-1] == "response_ready"


def test_only_overridden_hooks_are_called() -> None:
    class OnlyPlanned(Step):
        async def planned(self, context: RequestContext, prepared: Prepared) -> None:
            pass

    steps = Steps([OnlyPlanned(), Recorder()])
    assert [type(s).__name__ for s in steps._by_hook["planned"]] == ["OnlyPlanned", "Recorder"]
    assert [type(s).__name__ for s in steps._by_hook["validated"]] == ["Recorder"]
