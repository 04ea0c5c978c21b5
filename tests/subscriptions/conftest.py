"""Fixtures: the whole platform (``tests/subscriptions/fixtures.py``)."""

from tests.subscriptions.fixtures import (  # noqa: F401 (fixtures, used by name)
    http,
    make_platform,
    platform,
    shared_databases,
    subgraphs,
)
