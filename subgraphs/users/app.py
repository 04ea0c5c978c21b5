"""``create_app()``: the users subgraph as an ASGI app."""

from __future__ import annotations

import os

from starlette.applications import Starlette

from subgraphs._shared.app import create_subgraph_app
from subgraphs._shared.broker import create_broker
from subgraphs._shared.db import Database, database_url
from subgraphs.users.loaders import make_loaders
from subgraphs.users.models import metadata
from subgraphs.users.schema import schema

NAME = "users"
PORT_ENV, DEFAULT_PORT = "USERS_PORT", 4001


def create_app(database_url_: str | None = None, redis_url: str | None = None) -> Starlette:
    """The users subgraph; ``database_url_`` defaults to USERS_DATABASE_URL or SQLite.

    ``redis_url`` (default: REDIS_URL) carries its announcements of changed users to the
    gateways (``subgraphs._shared.announcements``); with neither, they stay in process.
    """
    return create_subgraph_app(
        name=NAME,
        schema=schema,
        metadata=metadata,
        database=Database(database_url(NAME, database_url_)),
        broker=create_broker(redis_url or os.environ.get("REDIS_URL") or None),
        make_loaders=make_loaders,
    )
