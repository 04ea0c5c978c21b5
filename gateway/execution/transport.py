"""Sending one GraphQL request to a subgraph: one pooled HTTP client for all of them.

``SubgraphTransport.send`` has one job: POST a GraphQL request and return the decoded JSON
body, or raise ``FetchFailed`` saying why (down, timed out, non-JSON, HTTP error).
Identical in-flight queries (same subgraph, body and forwarded headers) share one request
when deduplication is on; mutations are never shared.

Each subgraph may have a circuit breaker and a retry policy (``resilience.py``): an open
circuit fails the fetch at once; a failed query (never a mutation) is retried with
jittered backoff while its budget and the fetch's timeout allow. The timeout bounds the
whole fetch, retries included. On the success path this costs a dict lookup and two
attribute tests: no clock read, no extra await.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import orjson

from gateway.execution.http_clients import HTTPClient, PostFailed, http_client
from gateway.execution.inflight import InFlight
from gateway.execution.resilience import Resilience, SubgraphGuards
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
        resilience: Resilience | None = None,
    ) -> None:
        self.urls = urls
        self.timeouts = timeouts
        self.default_timeout = default_timeout
        self.dedupe = dedupe
        self.client = client or http_client("aiohttp")
        self.resilience = resilience or Resilience()
        #: Per subgraph: its breaker and retry state, created on its first request.
        self.guards: dict[str, SubgraphGuards] = {}
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
            return await self._post(subgraph, body, headers, mutation)
        key = (subgraph, body, tuple(sorted(headers.items())))
        return await self._in_flight.run(key, lambda: self._post(subgraph, body, headers, False))

    async def _post(
        self, subgraph: str, body: bytes, headers: dict[str, str], mutation: bool
    ) -> JSONObject:
        url = self.urls.get(subgraph)
        if not url:
            raise FetchFailed(subgraph, "no URL is configured for this subgraph")
        request_headers = {
            "content-type": "application/json",
            "accept": "application/graphql-response+json, application/json",
            **headers,
        }
        timeout = self.timeouts.get(subgraph, self.default_timeout)
        guards = self.guards.get(subgraph)
        if guards is None:
            guards = self.guards[subgraph] = self.resilience.guards(subgraph)
        breaker, retry = guards.breaker, guards.retry
        if breaker is None and retry is None:
            return await self._attempt(subgraph, url, body, request_headers, timeout)
        if retry is None or mutation:
            return await self._guarded(guards, subgraph, url, body, request_headers, timeout)
        deadline = time.monotonic() + timeout
        retries = 0
        while True:
            try:
                return await self._guarded(guards, subgraph, url, body, request_headers, timeout)
            except FetchFailed:
                if not retry.may_retry(retries) or (breaker is not None and breaker.is_open):
                    raise
                delay = retry.backoff(retries)
                timeout = deadline - time.monotonic() - delay
                if timeout <= 0.0:
                    raise  # no time left for another attempt: the timeout bounds the fetch
                retries += 1
                await asyncio.sleep(delay)

    async def _guarded(
        self,
        guards: SubgraphGuards,
        subgraph: str,
        url: str,
        body: bytes,
        headers: dict[str, str],
        timeout: float,
    ) -> JSONObject:
        """One attempt through the subgraph's breaker, its outcome counted."""
        breaker, retry = guards.breaker, guards.retry
        if breaker is not None and not breaker.allow():
            raise FetchFailed(
                subgraph,
                f"circuit open after repeated failures; next attempt in"
                f" {breaker.retry_after():.1f}s",
            )
        try:
            response = await self._attempt(subgraph, url, body, headers, timeout)
        except FetchFailed:
            if breaker is not None:
                breaker.record_failure()
            if retry is not None:
                retry.record_failure()
            raise
        if breaker is not None:
            breaker.record_success()
        if retry is not None:
            retry.record_success()
        return response

    async def _attempt(
        self, subgraph: str, url: str, body: bytes, request_headers: dict[str, str], timeout: float
    ) -> JSONObject:
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
