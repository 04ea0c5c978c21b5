"""The package's public surface is exactly this (httpx-style: pinned by a test)."""

from __future__ import annotations

import gateway.composition


def test_public_api() -> None:
    assert sorted(gateway.composition.__all__) == [
        "CompositionError",
        "CompositionResult",
        "SubgraphSource",
        "compose",
    ]
    result = gateway.composition.compose(
        [gateway.composition.SubgraphSource("a", "http://a/graphql", "type Query { a: Int }")]
    )
    assert result.ok
    assert result.supergraph_sdl is not None
    assert result.errors == []
