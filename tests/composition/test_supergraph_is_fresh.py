"""The committed ``schema/supergraph.graphql`` is what the subgraph SDL files compose to.

When this fails, run ``make supergraph`` and commit the result.
"""

from __future__ import annotations

from pathlib import Path

from gateway.commands.compose import DEFAULT_URLS
from gateway.composition import SubgraphSource, compose
from gateway.supergraph import Supergraph

SCHEMA = Path(__file__).resolve().parents[2] / "schema"


def _recompose() -> str:
    sources = [
        SubgraphSource(name, DEFAULT_URLS[name], (SCHEMA / f"{name}.graphql").read_text())
        for name in ("users", "courses", "progress")
    ]
    result = compose(sources)
    assert result.errors == []
    assert result.supergraph_sdl is not None
    return result.supergraph_sdl


def test_supergraph_file_is_fresh() -> None:
    committed = (SCHEMA / "supergraph.graphql").read_text()
    assert committed == _recompose(), "schema/supergraph.graphql is stale: run `make supergraph`"


def test_the_platform_supergraph_is_readable_by_the_gateway() -> None:
    supergraph = Supergraph.parse((SCHEMA / "supergraph.graphql").read_text())
    assert {name: sg.url for name, sg in supergraph.subgraphs.items()} == DEFAULT_URLS
