"""Execute a query plan: send its fetches, merge their results into one data tree.

The executor knows nothing about schemas beyond what the plan tells it. Root fetches
merge their ``data`` at the root; an entity fetch (under ``Flatten(paths)``) collects the
objects at its paths, builds deduplicated representations from them, sends one
``_entities`` call, and merges each result back into every object it came from. Subgraph
errors are rewritten to paths in the client's response. A fetch that fails leaves its
fields absent; the shaper turns absence into nulls (bubbling as the schema requires).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import orjson

from gateway.execution.renames import apply_renames
from gateway.execution.transport import FetchFailed, SubgraphTransport
from gateway.observability.record import current_fetch_path
from gateway.planning.plan import (
    Defer,
    Fetch,
    Flatten,
    KeyField,
    Parallel,
    PlanNode,
    Sequence,
    path_text,
)
from gateway.planning.selection import INTERNAL_ALIAS
from gateway.types import JSONObject, Path

#: Subgraph error codes that are part of a subgraph's contract with clients: their
#: messages pass through even when subgraph errors are redacted.
_REDACTED_MESSAGE = "Subgraph errors redacted"


@dataclass(slots=True)
class Execution:
    transport: SubgraphTransport
    variables: dict[str, Any]
    headers: dict[str, str]
    include_subgraph_errors: bool = False
    #: The client's response keys; other keys in subgraph paths are internal aliases.
    client_keys: frozenset[str] = frozenset()
    data: JSONObject = field(default_factory=dict)
    errors: list[JSONObject] = field(default_factory=list)

    async def run(self, node: PlanNode | None) -> None:
        match node:
            case None:
                return
            case Sequence():
                for child in node.nodes:
                    await self.run(child)
            case Parallel():
                await asyncio.gather(*(self.run(child) for child in node.nodes))
            case Flatten():
                await self._entity_fetch(node.paths, node.node)
            case Fetch():
                await self._root_fetch(node)
            case Defer():
                # All at once (``gateway.execution.incremental`` delivers it in parts).
                await self.run(node.primary)
                await asyncio.gather(*(self.run(d.node) for d in node.deferred))

    def _variables_for(self, fetch: Fetch) -> dict[str, Any]:
        return {name: self.variables[name] for name in fetch.variables if name in self.variables}

    async def _root_fetch(self, fetch: Fetch) -> None:
        current_fetch_path.set("")  # for traces: a root fetch answers at the root
        try:
            response = await self.transport.send(
                fetch.subgraph,
                fetch.operation,
                self._variables_for(fetch),
                self.headers,
                mutation=fetch.kind == "mutation",
            )
        except FetchFailed as failure:
            self.errors.append(_fetch_error(failure))
            return
        if fetch.renames:
            apply_renames(response.get("data"), fetch.renames)
        self.merge_root_response(fetch.subgraph, response)

    def merge_root_response(self, subgraph: str, response: JSONObject) -> None:
        """Merge a root fetch's response: ``data`` at the root, errors at client paths.

        Public for subscriptions: each event of an upstream subscription is the response
        of the plan's root fetch, merged here before the rest of the plan runs."""
        data = response.get("data")
        if isinstance(data, dict):
            merge(self.data, data)
        for error in _error_list(response):
            path = error.get("path")
            self.errors.append(
                self._subgraph_error(error, subgraph, path if isinstance(path, list) else None)
            )

    async def _entity_fetch(self, paths: tuple[tuple[str, ...], ...], fetch: Fetch) -> None:
        requires = {match: (sent, fields) for match, sent, fields in fetch.requires}
        representations: list[JSONObject] = []
        #: Per representation, every object it stands for (one entity, several places).
        targets: list[list[JSONObject]] = []
        seen: dict[Any, int] = {}
        for path in paths:
            for obj in _objects_at(self.data, path):
                type_name = obj.get("__typename")
                required = requires.get(type_name) if isinstance(type_name, str) else None
                if required is None:
                    continue
                representation = _representation(obj, *required)
                if representation is None:
                    continue
                signature = _signature(representation)
                index = seen.get(signature)
                if index is None:
                    seen[signature] = len(representations)
                    representations.append(representation)
                    targets.append([obj])
                else:
                    targets[index].append(obj)
        if not representations:
            return
        variables = self._variables_for(fetch)
        variables["representations"] = representations
        # For traces: this task's fetch is at these paths (a context variable, no cost here).
        current_fetch_path.set(",".join(path_text(p) for p in paths))
        try:
            response = await self.transport.send(
                fetch.subgraph, fetch.operation, variables, self.headers
            )
        except FetchFailed as failure:
            self.errors.append(_fetch_error(failure))
            return
        data = response.get("data")
        entities = data.get("_entities") if isinstance(data, dict) else None
        if fetch.renames:
            apply_renames(entities, fetch.renames)
        if isinstance(entities, list):
            for entity, objects, sent in zip(entities, targets, representations, strict=False):
                if isinstance(entity, dict):
                    if entity.get("__typename") == sent["__typename"]:
                        # The subgraph echoes the type it was asked about. For an
                        # @interfaceObject that is the interface: it must not replace the
                        # concrete type another subgraph already gave the object.
                        del entity["__typename"]
                    for obj in objects:
                        merge(obj, entity)
        errors = _error_list(response)
        if not errors and (not isinstance(entities, list) or len(entities) != len(targets)):
            self.errors.append(
                {
                    "message": f"Subgraph '{fetch.subgraph}' answered _entities with"
                    f" {_describe(entities)} for {len(targets)} representations.",
                    "extensions": {
                        "code": "INVALID_SUBGRAPH_RESPONSE",
                        "service": fetch.subgraph,
                    },
                }
            )
        if errors:
            # Paths are needed only here: found again rather than built for every object.
            where = _paths_of_objects(self.data, paths)
            for error in errors:
                # One representation may stand for the entity at several places: the
                # error belongs at each of them.
                for error_path in _entity_error_paths(error, targets, where):
                    self.errors.append(self._subgraph_error(error, fetch.subgraph, error_path))

    def _client_key(self, segment: Any) -> Any:
        """Internal aliases never reach the client: name the field instead."""
        if isinstance(segment, str) and segment not in self.client_keys:
            match = INTERNAL_ALIAS.match(segment)
            if match:
                return match.group(1)
        return segment

    def _subgraph_error(self, error: JSONObject, subgraph: str, path: Path | None) -> JSONObject:
        extensions = error.get("extensions")
        extensions = extensions if isinstance(extensions, dict) else {}
        code = extensions.get("code")
        message = error.get("message")
        if self.include_subgraph_errors:
            out: JSONObject = {"message": str(message)}
            out_extensions = {**extensions, "service": subgraph}
            out_extensions.setdefault("code", "DOWNSTREAM_SERVICE_ERROR")
        elif isinstance(code, str) and code != "INTERNAL_SERVER_ERROR":
            # A stable code is the subgraph's contract with clients: keep it and its
            # message; drop everything else (stack traces, exception details).
            out = {"message": str(message)}
            out_extensions = {"code": code, "service": subgraph}
        else:
            out = {"message": _REDACTED_MESSAGE}
            out_extensions = {"code": "DOWNSTREAM_SERVICE_ERROR", "service": subgraph}
        if path:
            out["path"] = [self._client_key(segment) for segment in path]
        out["extensions"] = out_extensions
        return out


