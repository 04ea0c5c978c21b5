"""``@cacheControl``: Apollo Server's cache hints, composed into the supergraph.

The directive and its ``CacheControlScope`` enum are defined as Apollo Server defines
them; ``compose=True`` makes Strawberry link it from its own spec URL and add
``@composeDirective(name: "@cacheControl")``, so composition keeps every application
and the gateway computes each response's ``Cache-Control`` from them (docs/caching.md).

    type Course @cacheControl(maxAge: 300) { ... }
    me: User @cacheControl(maxAge: 30, scope: PRIVATE)
    edges: [Edge!]! @cacheControl(inheritMaxAge: true)
"""

from __future__ import annotations

from enum import Enum
from typing import Final

import strawberry
from strawberry.schema_directive import Location

#: The spec URL the subgraphs link ``@cacheControl`` from (any URL works: the gateway
#: reads the directive by name; this one says whose convention it follows).
CACHE_CONTROL_URL: Final = "https://specs.learning.example/cacheControl/v0.1"


@strawberry.enum(name="CacheControlScope", description="Who may cache a response.")
class CacheControlScope(Enum):
    PUBLIC = "PUBLIC"
    PRIVATE = "PRIVATE"


@strawberry.federation.schema_directive(
    locations=[Location.FIELD_DEFINITION, Location.OBJECT, Location.INTERFACE, Location.UNION],
    name="cacheControl",
    compose=True,
    import_url=CACHE_CONTROL_URL,
)
class CacheControl:
    max_age: int | None = strawberry.UNSET
    scope: CacheControlScope | None = strawberry.UNSET
    inherit_max_age: bool | None = strawberry.UNSET


def cache_hint(
    max_age: int | None = None, *, private: bool = False, inherit: bool = False
) -> CacheControl:
    """``@cacheControl(...)`` with only the arguments given."""
    return CacheControl(
        max_age=strawberry.UNSET if max_age is None else max_age,
        scope=CacheControlScope.PRIVATE if private else strawberry.UNSET,
        inherit_max_age=True if inherit else strawberry.UNSET,
    )


#: ``@cacheControl(inheritMaxAge: true)``: for wrapper objects (connections, edges) that
#: are as fresh as the field that returned them.
INHERIT: Final = cache_hint(inherit=True)
