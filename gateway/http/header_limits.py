"""Refuse requests whose headers are too large: 431, before any other work.

The HTTP server has parsed the headers already; this bounds what the gateway then copies
and verifies (a bearer token, forwarded headers) per request. Pure ASGI; websocket
upgrades over the limit are refused before they are accepted (403).
"""

from __future__ import annotations

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send


class HeaderLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_header_bytes: int) -> None:
        self.app = app
        self.max_header_bytes = max_header_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        size = sum(len(name) + len(value) + 4 for name, value in scope.get("headers", ()))
        if size <= self.max_header_bytes:
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        body = orjson.dumps(
            {
                "errors": [
                    {
                        "message": f"The request headers are larger than "
                        f"{self.max_header_bytes} bytes.",
                        "extensions": {
                            "code": "REQUEST_HEADERS_TOO_LARGE",
                            "maxHeaderBytes": self.max_header_bytes,
                        },
                    }
                ]
            }
        )
        await send(
            {
                "type": "http.response.start",
                "status": 431,
                "headers": [
                    (b"content-type", b"application/json; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
