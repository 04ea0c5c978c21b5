"""The ``users`` subgraph: profiles and roles. Owns the ``User`` entity."""

from subgraphs.users.app import create_app

__all__ = ["create_app"]
