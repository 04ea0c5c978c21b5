"""A real gateway (uvicorn, its own thread) in front of the real hello subgraph, with any
configuration: for the tests that must see limits through real HTTP."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gateway.config import GatewayConfig
from gateway.http.app import create_app
from tests.http.hello_subgraph import hello_app, supergraph_for
from tests.servers import ThreadedServer

#: Request errors as 4xx (GraphQL over HTTP's media type); application/json gets 200.
GRAPHQL_RESPONSE = {"accept": "application/graphql-response+json"}


@contextlib.contextmanager
def live_gateway(directory: Path, **config: Any) -> Iterator[str]:
    """The gateway's GraphQL URL, configured with ``config`` (top-level sections)."""
    with ThreadedServer(hello_app()) as subgraph:
        path = directory / "supergraph.graphql"
        path.write_text(supergraph_for(f"{subgraph.url}/graphql"))
        settings = {"supergraph": {"path": str(path), "watch": False}, **config}
        app = create_app(GatewayConfig.model_validate(settings))
        with ThreadedServer(app) as gateway:
            yield f"{gateway.url}/graphql"
