"""``create_app()``: the users subgraph as an ASGI app."""

from __future__ import annotations

from starlette.applications import Starlette

from subgraphs._shared.app import create_subgraph_app
from subgraphs._shared.broker import InProcessBroker
from subgraphs._shared.db import Database, database_url
from subgraphs.users.loaders import make_loaders
from subgraphs.users.models import metadata
from subgraphs.users.schema import schema

NAME = "users"
PORT_ENV, DEFAULT_PORT = "USERS_PORT", 4001


def create_app(database_url_: str | None = None, redis_url: str | None = None) -> Starlette:
    """The users subgraph; ``database_url_`` defaults to USERS_DATABASE_URL or SQLite.

    ``redis_url`` is accepted for a uniform factory signature; users publishes no events.
    """
    del redis_url
    return create_subgraph_app(
        name=NAME,
        schema=schema,
        metadata=metadata,
        database=Database(database_url(NAME, database_url_)),
        broker=InProcessBroker(),
        make_loaders=make_loaders,
    )
