"""The learning platform's subgraphs: ``users``, ``courses`` and ``progress``.

Each is its own package and service with its own database; they share only the
infrastructure in ``subgraphs._shared`` (never domain code).
"""
