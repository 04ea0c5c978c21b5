"""The four subgraphs of the federation gateway benchmark, as one fast ASGI process.

Each subgraph executes whatever document a gateway sends (aliases, fragments,
``__typename``, ``_entities``) with graphql-core against its own federation schema, so every
peer gateway's query shape is answered correctly; parsed and validated documents are cached
by query text so a request costs execution only.
"""

from bench.subgraphs.app import create_app

__all__ = ["create_app"]
