"""The one-method HTTP clients the subgraph transport posts through.

``post(url, body, headers, timeout) -> (status, content)``; raises ``PostFailed`` with a
short reason when no HTTP response arrived (refused, reset, timed out).

Two implementations of the same interface:

- ``AiohttpClient`` (default): aiohttp's pooled keep-alive ``ClientSession`` with its C
  HTTP parser. On the benchmark's query (16 subgraph fetches per request) the gateway
  spent ~74% of its CPU inside httpx/httpcore/anyio; aiohttp cut the gateway's CPU per
  request by the ratio recorded in the README (``make bench``).
- ``HttpxClient``: one pooled ``httpx.AsyncClient``; pure Python, slower per request.
"""

from __future__ import annotations

import logging
from typing import Protocol

import aiohttp
import httpx

# httpx logs every request at INFO: on the hot path that costs more than the request
# itself and floods operators' logs. Failures reach clients as errors and are logged there.
logging.getLogger("httpx").setLevel(logging.WARNING)


class PostFailed(Exception):
    """No HTTP response: the reason is safe to show (no internals)."""


class Answer(tuple[int, bytes]):
    """``(status, content)`` of a response that carried a ``Cache-Control`` header, with
    the header's value (``gateway.caching.subgraph_hints``); a plain tuple otherwise."""

    cache_control: str | None = None


def answer(status: int, content: bytes, cache_control: str | None) -> tuple[int, bytes]:
    if cache_control is None:
        return status, content
    made = Answer((status, content))
    made.cache_control = cache_control
    return made


class HTTPClient(Protocol):
    async def post(
        self, url: str, body: bytes, headers: dict[str, str], timeout: float
    ) -> tuple[int, bytes]: ...

    async def close(self) -> None: ...


class AiohttpClient:
    def __init__(self, max_connections: int = 256) -> None:
        self._max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None

    def _get_session(self) -> aiohttp.ClientSession:
        # Created lazily: a ClientSession belongs to the running event loop.
        if self._session is None:
            connector = aiohttp.TCPConnector(
                limit=self._max_connections, ttl_dns_cache=300, enable_cleanup_closed=True
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                skip_auto_headers=("User-Agent",),
                auto_decompress=True,
                # One session serves every client: a cookie a subgraph sets for one
                # request must never ride along on another client's request.
                cookie_jar=aiohttp.DummyCookieJar(),
            )
        return self._session

    async def post(
        self, url: str, body: bytes, headers: dict[str, str], timeout: float
    ) -> tuple[int, bytes]:
        try:
            async with self._get_session().post(
                url, data=body, headers=headers, timeout=aiohttp.ClientTimeout(total=timeout)
            ) as response:
                content = await response.read()
                return answer(response.status, content, response.headers.get("Cache-Control"))
        except TimeoutError:
            raise PostFailed(f"timed out after {timeout:g}s") from None
        except aiohttp.ClientError as error:
            raise PostFailed(type(error).__name__) from None
        except ValueError:
            # aiohttp refuses a header value with a line break this way: never sent.
            raise PostFailed("a forwarded header has a value that cannot be sent") from None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


class HttpxClient:
    def __init__(self, max_connections: int = 256) -> None:
        self.client = httpx.AsyncClient(
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=64)
        )

    async def post(
        self, url: str, body: bytes, headers: dict[str, str], timeout: float
    ) -> tuple[int, bytes]:
        try:
            response = await self.client.post(url, content=body, headers=headers, timeout=timeout)
        except httpx.TimeoutException:
            raise PostFailed(f"timed out after {timeout:g}s") from None
        except httpx.HTTPError as error:
            raise PostFailed(type(error).__name__) from None
        return answer(response.status_code, response.content, response.headers.get("cache-control"))

    async def close(self) -> None:
        await self.client.aclose()


def http_client(kind: str) -> HTTPClient:
    if kind == "httpx":
        return HttpxClient()
    if kind == "aiohttp":
        return AiohttpClient()
    from gateway.execution.http1_client import Http1Client  # imports PostFailed from here

    return Http1Client()
