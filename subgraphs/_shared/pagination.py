"""Relay-style cursor connections: ``Connection[T]``, ``Edge[T]``, ``PageInfo``.

Cursors are opaque to clients (base64url of ``<kind>:<key>``) and point at the last
row's sort key, so a page is ``WHERE key > :after ORDER BY key LIMIT first + 1`` — no
offsets, stable while rows are added. A malformed cursor or an out-of-range ``first``
is ``BAD_USER_INPUT``.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import strawberry
from strawberry import UNSET
from strawberry.federation.schema_directives import ListSize

from subgraphs._shared.cache_control import INHERIT
from subgraphs._shared.errors import BadUserInput

T = TypeVar("T")
Row = TypeVar("Row")

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_CURSOR_LENGTH = 200


@strawberry.federation.type(shareable=True, description="Relay page information.")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T = strawberry.field(directives=[INHERIT])


def connection_size() -> ListSize:
    """``@listSize`` for a connection field sliced by ``first``."""
    return ListSize(
        assumed_size=UNSET,
        slicing_arguments=["first"],
        sized_fields=["edges", "nodes"],
        require_one_slicing_argument=False,
    )


def list_size(assumed: int) -> ListSize:
    """``@listSize(assumedSize: ...)`` for a plain list field."""
    return ListSize(
        assumed_size=assumed,
        slicing_arguments=UNSET,
        sized_fields=UNSET,
        require_one_slicing_argument=UNSET,
    )


@strawberry.type
class Connection(Generic[T]):
    # A page is as fresh as the field that returned it (cache hints: cache_control.py).
    edges: list[Edge[T]] = strawberry.field(directives=[INHERIT])
    page_info: PageInfo = strawberry.field(directives=[INHERIT])

    @strawberry.field(
        description="The nodes of `edges`, for clients that need no cursors.",
        directives=[INHERIT],
    )
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def encode_cursor(kind: str, key: str) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{key}".encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str | None) -> str | None:
    """The key inside ``cursor`` (None for no cursor); BAD_USER_INPUT when malformed."""
    if cursor is None:
        return None
    if not cursor or len(cursor) > MAX_CURSOR_LENGTH:
        raise BadUserInput("Malformed cursor.", argumentName="after")
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError) as error:
        raise BadUserInput("Malformed cursor.", argumentName="after") from error
    prefix, sep, key = text.partition(":")
    if not sep or prefix != kind or not key:
        raise BadUserInput("Malformed cursor.", argumentName="after")
    return key


def check_first(first: int) -> int:
    """``first`` within 1..MAX_PAGE_SIZE, else BAD_USER_INPUT."""
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise BadUserInput(f"`first` must be between 1 and {MAX_PAGE_SIZE}.", argumentName="first")
    return first


def connection(
    rows: Sequence[Row],
    first: int,
    kind: str,
    key_of: Callable[[Row], str],
    node_of: Callable[[Row], T],
) -> Connection[T]:
    """Build a page from up to ``first + 1`` rows fetched in key order."""
    page = rows[:first]
    edges = [Edge(cursor=encode_cursor(kind, key_of(row)), node=node_of(row)) for row in page]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(rows) > first,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )
