"""The ``courses`` subgraph: courses, modules, lessons. Owns ``Course`` and ``Lesson``."""

from subgraphs.courses.app import create_app

__all__ = ["create_app"]
