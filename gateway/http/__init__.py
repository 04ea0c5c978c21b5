"""The gateway's front door: GraphQL over HTTP, GraphiQL, health, compression.

``app.create_app(config)`` builds the ASGI app; each concern is one module:
``graphql_over_http`` (the endpoint) reads ``negotiation`` and ``decoding``, hands the
operations to ``batching``, and answers per the spec; ``compression`` is ASGI middleware;
``graphiql`` serves the vendored IDE; ``health`` the probes; ``supergraph_watch`` hot
reloads; ``errors`` the codes this layer gives; ``config`` the ``server`` section.
"""
