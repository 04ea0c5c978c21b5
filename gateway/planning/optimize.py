"""Optimize the plan: fewer requests for the same answers.

Entity fetches of one level that would send the same operation to the same subgraph become
one ``Flatten`` with several paths: one request, with representations deduplicated across
the paths (the benchmark's products at three depths).
"""

from __future__ import annotations

from gateway.planning.plan import Fetch, Flatten, PlanNode


def merge_same_fetches(nodes: list[PlanNode]) -> list[PlanNode]:
    """``nodes`` (one level, in order) with identical entity fetches merged."""
    merged: list[PlanNode] = []
    index_of: dict[Fetch, int] = {}
    for node in nodes:
        if isinstance(node, Flatten):
            index = index_of.get(node.node)
            if index is not None:
                earlier = merged[index]
                assert isinstance(earlier, Flatten)
                merged[index] = Flatten(earlier.paths + node.paths, earlier.node)
                continue
            index_of[node.node] = len(merged)
        merged.append(node)
    return merged
