"""Hot reload, step by step: the watcher reloads the real engine only when the file's
content changed and loads, and keeps the current supergraph otherwise."""

from __future__ import annotations

import asyncio
from pathlib import Path

from gateway.config import GatewayConfig
from gateway.http.supergraph_watch import SupergraphWatcher
from gateway.pipeline import Gateway
from gateway.request import GraphQLParams, RequestContext
from tests.http.hello_subgraph import supergraph_for

WORDS = GraphQLParams(query='{ __type(name: "Query") { fields { name } } }')


async def field_names(gateway: Gateway) -> list[str]:
    outcome = await gateway.execute(WORDS, RequestContext())
    return [field["name"] for field in outcome.body["data"]["__type"]["fields"]]


async def test_reload_if_changed(tmp_path: Path) -> None:
    full = supergraph_for("http://127.0.0.1:9/graphql")
    smaller = full.replace("  words(count: Int!): [String!]!\n", "")
    path = tmp_path / "supergraph.graphql"
    path.write_text(smaller)
    gateway = await Gateway.create(GatewayConfig(), supergraph_sdl=smaller)
    try:
        watcher = SupergraphWatcher(path, gateway)
        assert await watcher.reload_if_changed() is False  # same content as loaded

        path.write_text(full)
        assert await watcher.reload_if_changed() is True
        assert "words" in await field_names(gateway)
        assert await watcher.reload_if_changed() is False  # nothing new since

        path.write_text("type Query {")  # half-written
        assert await watcher.reload_if_changed() is False
        assert "words" in await field_names(gateway)

        path.write_text(smaller)  # the finished write
        assert await watcher.reload_if_changed() is True
        assert "words" not in await field_names(gateway)
        assert watcher.reloads == 2
    finally:
        await gateway.close()


async def test_watcher_reacts_to_the_file_being_replaced(tmp_path: Path) -> None:
    full = supergraph_for("http://127.0.0.1:9/graphql")
    smaller = full.replace("  words(count: Int!): [String!]!\n", "")
    path = tmp_path / "supergraph.graphql"
    path.write_text(smaller)
    gateway = await Gateway.create(GatewayConfig(), supergraph_sdl=smaller)
    watcher = SupergraphWatcher(path, gateway, debounce_ms=50)
    watcher.start()
    try:
        # An editor's atomic save: a new file renamed over the old one. Repeated until
        # seen, as the watch may start after the first save (same content: one reload).
        replacement = tmp_path / "supergraph.graphql.new"
        async with asyncio.timeout(20):
            while watcher.reloads == 0:
                replacement.write_text(full)
                replacement.replace(path)
                await asyncio.sleep(0.2)
        assert watcher.reloads == 1
        assert "words" in await field_names(gateway)
    finally:
        await watcher.stop()
        await gateway.close()
