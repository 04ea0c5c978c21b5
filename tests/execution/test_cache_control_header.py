"""Every subgraph HTTP client hands the transport a response's Cache-Control header
(gateway.caching.subgraph_hints), and nothing extra when there is none."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.execution.http_clients import http_client
from tests.servers import running_app


async def answer(request: Request) -> Response:
    header = request.query_params.get("cc")
    headers = {"Cache-Control": header} if header else {}
    return Response(b'{"data":{}}', media_type="application/json", headers=headers)


APP = Starlette(routes=[Route("/", answer, methods=["POST"])])


@pytest.mark.parametrize("kind", ["http1", "aiohttp", "httpx"])
async def test_cache_control_reaches_the_transport(kind: str) -> None:
    client = http_client(kind)
    try:
        async with running_app(APP) as base:
            with_header = await client.post(f"{base}/?cc=private,%20max-age=5", b"{}", {}, 5)
            without = await client.post(f"{base}/", b"{}", {}, 5)
    finally:
        await client.close()
    assert with_header == (200, b'{"data":{}}')
    assert getattr(with_header, "cache_control", None) == "private, max-age=5"
    assert without == (200, b'{"data":{}}')
    assert getattr(without, "cache_control", None) is None
