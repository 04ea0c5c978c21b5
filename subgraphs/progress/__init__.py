"""The ``progress`` subgraph: enrollments, lesson completions, live progress events."""

from subgraphs.progress.app import create_app

__all__ = ["create_app"]
