"""Sending one GraphQL request to a subgraph: one pooled HTTP client for all of them.

``SubgraphTransport.send`` has one job: POST a GraphQL request and return the decoded JSON
body, or raise ``FetchFailed`` saying why (down, timed out, non-JSON, HTTP error).
Identical in-flight queries (same subgraph, body and forwarded headers) share one request
when deduplication is on; mutations are never shared.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx
import orjson

from gateway.execution.inflight import InFlight
from gateway.types import JSONObject

# httpx logs every request at INFO: on the hot path that costs more than the request
# itself and floods operators' logs. Failures reach clients as errors and are logged there.
logging.getLogger("httpx").setLevel(logging.WARNING)


class FetchFailed(Exception):
    """A subgraph request produced no usable GraphQL response."""

    def __init__(self, subgraph: str, reason: str) -> None:
        super().__init__(f"HTTP fetch failed from '{subgraph}': {reason}")
        self.subgraph = subgraph
        self.reason = reason


class SubgraphTransport:
    def __init__(
        self,
        urls: dict[str, str],
        timeouts: dict[str, float],
        default_timeout: float = 30.0,
        dedupe: bool = True,
    ) -> None:
        self.urls = urls
        self.timeouts = timeouts
        self.default_timeout = default_timeout
        self.dedupe = dedupe
        self.client = httpx.AsyncClient(
            limits=httpx.Limits(max_connections=256, max_keepalive_connections=64),
            timeout=default_timeout,
            http2=False,
        )
        self._in_flight: InFlight[JSONObject] = InFlight()

    async def send(
        self,
        subgraph: str,
        query: str,
        variables: dict[str, Any] | None,
        headers: dict[str, str],
        mutation: bool = False,
        operation_name: str | None = None,
    ) -> JSONObject:
        payload: JSONObject = {"query": query}
        if variables:
            payload["variables"] = variables
        if operation_name:
            payload["operationName"] = operation_name
        body = orjson.dumps(payload)
        if mutation or not self.dedupe:
            return await self._post(subgraph, body, headers)
        key = (subgraph, body, tuple(sorted(headers.items())))
        return await self._in_flight.run(key, lambda: self._post(subgraph, body, headers))

    async def _post(self, subgraph: str, body: bytes, headers: dict[str, str]) -> JSONObject:
        url = self.urls.get(subgraph)
        if not url:
            raise FetchFailed(subgraph, "no URL is configured for this subgraph")
        request_headers = {
            "content-type": "application/json",
            "accept": "application/graphql-response+json, application/json",
            **headers,
        }
        timeout = self.timeouts.get(subgraph, self.default_timeout)
        try:
            response = await self.client.post(
                url, content=body, headers=request_headers, timeout=timeout
            )
        except httpx.TimeoutException:
            raise FetchFailed(subgraph, f"timed out after {timeout:g}s") from None
        except httpx.HTTPError as error:
            raise FetchFailed(subgraph, type(error).__name__) from None
        try:
            decoded = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            raise FetchFailed(
                subgraph, f"invalid JSON in the response (HTTP {response.status_code})"
            ) from None
        if not isinstance(decoded, dict) or ("data" not in decoded and "errors" not in decoded):
            raise FetchFailed(subgraph, f"not a GraphQL response (HTTP {response.status_code})")
        return decoded

    async def close(self) -> None:
        await self.client.aclose()
