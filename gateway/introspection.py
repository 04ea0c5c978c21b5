"""Answer ``__schema`` and ``__type`` root fields from the API schema, in the gateway."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLSchema,
    OperationDefinitionNode,
    SelectionSetNode,
    execute_sync,
)

from gateway.types import JSONObject

_INTROSPECTION_FIELDS = ("__schema", "__type")


def introspect(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: dict[str, Any],
) -> tuple[JSONObject, list[JSONObject]]:
    """Run only the operation's top-level introspection fields; returns (data, errors)."""
    selections = tuple(
        s
        for s in operation.selection_set.selections
        if isinstance(s, FieldNode) and s.name.value in _INTROSPECTION_FIELDS
    )
    only = replace(operation, selection_set=SelectionSetNode(selections=selections))
    definitions = tuple(
        only if d is operation else d
        for d in document.definitions
        if d is operation or not isinstance(d, OperationDefinitionNode)
    )
    result = execute_sync(schema, DocumentNode(definitions=definitions), variable_values=variables)
    errors = [e.formatted for e in result.errors or ()]
    return dict(result.data or {}), [dict(e) for e in errors]
