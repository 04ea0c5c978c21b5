"""A throwaway PostgreSQL cluster the tests may stop and start: never the machine's own.

``initdb`` and ``pg_ctl`` from the installed PostgreSQL (``/usr/lib/postgresql/<v>/bin``
on Debian, else ``$PATH``) make a cluster in a temporary directory, listening on
127.0.0.1 at a free port with ``trust`` authentication. PostgreSQL refuses to run as
root, so under root the commands run as the ``postgres`` user (``runuser``).
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

from tests.faults.helpers import free_port


def _binary(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name) or ""]
    if not found[-1]:
        raise RuntimeError(f"{name} is not installed (PostgreSQL server binaries)")
    return found[-1]


class PgCluster:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.data = directory / "data"
        self.log = directory / "postgres.log"
        self.port = free_port()

    def _run(self, *argv: str) -> None:
        command = list(argv)
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def init(self) -> PgCluster:
        if os.geteuid() == 0:
            shutil.chown(self.directory, user="postgres")
        self._run(
            _binary("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
            "--no-sync", "--no-instructions",
        )  # fmt: skip
        return self

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c max_connections=200"
        )
        self._run(
            _binary("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-o", options,
            "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        """``immediate`` is a crash (no checkpoint; recovery at the next start)."""
        self._run(_binary("pg_ctl"), "-D", str(self.data), "-w", "-m", mode, "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    async def create_databases(self, *names: str) -> dict[str, str]:
        import asyncpg

        conn = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres")
        try:
            for name in names:
                await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        return {name: self.url(name) for name in names}


@contextlib.asynccontextmanager
async def pg_cluster() -> AsyncIterator[PgCluster]:
    directory = Path(tempfile.mkdtemp(prefix="pg-faults-"))
    cluster = PgCluster(directory)
    try:
        await asyncio.to_thread(cluster.init)
        await asyncio.to_thread(cluster.start)
        yield cluster
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            await asyncio.to_thread(cluster.stop, "immediate")
        shutil.rmtree(directory, ignore_errors=True)
