"""The subgraphs' own ``Cache-Control`` response headers, folded into a response's policy.

A subgraph may know more than its schema says (Apollo Server computes a header from the
hints its resolvers set at run time). Each subgraph response's ``Cache-Control`` is noted
by the transport (``note_cache_control``) into the execution's ``SubgraphHints`` (a
context variable that ``collect_subgraph_hints`` sets around one execution), and the
hints travel with the execution's body under ``HINTS_KEY`` — so requests that share an
in-flight execution share them too. ``ResponseCaching`` takes them out again:

- ``no-store``/``no-cache``/``max-age=0``: the response is not cacheable;
- ``max-age=N`` (or ``s-maxage``): the response lives at most N seconds;
- ``private``: the response is private (and, looked up as public, it is not stored).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass

from gateway.caching.policy import CachePolicy
from gateway.types import JSONObject

#: Where an execution's body carries its subgraph hints (never sent to a client).
HINTS_KEY = "__gateway_subgraph_cache_hints"
#: Where the transport keeps a subgraph response's Cache-Control (next to data/errors).
RESPONSE_KEY = "__gateway_cache_control"

_current: ContextVar[SubgraphHints | None] = ContextVar("gateway_subgraph_hints", default=None)


@dataclass(slots=True)
class SubgraphHints:
    max_age: int | None = None
    private: bool = False

    def add(self, header: str) -> None:
        for part in header.lower().split(","):
            name, _, value = part.strip().partition("=")
            age: int | None = None
            if name in ("no-store", "no-cache"):
                age = 0
            elif name in ("max-age", "s-maxage") and value.strip().isdigit():
                age = int(value.strip())
            elif name == "private":
                self.private = True
            if age is not None and (self.max_age is None or age < self.max_age):
                self.max_age = age

    def apply(self, policy: CachePolicy) -> CachePolicy:
        return policy.restrict(self.max_age, self.private)


def note_cache_control(header: str) -> None:
    """Called by the transport for each subgraph response with a ``Cache-Control``."""
    hints = _current.get()
    if hints is not None:
        hints.add(header)


async def collect_subgraph_hints(run: Callable[[], Awaitable[JSONObject]]) -> JSONObject:
    """``run()``'s body, with the subgraph hints its fetches noted under ``HINTS_KEY``."""
    hints = SubgraphHints()
    token = _current.set(hints)
    try:
        body = await run()
    finally:
        _current.reset(token)
    if hints.max_age is None and not hints.private:
        return body
    return {**body, HINTS_KEY: hints}


def take_hints(body: JSONObject) -> tuple[JSONObject, SubgraphHints | None]:
    """The body without its hints, and the hints (None when the subgraphs sent none)."""
    hints = body.get(HINTS_KEY)
    if hints is None:
        return body, None
    return {k: v for k, v in body.items() if k != HINTS_KEY}, hints
