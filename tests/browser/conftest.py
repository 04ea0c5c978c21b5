"""The subscription test runs the real subgraphs and gateway of ``tests/subscriptions``."""

from tests.subscriptions.fixtures import (  # noqa: F401 (fixtures, used by name)
    http,
    make_platform,
    platform,
    shared_databases,
    subgraphs,
)
