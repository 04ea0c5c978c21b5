"""The users subgraph's DataLoaders (one set per operation)."""

from __future__ import annotations

from dataclasses import dataclass

from aiodataloader import DataLoader
from sqlalchemy import select

from subgraphs._shared.db import Database
from subgraphs._shared.loaders import by_key, mapping_loader
from subgraphs.users.models import UserRow


@dataclass
class Loaders:
    user: DataLoader[str, UserRow | None]


def make_loaders(database: Database) -> Loaders:
    async def users_by_id(ids: list[str]) -> dict[str, UserRow]:
        async with database.read() as session:
            rows = await session.scalars(select(UserRow).where(UserRow.id.in_(ids)))
            return by_key(rows, "id")

    return Loaders(user=mapping_loader(users_by_id))
