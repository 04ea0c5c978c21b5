"""``create_app()``: the progress subgraph as an ASGI app."""

from __future__ import annotations

import os

from starlette.applications import Starlette

from subgraphs._shared.app import create_subgraph_app
from subgraphs._shared.broker import create_broker
from subgraphs._shared.db import Database, database_url
from subgraphs.progress.loaders import make_loaders
from subgraphs.progress.models import metadata
from subgraphs.progress.schema import schema
from subgraphs.progress.upgrade import upgrade

NAME = "progress"
PORT_ENV, DEFAULT_PORT = "PROGRESS_PORT", 4003


def create_app(database_url_: str | None = None, redis_url: str | None = None) -> Starlette:
    """The progress subgraph.

    ``database_url_`` defaults to PROGRESS_DATABASE_URL, else SQLite under DATA_DIR;
    ``redis_url`` defaults to REDIS_URL; with neither, events stay in this process.
    """
    return create_subgraph_app(
        name=NAME,
        schema=schema,
        metadata=metadata,
        database=Database(database_url(NAME, database_url_)),
        broker=create_broker(redis_url or os.environ.get("REDIS_URL") or None),
        make_loaders=make_loaders,
        upgrade=upgrade,
    )