def _describe(entities: Any) -> str:
    if isinstance(entities, list):
        return f"{len(entities)} entities"
    return "no list" if entities is None else f"a {type(entities).__name__}, not a list"


def _error_list(response: JSONObject) -> list[JSONObject]:
    errors = response.get("errors")
    if not isinstance(errors, list):
        return []
    return [e if isinstance(e, dict) else {"message": str(e)} for e in errors]


def _fetch_error(failure: FetchFailed) -> JSONObject:
    error: JSONObject = {"message": str(failure)}
    error["extensions"] = {"code": "SUBGRAPH_FETCH_FAILED", "service": failure.subgraph}
    return error


def _entity_error_paths(
    error: JSONObject, targets: list[list[JSONObject]], where: dict[int, list[Path]]
) -> list[Path | None]:
    path = error.get("path")
    if (
        isinstance(path, list)
        and len(path) >= 2
        and path[0] == "_entities"
        and isinstance(path[1], int)
        and 0 <= path[1] < len(targets)
    ):
        # Objects are unique by identity; one object may be at several places (merged
        # entity data is shared, not copied).
        objects = {id(obj): obj for obj in targets[path[1]]}
        return [[*at, *path[2:]] for key in objects for at in where[key]]
    return [None]


def _objects_at(data: JSONObject, path: tuple[str, ...]) -> list[JSONObject]:
    """The objects at ``path`` ("@" steps into each element of a list)."""
    current: list[Any] = [data]
    for segment in path:
        following: list[Any] = []
        if segment == "@":
            for value in current:
                if type(value) is list:
                    following.extend(value)
        elif segment[0] == "|":  # only the objects of one type (below a type condition)
            type_name = segment[1:]
            following = [v for v in current if type(v) is dict and v.get("__typename") == type_name]
        else:
            for value in current:
                if type(value) is dict:
                    child = value.get(segment)
                    if child is not None:
                        following.append(child)
        current = following
    return [value for value in current if type(value) is dict]


