"""Undo the planner's internal aliases in a subgraph's data (``gateway.planning.aliases``).

A field whose type conflicts with a sibling's in the subgraph's own schema is sent under
an internal alias; before the data is merged, each ``Rename`` moves it back to the
client's key in the objects of its type, so merging and shaping never see the alias.
"""

from __future__ import annotations

from typing import Any

from gateway.planning.plan import Rename


def apply_renames(data: Any, renames: tuple[Rename, ...]) -> None:
    """Apply ``renames`` (parents first) to ``data``, in place."""
    for rename in renames:
        for obj in _objects(data, rename.path):
            if rename.alias in obj and obj.get("__typename") == rename.type_name:
                obj[rename.key] = obj.pop(rename.alias)


def _objects(value: Any, path: tuple[str, ...]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        current, depth = stack.pop()
        if isinstance(current, list):
            stack.extend((item, depth) for item in current)
        elif isinstance(current, dict):
            if depth == len(path):
                found.append(current)
            elif path[depth] in current:
                stack.append((current[path[depth]], depth + 1))
    return found
