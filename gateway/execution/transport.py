"""Sending one GraphQL request to a subgraph: one pooled HTTP client for all of them.

``SubgraphTransport.send`` has one job: POST a GraphQL request and return the decoded JSON
body, or raise ``FetchFailed`` saying why (down, timed out, non-JSON, HTTP error).
Identical in-flight queries (same subgraph, body and forwarded headers) share one request
when deduplication is on; mutations are never shared.
"""

from __future__ import annotations

from typing import Any

import orjson

from gateway.execution.http_clients import HTTPClient, PostFailed, http_client
from gateway.execution.inflight import InFlight
from gateway.observability.fetch import observe_fetches
from gateway.types import JSONObject


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
        client: HTTPClient | None = None,
    ) -> None:
        self.urls = urls
        self.timeouts = timeouts
        self.default_timeout = default_timeout
        self.dedupe = dedupe
        self.client = client or http_client("aiohttp")
        self._in_flight: InFlight[JSONObject] = InFlight()
        # Observability: each subgraph request timed, counted, traced (traceparent sent).
        self._post = observe_fetches(self._post)  # type: ignore[method-assign,assignment]

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
            status, content = await self.client.post(url, body, request_headers, timeout)
        except PostFailed as failure:
            raise FetchFailed(subgraph, str(failure)) from None
        try:
            decoded = orjson.loads(content)
        except orjson.JSONDecodeError:
            raise FetchFailed(subgraph, f"invalid JSON in the response (HTTP {status})") from None
        if not isinstance(decoded, dict) or ("data" not in decoded and "errors" not in decoded):
            raise FetchFailed(subgraph, f"not a GraphQL response (HTTP {status})")
        return decoded

    async def close(self) -> None:
        await self.client.close()
