"""Running operations through the pipeline: one, or a batch answered in order.

A batch (a JSON array body) is how mobile clients save round trips: every item goes through
``Gateway.execute`` on its own and its response takes the item's place in one array. An
item that was not well-formed (say, not an object) is answered in its place by its error;
the others still run. By default items run one after another so that a mutation is seen
by the items after it; ``server.batching.parallel`` runs them concurrently instead.

``execute_one`` is also where an engine bug stops: it becomes a GraphQL error with code
``INTERNAL_SERVER_ERROR`` and status 500, logged with its traceback, never sent to the client.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from gateway.errors import GatewayError, RequestError
from gateway.http.errors import error_body
from gateway.pipeline import Gateway
from gateway.request import GraphQLParams, Outcome, RequestContext
from gateway.types import JSONObject

logger = logging.getLogger("gateway.http")


def _error_outcome(error: GatewayError) -> Outcome:
    return Outcome(
        body=error_body(error), executed=False, status=error.status, headers=error.headers
    )


class BatchRunner:
    """Runs single operations and batches against a ``Gateway``."""

    def __init__(self, *, parallel: bool = False) -> None:
        self.parallel = parallel

    async def execute_one(
        self, gateway: Gateway, params: GraphQLParams, context: RequestContext
    ) -> Outcome:
        """``gateway.execute``, with anything it raises turned into an error outcome."""
        try:
            return await gateway.execute(params, context)
        except GatewayError as exc:
            # The pipeline should return these as outcomes; accept them raised too.
            return _error_outcome(exc)
        except Exception:
            logger.exception("the pipeline failed on a request")
            return _error_outcome(GatewayError("internal server error"))

    async def run(
        self,
        gateway: Gateway,
        items: list[GraphQLParams | RequestError],
        new_context: Callable[[], RequestContext],
    ) -> list[JSONObject]:
        """The response body of each item, in the items' order."""

        async def one(item: GraphQLParams | RequestError) -> JSONObject:
            if isinstance(item, RequestError):
                return _error_outcome(item).body
            return (await self.execute_one(gateway, item, new_context())).body

        if self.parallel:
            return list(await asyncio.gather(*(one(item) for item in items)))
        return [await one(item) for item in items]
