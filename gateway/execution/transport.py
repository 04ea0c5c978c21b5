"""Sending one GraphQL request to a subgraph: one pooled HTTP client for all of them.

``SubgraphTransport.send`` has one job: POST a GraphQL request and return the decoded JSON
body, or raise ``FetchFailed`` saying why (down, timed out, non-JSON, HTTP error).
Identical in-flight queries (same subgraph, body and forwarded headers) share one request
when deduplication is on; mutations are never shared.

Each subgraph may have a circuit breaker and a retry policy (``resilience.py``): an open
circuit fails the fetch at once; a failed query (never a mutation) is retried with
jittered backoff while its budget and the fetch's timeout allow. The timeout bounds the
whole fetch, retries included. Without a breaker or retries configured this costs a
dict lookup and three attribute tests per request; with a breaker, two more (no clock
read, no lock); neither adds an await.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import orjson

from gateway.caching.subgraph_hints import RESPONSE_KEY, note_cache_control
from gateway.execution.http_clients import HTTPClient, PostFailed, http_client
from gateway.execution.inflight import InFlight
from gateway.execution.resilience import Resilience, SubgraphGuards
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
        # Observability: each subgraph request timed, counted, traced (traceparent sent).
        self._post = observe_fetches(self._post)  # type: ignore[method-assign]

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
            response = await self._post(subgraph, body, headers, not mutation)
        else:
            key = (subgraph, body, tuple(sorted(headers.items())))
            post = lambda: self._post(subgraph, body, headers, True)  # noqa: E731
            response = await self._in_flight.run(key, post)
        hint = response.get(RESPONSE_KEY)
        if hint is not None:  # caching: noted for each request that shares the response
            note_cache_control(hint)
        return response

    async def _post(
        self,
        subgraph: str,
        body: bytes,
        headers: dict[str, str],
        retry: bool,
        timeout: float | None = None,
    ) -> JSONObject:
        """One request through the subgraph's breaker, its outcome counted; with
        ``retry`` (queries) and a retry policy, a failure is retried (``_retry``)."""
        url = self.urls.get(subgraph)
        if not url:
            raise FetchFailed(subgraph, "no URL is configured for this subgraph")
        request_headers = {
            "content-type": "application/json",
            "accept": "application/graphql-response+json, application/json",
            **headers,
        }
        if timeout is None:
            timeout = self.timeouts.get(subgraph, self.default_timeout)
        guards = self.guards.get(subgraph)
        if guards is None:
            guards = self.guards[subgraph] = self.resilience.guards(subgraph)
        breaker = guards.breaker
        if breaker is not None and not breaker.allow():
            raise FetchFailed(
                subgraph,
                "circuit open after repeated failures; next attempt in"
                f" {breaker.retry_after():.1f}s",
            )
        retrying = retry and guards.retry is not None
        # The clock is read only when a retry may need the deadline.
        started = time.monotonic() if retrying else 0.0
        try:
            answered = await self.client.post(url, body, request_headers, timeout)
            status, content = answered
            response = _graphql_response(subgraph, status, content)
            cache_control = getattr(answered, "cache_control", None)
            if cache_control is not None:
                response[RESPONSE_KEY] = cache_control
        except PostFailed as failure:
            error = FetchFailed(subgraph, str(failure))
        except FetchFailed as failure:
            error = failure
        else:
            if breaker is not None or guards.retry is not None:
                guards.succeeded()
            return response
        guards.failed()
        if retrying:
            return await self._retry(guards, subgraph, body, headers, started + timeout, error)
        raise error

    async def _retry(
        self,
        guards: SubgraphGuards,
        subgraph: str,
        body: bytes,
        headers: dict[str, str],
        deadline: float,
        error: FetchFailed,
    ) -> JSONObject:
        """After a query's first attempt failed: retry while the policy, the budget, the
        circuit and what is left of the timeout (which bounds the whole fetch) allow;
        else raise the last failure."""
        retry, breaker = guards.retry, guards.breaker
        assert retry is not None
        retries = 0
        while retry.may_retry(retries) and (breaker is None or not breaker.is_open):
            delay = retry.backoff(retries)
            timeout = deadline - time.monotonic() - delay
            if timeout <= 0.0:
                break  # no time left for another attempt
            retries += 1
            await asyncio.sleep(delay)
            try:
                return await self._post(subgraph, body, headers, False, timeout)
            except FetchFailed as failure:
                error = failure
        raise error

    async def close(self) -> None:
        await self.client.close()


def _graphql_response(subgraph: str, status: int, content: bytes) -> JSONObject:
    """The decoded body, or ``FetchFailed`` when it is not a GraphQL response."""
    try:
        decoded = orjson.loads(content)
    except orjson.JSONDecodeError:
        raise FetchFailed(subgraph, f"invalid JSON in the response (HTTP {status})") from None
    if not isinstance(decoded, dict) or ("data" not in decoded and "errors" not in decoded):
        raise FetchFailed(subgraph, f"not a GraphQL response (HTTP {status})")
    return decoded
