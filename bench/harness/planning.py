"""Cold planning time: how long the planner takes for an operation it has never seen.

Plans are cached (per document, operation, conditions and supergraph), so a client pays
for planning once per operation per gateway process; this measures that once — a fresh
planner over a fresh resolution graph each time, so no memoized fact helps — for the
benchmark query and for the largest operation the mobile app ships (its persisted
manifest, planned against the platform's supergraph). Median and best of N runs, in
milliseconds. ``python -m bench.harness.planning`` prints the table alone.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Any

from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse

from gateway.planning.graph import SupergraphGraph
from gateway.planning.operation import normalize
from gateway.planning.planner import Planner
from gateway.supergraph import Supergraph

REPO = Path(__file__).resolve().parents[2]
RUNS = 30


def _cold_ms(supergraph: Supergraph, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    document = parse(query)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    timings: list[float] = []
    fetches = 0
    for _ in range(RUNS):
        started = time.perf_counter()
        normalized = normalize(supergraph.api_schema, operation, fragments, variables)
        plan = Planner(SupergraphGraph(supergraph)).plan(normalized)
        timings.append((time.perf_counter() - started) * 1000)
        fetches = plan.text().count("Fetch(")
    return {
        "median_ms": statistics.median(timings),
        "best_ms": min(timings),
        "fetches": fetches,
        "bytes": len(query),
    }


def measure() -> dict[str, dict[str, Any]]:
    """Cold planning of the benchmark query and of the app's largest operation."""
    results: dict[str, dict[str, Any]] = {}
    bench_supergraph = Supergraph.parse((REPO / "bench/data/supergraph.graphql").read_text())
    bench_query = (REPO / "bench/data/query.graphql").read_text()
    results["benchmark TestQuery"] = _cold_ms(bench_supergraph, bench_query, {})
    platform = Supergraph.parse((REPO / "schema/supergraph.graphql").read_text())
    manifest = json.loads((REPO / "persisted_queries/manifest.json").read_text())
    largest = max(
        (op for op in manifest["operations"] if op["type"] != "subscription"),
        key=lambda op: len(op["body"]),
    )
    # Planning reads variables only for @skip/@include, which the app's operations lack.
    results[f"app {largest['name']}"] = _cold_ms(platform, largest["body"], {})
    return results


def table(results: dict[str, dict[str, Any]]) -> list[str]:
    lines = [
        "| operation | bytes | fetches | cold plan ms (median) | best |",
        "|---|--:|--:|--:|--:|",
    ]
    for name, row in results.items():
        lines.append(
            f"| {name} | {row['bytes']:,} | {row['fetches']} | {row['median_ms']:.2f} "
            f"| {row['best_ms']:.2f} |"
        )
    return lines


if __name__ == "__main__":
    print("\n".join(table(measure())))
