"""``subgraph_schema(...)``: a Strawberry Federation 2.9 schema with our extensions."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.types import ExecutionContext

from subgraphs._shared.context import FreshLoaders
from subgraphs._shared.errors import MaskUnexpectedErrors, SubgraphError

#: 2.9 is the first version exporting the IBM cost directives ``@cost`` and ``@listSize``.
FEDERATION_VERSION = "2.9"


class SubgraphSchema(strawberry.federation.Schema):
    """Logs only unexpected errors: a NOT_FOUND is an answer, not an incident."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        unexpected = [
            e
            for e in errors
            if e.path is not None and not isinstance(e.original_error, SubgraphError)
        ]
        super().process_errors(unexpected, execution_context)


def subgraph_schema(**kwargs: Any) -> SubgraphSchema:
    """A federation schema (``query``, ``mutation``, ``subscription``, ``types``)."""
    return SubgraphSchema(
        federation_version=FEDERATION_VERSION,
        extensions=[MaskUnexpectedErrors, FreshLoaders],
        **kwargs,
    )
