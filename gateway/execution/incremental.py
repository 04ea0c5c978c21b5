"""Incremental delivery: a plan with deferred fragments (or streamed lists), part by part.

The format is the one Apollo's clients and router speak (``deferSpec=20220824``):

- the first part is ``{"data": ..., "errors": [...], "hasNext": true}``: the primary
  plan's data shaped without the deferred fragments, streamed lists cut to their
  ``initialCount``;
- every later part is ``{"incremental": [...], "hasNext": ...}``: for a deferred
  fragment, one ``{"data", "path", "label"?, "errors"?}`` per object it applies to (its
  fields, shaped as the fragment selects them: a field the client already has may come
  again, clients merge); for a streamed list, one ``{"items": [item], "path",
  "label"?}`` per item after the initial count, its path ending with the item's index;
- the last part has ``"hasNext": false``.

The sub-plan of each deferred fragment starts when its parent's part is out (the primary,
or the fragment it is deferred in); siblings run concurrently and each part goes out as
soon as it is ready (parts ready together share one message). All fetches merge into one
data tree, as in a whole response. A fragment is delivered only at places the client has
an object (``_view``: what the client holds after the parts sent so far): below a field
that came back null there is nothing to complete.

``@stream`` is delivered, not planned: the list is fetched at once, and the items after
the initial count follow in the next part (one entry each).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import orjson

from gateway.execution.executor import Execution
from gateway.execution.shaping import Shaper, Streamed
from gateway.planning.plan import Defer, DeferredNode, PlanNode, QueryPlan
from gateway.types import JSONObject

logger = logging.getLogger("gateway.execution")

#: The data key the planner uses for a client field aliased ``__typename``.
_TYPENAME_DATA_KEY = "_gw0___typename"

#: A finished sub-plan: its incremental entries, and the fragments deferred inside it.
_Done = tuple[list[JSONObject], tuple[DeferredNode, ...]]


class IncrementalDelivery:
    """One request's incremental response: ``await first()``, then ``async for rest()``."""

    def __init__(
        self,
        plan: QueryPlan,
        new_execution: Callable[[JSONObject], Execution],
        *,
        redact: Callable[[JSONObject], None],
        errors: list[JSONObject],
        introspection: JSONObject | None,
        variables: dict[str, Any],
    ) -> None:
        self.plan = plan
        #: An ``Execution`` that merges into the given (shared) data tree.
        self.new_execution = new_execution
        self.redact = redact
        self.errors = errors
        self.introspection = introspection
        self.variables = variables
        self.data: JSONObject = {}
        self._view: Any = None
        self._queue: asyncio.Queue[_Done] = asyncio.Queue()
        self._tasks: set[asyncio.Task[None]] = set()
        #: Sub-plans (and stream remainders) whose entries are not sent yet.
        self._pending = 0

    @property
    def has_next(self) -> bool:
        return self._pending > 0

    async def first(self) -> JSONObject:
        """Run the primary plan; the first part (deferred sub-plans start meanwhile)."""
        primary, deferred = _split(self.plan.node)
        execution = self.new_execution(self.data)
        await execution.run(primary)
        self.redact(self.data)
        errors = [*self.errors, *execution.errors]
        streams: list[Streamed] = []
        shaper = Shaper(errors, self.introspection, streams, self.variables)
        data = shaper.shape(self.plan.operation.root, self.data)
        self._view = _copy(data)
        body: JSONObject = {"data": data}
        if errors:
            body["errors"] = errors
        if streams:
            self._pending += 1
            self._queue.put_nowait((self._stream_entries(streams), ()))
        if data is not None:
            self._start(deferred)
        body["hasNext"] = self.has_next
        return body

    async def rest(self) -> AsyncIterator[JSONObject]:
        """The later parts, in the order they are ready; the last has ``hasNext: false``.
        Closing the iterator (the client went away) cancels the sub-plans still running."""
        try:
            while self._pending:
                batch = [await self._queue.get()]
                while not self._queue.empty():
                    batch.append(self._queue.get_nowait())
                entries: list[JSONObject] = []
                for found, nested in batch:
                    self._pending -= 1
                    entries.extend(found)
                    self._start(nested)
                if entries or not self._pending:
                    part: JSONObject = {"incremental": entries} if entries else {}
                    part["hasNext"] = self.has_next
                    yield part
        finally:
            for task in self._tasks:
                task.cancel()

    def _start(self, deferred: tuple[DeferredNode, ...]) -> None:
        for item in deferred:
            self._pending += 1
            task = asyncio.create_task(self._run(item))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _run(self, deferred: DeferredNode) -> None:
        nested: tuple[DeferredNode, ...] = ()
        try:
            sub_plan, nested = _split(deferred.node)
            execution = self.new_execution(self.data)
            await execution.run(sub_plan)
            self.redact(self.data)
            entries = self._entries(deferred, execution.errors)
        except Exception:  # an engine bug: the client must still get hasNext: false
            logger.exception("a deferred fragment failed")
            entries, nested = [_failed(deferred)], ()
        self._queue.put_nowait((entries, nested))

    def _entries(self, deferred: DeferredNode, fetch_errors: list[JSONObject]) -> list[JSONObject]:
        """One entry per object the fragment applies to (and its streamed lists)."""
        fragment = self.plan.operation.deferred[deferred.id]
        selection = fragment.selection
        entries: list[JSONObject] = []
        streams: list[Streamed] = []
        for path, obj, seen in _places(self.data, self._view, deferred.path):
            type_name = obj.get("__typename", selection.parent)
            if type_name not in fragment.types and type_name != selection.parent:
                continue  # its type condition does not hold for this object
            errors: list[JSONObject] = []
            shaper = Shaper(errors, self.introspection, streams, self.variables)
            shaped = shaper.shape_at(selection, obj, path)
            entry: JSONObject = {"data": shaped, "path": path}
            if fragment.label is not None:
                entry["label"] = fragment.label
            if errors:
                entry["errors"] = errors
            entries.append(entry)
            if shaped is not None:
                _merge_view(seen, _copy(shaped))
        if fetch_errors:
            if entries:
                entries[0]["errors"] = [*fetch_errors, *entries[0].get("errors", [])]
            else:
                logger.info("errors of a deferred fragment with no object to deliver to")
        entries.extend(self._stream_entries(streams))
        return entries

    def _stream_entries(self, streams: list[Streamed]) -> list[JSONObject]:
        entries: list[JSONObject] = []
        for streamed in streams:
            first = streamed.path[-1]
            assert isinstance(first, int)
            # One entry per item (Apollo's clients merge the first item of each entry).
            for index, item in enumerate(streamed.items, start=first):
                entry: JSONObject = {"items": [item], "path": [*streamed.path[:-1], index]}
                if streamed.label is not None:
                    entry["label"] = streamed.label
                entries.append(entry)
            # The client will hold these items: fragments deferred in them apply.
            held = _at(self._view, streamed.path[:-1])
            if isinstance(held, list):
                held.extend(_copy(streamed.items))
        return entries


