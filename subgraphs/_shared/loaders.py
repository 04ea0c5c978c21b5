"""DataLoader helpers: turn "fetch rows for these keys" into a batching loader.

Every entity reference and relation in the subgraphs goes through a loader built here,
so resolving N parents costs one SQL statement per table, whatever N is.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping
from typing import Any, TypeVar

from aiodataloader import DataLoader

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

#: Keys per SQL statement; beyond it a batch is split (bounded ``IN (...)`` lists).
MAX_BATCH = 500


def mapping_loader(
    fetch: Callable[[list[K]], Awaitable[Mapping[K, V]]],
) -> DataLoader[K, V | None]:
    """A loader whose batch is one ``fetch(keys) -> {key: value}``; missing keys -> None."""

    async def batch(keys: list[K]) -> list[V | None]:
        found = await fetch(list(dict.fromkeys(keys)))
        return [found.get(key) for key in keys]

    return DataLoader(batch, max_batch_size=MAX_BATCH)


def group_loader(
    fetch: Callable[[list[K]], Awaitable[Iterable[V]]],
    key_of: Callable[[V], K],
) -> DataLoader[K, list[V]]:
    """A loader of lists: ``fetch(keys)`` returns rows, grouped by ``key_of(row)``."""

    async def batch(keys: list[K]) -> list[list[V]]:
        groups: dict[K, list[V]] = {key: [] for key in keys}
        for row in await fetch(list(groups)):
            groups.setdefault(key_of(row), []).append(row)
        return [groups[key] for key in keys]

    return DataLoader(batch, max_batch_size=MAX_BATCH)


def by_key(rows: Iterable[Any], attribute: str) -> dict[Any, Any]:
    """Index ORM rows by one attribute."""
    return {getattr(row, attribute): row for row in rows}
