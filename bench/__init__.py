"""The benchmark harness: bench subgraphs, peer gateways, load runs and the results table."""
