"""Hot reload from a Kubernetes ConfigMap: the gateway follows a supergraph update.

The kubelet does not write a ConfigMap's files in place: each version is a hidden folder,
``..data`` a symlink to the current one, and each file a symlink through ``..data``. An
update writes a new folder, renames a new ``..data`` over the old one and deletes the old
folder (AtomicWriter, pkg/volume/util/atomic_writer.go). Here that sequence runs on a
temporary folder against the real watcher and engine.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from gateway.config import GatewayConfig
from gateway.http.supergraph_watch import SupergraphWatcher
from gateway.pipeline import Gateway
from gateway.request import GraphQLParams, RequestContext
from tests.http.hello_subgraph import supergraph_for

FIELDS = GraphQLParams(query='{ __type(name: "Query") { fields { name } } }')


def publish(mount: Path, version: str, files: dict[str, str]) -> None:
    """Write ``files`` as the kubelet writes a ConfigMap volume's next version."""
    folder = mount / f"..{version}"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    data = mount / "..data"
    previous = os.readlink(data) if data.is_symlink() else None
    staged = mount / "..data_tmp"
    staged.symlink_to(folder.name)
    staged.replace(data)
    for name in files:
        if not (mount / name).is_symlink():
            (mount / name).symlink_to(f"..data/{name}")
    if previous is not None:
        for old in (mount / previous).iterdir():
            old.unlink()
        (mount / previous).rmdir()


async def field_names(gateway: Gateway) -> list[str]:
    outcome = await gateway.execute(FIELDS, RequestContext())
    return [field["name"] for field in outcome.body["data"]["__type"]["fields"]]


async def test_a_configmap_update_reloads_the_supergraph(tmp_path: Path) -> None:
    full = supergraph_for("http://127.0.0.1:9/graphql")
    smaller = full.replace("  words(count: Int!): [String!]!\n", "")
    publish(tmp_path, "2026_01_01_00_00_00.1", {"supergraph.graphql": smaller})
    gateway = await Gateway.create(GatewayConfig(), supergraph_sdl=smaller)
    watcher = SupergraphWatcher(tmp_path / "supergraph.graphql", gateway, debounce_ms=50)
    watcher.start()
    try:
        assert "words" not in await field_names(gateway)
        # The watch may start after a first update: publish until seen, a new version
        # each time (as the kubelet would), then check the next one is seen too.
        versions = iter(range(2, 1000))
        async with asyncio.timeout(20):
            while watcher.reloads == 0:
                publish(tmp_path, f"v{next(versions)}", {"supergraph.graphql": full})
                await asyncio.sleep(0.3)
        assert "words" in await field_names(gateway)
        publish(tmp_path, f"v{next(versions)}", {"supergraph.graphql": smaller})
        async with asyncio.timeout(20):
            while watcher.reloads == 1:
                await asyncio.sleep(0.05)
        assert "words" not in await field_names(gateway)
    finally:
        await watcher.stop()
        await gateway.close()
