"""Take the denied fields out of the fetched data, whatever brought them there.

Pruning keeps the client's denied fields out of the plan, but the planner may still fetch
one for its own needs — a key to jump to another subgraph, a field another one
``@requires`` — under the same response key. The response is shaped from the full
operation, so such a value would reach the client: it is removed here, after execution
and before shaping (the shaper then sees it absent: null, bubbling if non-null).
"""

from __future__ import annotations

from typing import Any

from gateway.authz.sites import SiteId


def redact(data: Any, denied: frozenset[SiteId]) -> None:
    """Remove, in place, the value of each denied site from ``data`` (merged fetch data)."""
    if not isinstance(data, dict):
        return
    for path, coordinate in denied:
        end = len(path)
        while end and path[end - 1] == "@":
            end -= 1
        *parents, key = path[:end]
        type_name = coordinate.partition(".")[0]
        for obj in _objects(data, parents):
            # Below an abstract type only the objects of the coordinate's type lose it.
            typename = obj.get("__typename")
            if typename is None or typename == type_name:
                obj.pop(key, None)


def _objects(data: dict[str, Any], path: list[str]) -> list[dict[str, Any]]:
    level: list[Any] = [data]
    for segment in path:
        following: list[Any] = []
        for value in level:
            if segment == "@":
                if isinstance(value, list):
                    following.extend(value)
            elif isinstance(value, dict) and segment in value:
                following.append(value[segment])
        level = following
    return [value for value in level if isinstance(value, dict)]