def _paths_of_objects(
    data: JSONObject, paths: tuple[tuple[str, ...], ...]
) -> dict[int, list[Path]]:
    """The response paths of each object at ``paths``, by ``id``: for error paths only."""
    where: dict[int, list[Path]] = {}
    for path in paths:
        current: list[tuple[Any, Path]] = [(data, [])]
        for segment in path:
            following: list[tuple[Any, Path]] = []
            for value, at in current:
                if segment == "@" and isinstance(value, list):
                    following.extend((item, [*at, index]) for index, item in enumerate(value))
                elif segment[0] == "|":
                    if isinstance(value, dict) and value.get("__typename") == segment[1:]:
                        following.append((value, at))
                elif segment != "@" and isinstance(value, dict) and value.get(segment) is not None:
                    following.append((value[segment], [*at, segment]))
            current = following
        for value, at in current:
            if isinstance(value, dict):
                where.setdefault(id(value), []).append(at)
    return where


def _signature(representation: JSONObject) -> Any:
    """A hashable identity for deduplicating representations: the values themselves
    when they are scalars (fields are in a fixed order per type), else canonical JSON."""
    values = tuple(representation.values())
    try:
        hash(values)
    except TypeError:  # a list or object among them
        return orjson.dumps(representation, option=orjson.OPT_SORT_KEYS)
    return values


def _representation(
    obj: JSONObject, type_name: str, fields: tuple[KeyField, ...]
) -> JSONObject | None:
    representation: JSONObject = {"__typename": type_name}
    for key_field in fields:
        value = obj.get(key_field.data_key, _ABSENT)
        if value is _ABSENT or (value is None and key_field.required):
            # Not fetched (a fetch failed), or a null key: no entity to ask about.
            return None
        if key_field.selection and value is not None:
            value = _nested(value, key_field)
            if value is _ABSENT:
                return None
        representation[key_field.name] = value
    return representation


_ABSENT = object()


def _nested(value: Any, key_field: KeyField) -> Any:
    if isinstance(value, list):
        items = [_nested(item, key_field) for item in value]
        return _ABSENT if any(item is _ABSENT for item in items) else items
    if not isinstance(value, dict) or not key_field.selection:
        return value
    out: JSONObject = {}
    if key_field.typename and "__typename" in value:
        out["__typename"] = value["__typename"]
    for inner_field in key_field.selection:
        if inner_field.types is not None and value.get("__typename") not in inner_field.types:
            continue  # selected under a type condition this object does not match
        if inner_field.data_key not in value:
            # A field under a type condition the object does not match (``pet { ... on
            # Dog { barks } ... on Cat { lives } }``): not part of its representation.
            continue
        inner = value[inner_field.data_key]
        if inner_field.selection and inner is not None:
            inner = _nested(inner, inner_field)
            if inner is _ABSENT:
                return _ABSENT
        out[inner_field.name] = inner
    return out


def merge(target: JSONObject, source: JSONObject) -> None:
    """Deep-merge ``source`` into ``target`` (objects by key, lists element-wise)."""
    for key, value in source.items():
        existing = target.get(key)
        kind = type(value)
        if existing is None or (kind is not dict and kind is not list):
            # The common cases, decided without walking: a field the object lacks, or
            # a scalar. Objects and lists are merged in place, never replaced: other
            # fetches may hold the objects inside them.
            target[key] = value
        elif kind is dict and type(existing) is dict:
            merge(existing, value)
        elif kind is list and type(existing) is list and len(existing) == len(value):
            _merge_lists(existing, value)
        else:
            target[key] = value


def _merge_lists(target: list[Any], source: list[Any]) -> None:
    for index, value in enumerate(source):
        existing = target[index]
        if isinstance(existing, dict) and isinstance(value, dict):
            merge(existing, value)
        elif isinstance(existing, list) and isinstance(value, list) and len(existing) == len(value):
            _merge_lists(existing, value)
        else:
            target[index] = value
