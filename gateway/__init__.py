"""A federated GraphQL gateway: composes a Federation 2 supergraph, plans and executes
every operation across its subgraphs, and is the one door for clients."""

__all__: list[str] = []
