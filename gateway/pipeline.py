"""One request through the gateway, step by step.

    document (text, or hash -> persisted store)
      -> parse (token + nesting limits) -> validate against the API schema (+ limit rules)
      -> cost -> plan (cached) -> execute the plan -> shape the response

``Gateway`` owns the current supergraph state (swapped atomically on reload: in-flight
requests finish on the state they started with) and the pooled subgraph client.
"""

from __future__ import annotations

from gateway.config import GatewayConfig
from gateway.request import GraphQLParams, Outcome, RequestContext


class Gateway:
    """The engine behind every transport. Create with ``await Gateway.create(config)``."""

    def __init__(self, config: GatewayConfig) -> None:
        self.config = config

    @classmethod
    async def create(cls, config: GatewayConfig, supergraph_sdl: str | None = None) -> Gateway:
        """Load the supergraph (``supergraph_sdl`` if given, else per ``config.supergraph``)."""
        raise NotImplementedError  # being written: see issue 3

    async def execute(self, params: GraphQLParams, context: RequestContext) -> Outcome:
        """Run one GraphQL request; never raises for client errors (they become ``Outcome``)."""
        raise NotImplementedError

    async def reload(self, supergraph_sdl: str) -> None:
        """Swap to a new supergraph; in-flight requests finish on the old one."""
        raise NotImplementedError

    def is_ready(self) -> bool:
        """True once a supergraph is loaded."""
        raise NotImplementedError

    async def check_subgraphs(self) -> dict[str, bool]:
        """Reachability of each subgraph (for ``/ready``)."""
        raise NotImplementedError

    async def close(self) -> None:
        """Close pooled connections."""
        raise NotImplementedError
