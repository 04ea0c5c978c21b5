"""Deterministic data for the three subgraphs: ``make seed`` and the tests' fixtures.

``generate(...)`` builds the rows (pure, fixed random seed); ``load(dataset, urls)``
bulk-inserts them into the three databases, skipping rows that exist (idempotent).
``seed_small(urls)`` is the small dataset tests use.
"""

from subgraphs.seed.dataset import Dataset, generate, small
from subgraphs.seed.load import load, seed_small

__all__ = ["Dataset", "generate", "load", "seed_small", "small"]
