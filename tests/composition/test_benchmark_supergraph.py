"""The benchmark's four Federation 1 subgraphs compose to what rover composed for them.

``bench/data/supergraph.graphql`` is the public benchmark's supergraph, produced by
Apollo's composition; matching it (same types, fields, arguments and join directives,
ignoring order and layout) is the best available check against a real rover output.
"""

from __future__ import annotations

from pathlib import Path

from gateway.composition import SubgraphSource, compose
from tests.composition.helpers import structure

FIXTURES = Path(__file__).parent / "fixtures"
BENCH_SUPERGRAPH = Path(__file__).parents[2] / "bench" / "data" / "supergraph.graphql"


def _bench_sources() -> list[SubgraphSource]:
    return [
        SubgraphSource(p.stem, f"http://127.0.0.1:4200/{p.stem}", p.read_text())
        for p in sorted((FIXTURES / "bench").glob("*.graphql"))
    ]


def test_bench_subgraphs_compose_to_the_published_supergraph() -> None:
    result = compose(_bench_sources())
    assert result.errors == []
    assert result.supergraph_sdl is not None
    expected = structure(BENCH_SUPERGRAPH.read_text())
    actual = structure(result.supergraph_sdl)
    assert sorted(actual) == sorted(expected)
    for name, definition in expected.items():
        assert actual[name] == definition, name


def test_subgraph_order_does_not_change_the_output() -> None:
    forward = compose(_bench_sources()).supergraph_sdl
    backward = compose(list(reversed(_bench_sources()))).supergraph_sdl
    assert forward is not None
    assert forward == backward
