"""Answer ``__schema`` and ``__type`` root fields from the API schema, in the gateway."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    execute_sync,
)

from gateway.types import JSONObject

_INTROSPECTION_FIELDS = ("__schema", "__type")


def _root_introspection_fields(
    selection_set: SelectionSetNode, document: DocumentNode
) -> list[FieldNode]:
    """Top-level ``__schema``/``__type`` fields, also those written inside fragments."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    found: list[FieldNode] = []
    seen: set[str] = set()

    def collect(selections: SelectionSetNode) -> None:
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                if selection.name.value in _INTROSPECTION_FIELDS:
                    found.append(selection)
            elif isinstance(selection, InlineFragmentNode):
                collect(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
                seen.add(selection.name.value)
                fragment = fragments.get(selection.name.value)
                if fragment is not None:
                    collect(fragment.selection_set)

    collect(selection_set)
    return found


def introspect(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: dict[str, Any],
) -> tuple[JSONObject, list[JSONObject]]:
    """Run only the operation's top-level introspection fields; returns (data, errors)."""
    selections = tuple(_root_introspection_fields(operation.selection_set, document))
    only = replace(operation, selection_set=SelectionSetNode(selections=selections))
    definitions = tuple(
        only if d is operation else d
        for d in document.definitions
        if d is operation or not isinstance(d, OperationDefinitionNode)
    )
    result = execute_sync(schema, DocumentNode(definitions=definitions), variable_values=variables)
    errors = [e.formatted for e in result.errors or ()]
    return dict(result.data or {}), [dict(e) for e in errors]
