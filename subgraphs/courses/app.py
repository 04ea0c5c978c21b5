"""``create_app()``: the courses subgraph as an ASGI app."""

from __future__ import annotations

from starlette.applications import Starlette

from subgraphs._shared.app import create_subgraph_app
from subgraphs._shared.broker import InProcessBroker
from subgraphs._shared.db import Database, database_url
from subgraphs.courses.loaders import make_loaders
from subgraphs.courses.models import metadata
from subgraphs.courses.schema import schema

NAME = "courses"
PORT_ENV, DEFAULT_PORT = "COURSES_PORT", 4002


def create_app(database_url_: str | None = None, redis_url: str | None = None) -> Starlette:
    """The courses subgraph; ``database_url_`` defaults to COURSES_DATABASE_URL or SQLite.

    ``redis_url`` is accepted for a uniform factory signature; courses publishes no events.
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