def _split(node: PlanNode | None) -> tuple[PlanNode | None, tuple[DeferredNode, ...]]:
    if isinstance(node, Defer):
        return node.primary, node.deferred
    return node, ()


def _failed(deferred: DeferredNode) -> JSONObject:
    entry: JSONObject = {
        "data": None,
        "path": [],
        "errors": [
            {
                "message": "The deferred fragment could not be completed.",
                "extensions": {"code": "INTERNAL_SERVER_ERROR"},
            }
        ],
    }
    if deferred.label is not None:
        entry["label"] = deferred.label
    return entry


def _copy(value: Any) -> Any:
    """A deep copy of shaped JSON: what was sent must not change with what follows."""
    return orjson.loads(orjson.dumps(value)) if value is not None else None


def _places(data: JSONObject, view: Any, path: tuple[str, ...]) -> list[tuple[list[Any], Any, Any]]:
    """(client path, object in the data, object the client holds) at a plan path:
    objects in both only."""
    current: list[tuple[list[Any], Any, Any]] = [([], data, view)]
    for segment in path:
        following: list[tuple[list[Any], Any, Any]] = []
        for at, raw, seen in current:
            if segment == "@":
                if type(raw) is list and type(seen) is list:
                    following.extend(
                        ([*at, i], r, s) for i, (r, s) in enumerate(zip(raw, seen, strict=False))
                    )
            elif segment[0] == "|":
                if type(raw) is dict and raw.get("__typename") == segment[1:]:
                    following.append((at, raw, seen))
            elif type(raw) is dict and type(seen) is dict:
                key = "__typename" if segment == _TYPENAME_DATA_KEY else segment
                if raw.get(segment) is not None and seen.get(key) is not None:
                    following.append(([*at, key], raw[segment], seen[key]))
        current = following
    return [(at, r, s) for at, r, s in current if type(r) is dict and type(s) is dict]


def _at(value: Any, path: list[Any]) -> Any:
    for key in path:
        if isinstance(value, dict) and isinstance(key, str):
            value = value.get(key)
        elif isinstance(value, list) and isinstance(key, int) and key < len(value):
            value = value[key]
        else:
            return None
    return value


def _merge_view(target: JSONObject, source: JSONObject) -> None:
    for key, value in source.items():
        existing = target.get(key)
        if isinstance(existing, dict) and isinstance(value, dict):
            _merge_view(existing, value)
        elif isinstance(existing, list) and isinstance(value, list):
            for index, item in enumerate(value):
                if index < len(existing) and isinstance(existing[index], dict):
                    if isinstance(item, dict):
                        _merge_view(existing[index], item)
                elif index >= len(existing):
                    existing.append(item)
        else:
            target[key] = value
