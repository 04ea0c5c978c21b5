"""Field sets (``@key(fields:)``, ``@requires(fields:)``, ``@provides(fields:)``).

A field set is a selection set without the braces. ``walk`` parses one against a type
of one subgraph and returns every field it selects, or why it is invalid; the callers
turn that into the right error code for the directive concerned.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import (
    FieldNode,
    GraphQLSyntaxError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)

from gateway.composition.model import Field, Subgraph


def base_name(type_ref: str) -> str:
    """``[User!]!`` -> ``User``."""
    return type_ref.replace("[", "").replace("]", "").replace("!", "")


def is_list(type_ref: str) -> bool:
    return type_ref.startswith("[")


@dataclass(frozen=True)
class Selected:
    parent: str
    field: Field
    top_level: bool


@dataclass
class Walk:
    selected: list[Selected] = field(default_factory=list)
    #: Human readable problems; empty when the field set is valid.
    problems: list[str] = field(default_factory=list)
    #: Selected fields that take arguments (forbidden in keys).
    with_args: list[str] = field(default_factory=list)
    #: Selected fields whose type is a list, interface or union (forbidden in keys).
    bad_key_types: list[str] = field(default_factory=list)


def parse_selection(text: str) -> SelectionSetNode | None:
    try:
        document = parse("{" + text + "}", no_location=True)
    except GraphQLSyntaxError:
        return None
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    return operation.selection_set


def walk(subgraph: Subgraph, parent: str, text: str) -> Walk:
    """Resolve every selection of ``text`` against ``parent`` in ``subgraph``."""
    result = Walk()
    selection_set = parse_selection(text)
    if selection_set is None:
        result.problems.append(f'"{text}" is not a valid selection set')
        return result
    _walk(subgraph, parent, selection_set, result, top_level=True)
    return result


def _walk(
    subgraph: Subgraph, parent: str, selections: SelectionSetNode, out: Walk, top_level: bool
) -> None:
    parent_type = subgraph.types.get(parent)
    for selection in selections.selections:
        if isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition.name.value if selection.type_condition else parent
            if condition not in subgraph.types:
                out.problems.append(f'unknown type "{condition}"')
                continue
            _walk(subgraph, condition, selection.selection_set, out, top_level)
            continue
        if not isinstance(selection, FieldNode):
            out.problems.append("named fragments are not allowed")
            continue
        name = selection.name.value
        if selection.alias is not None or selection.directives:
            out.problems.append(f'aliases and directives are not allowed (on "{name}")')
        if name == "__typename":
            continue
        found = parent_type.fields.get(name) if parent_type is not None else None
        if parent_type is None or found is None:
            out.problems.append(f'cannot query field "{name}" on type "{parent}"')
            continue
        out.selected.append(Selected(parent, found, top_level))
        if found.args:
            out.with_args.append(f"{parent}.{name}")
        target = subgraph.types.get(base_name(found.type))
        composite = target is not None and target.kind in ("object", "interface", "union")
        if is_list(found.type) or (target is not None and target.kind in ("interface", "union")):
            out.bad_key_types.append(f"{parent}.{name}")
        if composite and selection.selection_set is None:
            out.problems.append(f'field "{parent}.{name}" of type {found.type} needs selections')
        elif not composite and selection.selection_set is not None:
            out.problems.append(f'leaf field "{parent}.{name}" cannot have selections')
        elif selection.selection_set is not None:
            _walk(subgraph, base_name(found.type), selection.selection_set, out, False)
