"""A two-subgraph kit for incremental delivery (``@defer``/``@stream``) tests.

``catalog`` answers courses (an entity, ``Course @key(id)``) with a value type
(``Level``, no key: it cannot be fetched again on its own), and a union of both
(``featured``); ``reviews`` adds each course's
rating and reviews and has a root field of its own. ``reviews`` can be made slow
(``SlowSubgraph.delay``): the part that needs it must come after the part that does not.

``read_multipart`` is a raw reader for the gateway's ``multipart/mixed`` responses: each
part's JSON with the time it arrived.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.planning.header import supergraph
from tests.planning.helpers import KitGateway, KitSubgraph

SUPERGRAPH = supergraph(
    ["catalog", "reviews"],
    """
type Course
  @join__type(graph: CATALOG, key: "id")
  @join__type(graph: REVIEWS, key: "id")
{
  id: ID!
  title: String! @join__field(graph: CATALOG)
  level: Level @join__field(graph: CATALOG)
  tags: [String!]! @join__field(graph: CATALOG)
  rating: Float @join__field(graph: REVIEWS)
  reviews: [Review!]! @join__field(graph: REVIEWS)
}

type Level
  @join__type(graph: CATALOG)
{
  name: String!
  description: String!
}

type Query
  @join__type(graph: CATALOG)
  @join__type(graph: REVIEWS)
{
  courses: [Course!]! @join__field(graph: CATALOG)
  course(id: ID!): Course @join__field(graph: CATALOG)
  featured: [Featured!]! @join__field(graph: CATALOG)
  topReview: Review @join__field(graph: REVIEWS)
}

union Featured
  @join__type(graph: CATALOG)
  @join__unionMember(graph: CATALOG, member: "Course")
  @join__unionMember(graph: CATALOG, member: "Level")
 = Course | Level

type Review
  @join__type(graph: REVIEWS)
{
  body: String!
  stars: Int!
}
""",
)

CATALOG_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { courses: [Course!]! course(id: ID!): Course featured: [Featured!]! }
type Course @key(fields: "id") { id: ID! title: String! level: Level tags: [String!]! }
type Level { name: String! description: String! }
union Featured = Course | Level
"""
REVIEWS_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { topReview: Review }
type Course @key(fields: "id") { id: ID! rating: Float reviews: [Review!]! }
type Review { body: String! stars: Int! }
"""


@dataclass
class SlowSubgraph(KitSubgraph):
    """A kit subgraph that waits ``delay`` seconds before answering each request."""

    delay: float = 0.0
    #: When it answered each request (``time.monotonic()``).
    answered: list[float] = field(default_factory=list)

    async def execute(self, body: dict[str, Any]) -> dict[str, Any]:
        await asyncio.sleep(self.delay)
        result = await super().execute(body)
        self.answered.append(time.monotonic())
        return result


def make_subgraphs(delay: float = 0.0) -> list[KitSubgraph]:
    catalog = KitSubgraph(
        "catalog",
        CATALOG_SDL,
        {
            "Course": [
                {
                    "id": "c1",
                    "title": "Algebra",
                    "level": {"name": "Beginner", "description": "No prerequisites"},
                    "tags": ["math", "intro", "numbers"],
                },
                {
                    "id": "c2",
                    "title": "Topology",
                    "level": None,
                    "tags": ["math"],
                },
            ]
        },
        {
            "Query.courses": lambda _s, _i: catalog.rows("Course"),
            "Query.course": lambda _s, _i, id: catalog.find("Course", {"id": id}),
            "Query.featured": lambda _s, _i: [
                {"__typename": "Level", "name": "Expert", "description": "For the bold"},
                {"__typename": "Course", "id": "c2"},
            ],
        },
    )
    reviews = SlowSubgraph(
        "reviews",
        REVIEWS_SDL,
        {
            "Course": [
                {
                    "id": "c1",
                    "rating": 4.5,
                    "reviews": [{"body": "Clear", "stars": 5}, {"body": "Fast", "stars": 4}],
                },
                {"id": "c2", "rating": None, "reviews": []},
            ]
        },
        {"Query.topReview": lambda _s, _i: {"body": "Clear", "stars": 5}},
        delay=delay,
    )
    return [catalog, reviews]


async def run_incremental(
    gw: KitGateway, query: str, variables: dict[str, Any] | None = None
) -> tuple[str, list[dict[str, Any]]]:
    """Execute ``query`` for a client that takes incremental delivery: (plan text, parts)."""
    from gateway.request import GraphQLParams, RequestContext
    from tests.planning.helpers import PLAN_HEADER

    gw.reset()
    context = RequestContext(headers=dict(PLAN_HEADER), incremental=True)
    outcome = await gw.gateway.execute(GraphQLParams(query=query, variables=variables), context)
    first = dict(outcome.body)
    extensions = dict(first.pop("extensions", {}))
    plan = extensions.pop("queryPlan", "")
    parts = [first]
    if outcome.rest is not None:
        parts.extend([part async for part in outcome.rest])
    return plan, parts


@dataclass
class Part:
    """One part of a multipart response: its JSON and when it arrived (seconds after
    the request was sent)."""

    body: dict[str, Any]
    at: float
    #: ``time.monotonic()`` when it arrived.
    arrived: float


async def read_multipart(
    client: httpx.AsyncClient,
    url: str,
    query: str,
    accept: str,
    headers: dict[str, str] | None = None,
) -> tuple[httpx.Response, list[Part]]:
    """POST ``query``; read the response as it streams, each part when its JSON is whole
    (delimiter ``\\r\\n---``, its headers, a blank line, the JSON; ``\\r\\n-----``
    ends the body). A response that is not multipart is one part."""
    started = time.monotonic()
    parts: list[Part] = []
    decoder = json.JSONDecoder()
    async with client.stream(
        "POST", url, json={"query": query}, headers={**(headers or {}), "accept": accept}
    ) as response:
        if not response.headers["content-type"].startswith("multipart/mixed"):
            await response.aread()
            now = time.monotonic()
            return response, [Part(response.json(), now - started, now)]
        buffer = b""
        ended = False
        async for chunk in response.aiter_raw():
            buffer += chunk
            while buffer.startswith(DELIMITER):
                head_end = buffer.find(b"\r\n\r\n", len(DELIMITER))
                if head_end < 0:
                    break
                head = buffer[len(DELIMITER) : head_end]
                assert head.lower() == b"content-type: application/json; charset=utf-8", head
                text = buffer[head_end + 4 :].decode("utf-8", errors="ignore")
                try:
                    body, length = decoder.raw_decode(text)
                except json.JSONDecodeError:
                    break  # not whole yet
                now = time.monotonic()
                parts.append(Part(body, now - started, now))
                buffer = buffer[head_end + 4 + len(text[:length].encode()) :]
            if buffer == END:
                ended = True
        assert ended, buffer
    return response, parts


DELIMITER = b"\r\n---\r\n"
END = b"\r\n-----\r\n"
