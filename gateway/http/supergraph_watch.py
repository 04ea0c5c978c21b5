"""Hot reload: watch the supergraph file and swap the engine to each new version.

The folder is watched rather than the file, because editors and ``rover supergraph compose
> file`` replace or truncate it, and Kubernetes swaps a ConfigMap's files through a symlink:
a watch on the old file would go quiet. A version that
fails to load (say, a half-written file) is logged and the previous supergraph keeps
serving; the finished write triggers another reload. ``Gateway.reload`` swaps atomically,
so requests in flight finish on the supergraph they started with.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from pathlib import Path

import watchfiles

from gateway.pipeline import Gateway

logger = logging.getLogger("gateway.supergraph")


class SupergraphWatcher:
    """Reloads ``gateway`` whenever the file at ``path`` changes content."""

    def __init__(self, path: str | Path, gateway: Gateway, *, debounce_ms: int = 300) -> None:
        # Not resolved: a Kubernetes ConfigMap's file is a symlink through ``..data`` to a
        # versioned folder, and an update swaps ``..data`` and deletes the old folder.
        self.path = Path(path).absolute()
        self.gateway = gateway
        self.debounce_ms = debounce_ms
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._digest = self._read_digest()
        #: How many reloads succeeded (for logs and tests).
        self.reloads = 0

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="supergraph-watch")

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task

    def _read_digest(self) -> bytes | None:
        try:
            return hashlib.sha256(self.path.read_bytes()).digest()
        except OSError:
            return None

    async def _run(self) -> None:
        async for _changes in watchfiles.awatch(
            self.path.parent,
            # Any change in the folder (the file itself, or the ``..data`` swap): cheap,
            # as reload_if_changed compares the content's digest.
            watch_filter=None,
            stop_event=self._stop,
            debounce=self.debounce_ms,
            recursive=False,
        ):
            await self.reload_if_changed()

    async def reload_if_changed(self) -> bool:
        """Reload when the file's content changed since the last load; True if reloaded."""
        try:
            sdl = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            logger.warning("supergraph %s unreadable, keeping the current one: %s", self.path, exc)
            return False
        digest = hashlib.sha256(sdl.encode()).digest()
        if digest == self._digest:
            return False
        try:
            await self.gateway.reload(sdl)
        except Exception as exc:
            logger.error("supergraph %s not loaded, keeping the current one: %s", self.path, exc)
            return False
        self._digest = digest
        self.reloads += 1
        logger.info("supergraph reloaded from %s", self.path)
        return True
