"""The real subgraphs and gateway of ``tests/subscriptions`` (tokens from tests/auth/kit)."""

from tests.subscriptions.fixtures import (  # noqa: F401 (fixtures, used by name)
    http,
    make_platform,
    platform,
    shared_databases,
    subgraphs,
)
