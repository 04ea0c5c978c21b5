"""The request id: accepted from ``x-request-id`` when well-formed, else generated, and
returned in the response's ``x-request-id`` header (pure ASGI middleware).

The id is written into the request's headers, so everything after this middleware (the
request log, a step, a forwarded header) reads one id from one place.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.observability.step import new_request_id, valid_request_id

_HEADER = b"x-request-id"


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        given = None
        for name, value in scope["headers"]:
            if name == _HEADER:
                given = value
                break
        if given is not None and valid_request_id(given.decode("latin-1")):
            request_id = given
        else:
            request_id = new_request_id().encode()
            headers = [(n, v) for n, v in scope["headers"] if n != _HEADER]
            headers.append((_HEADER, request_id))
            scope = {**scope, "headers": headers}
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(n, v) for n, v in message.get("headers", ()) if n != _HEADER]
                headers.append((_HEADER, request_id))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_id)
