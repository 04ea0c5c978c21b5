"""Which entities a response contains: the tags a cached response is purged by.

A tag is ``Type:key`` (``User:usr_1``) for an entity whose key field the operation
selected, or the bare type name (``User``) when it did not: purging ``User:usr_1`` purges
both, so a response that holds a user without its id is never left stale.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gateway.caching.analysis import EntitySite
from gateway.types import JSONObject


def entity_tag(type_name: str, key: object) -> str:
    return f"{type_name}:{key}"


def entity_tags(data: Any, sites: Iterable[EntitySite]) -> set[str]:
    """The tags of every entity at ``sites`` in the response's ``data``."""
    tags: set[str] = set()
    if not isinstance(data, dict):
        return tags
    for site in sites:
        for obj in _objects_at(data, site.path):
            value = obj.get(site.key) if site.key is not None else None
            if isinstance(value, str | int) and not isinstance(value, bool):
                tags.add(entity_tag(site.type_name, value))
            else:
                tags.add(site.type_name)
    return tags


def purge_tags(entities: Iterable[str]) -> set[str]:
    """What to purge for changed entities ``Type:key``: those tags and their bare types."""
    tags: set[str] = set()
    for tag in entities:
        tags.add(tag)
        tags.add(tag.split(":", 1)[0])
    return tags


def _objects_at(data: JSONObject, path: tuple[str, ...]) -> list[JSONObject]:
    current: list[Any] = [data]
    for key in path:
        following: list[Any] = []
        for value in current:
            child = value.get(key) if isinstance(value, dict) else None
            stack = [child]
            while stack:  # lists (of lists) of objects: every object
                item = stack.pop()
                if isinstance(item, list):
                    stack.extend(item)
                elif isinstance(item, dict):
                    following.append(item)
        current = following
    return [value for value in current if isinstance(value, dict)]
