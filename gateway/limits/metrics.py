"""Measure every operation of a document once: depth, height, aliases, root fields, directives.

The measures count what executing the operation would select, fragments included, but
never by expanding fragments: a 2 KB document whose fragments spread each other twice
per level stands for 2^30 fields, and expanding it would hang the gateway. Instead each
definition (operation or fragment) is walked once, without recursion, into a local
summary that names the fragments it spreads; fragments are then combined bottom-up in
dependency order, each exactly once:

    depth(D)       = max(own depth, offset of each spread + depth(spread fragment))
    height(D)      = own fields | fields of each spread fragment     (a set of coordinates)
    aliases(D)     = own aliases + sum of aliases(spread fragment)     (per spread, so fan-out
    directives(D)  = own directives + sum of directives(spread fragment)   shows as a big number)
    root_fields(D) = own root fields + sum of root_fields(fragment spread at the root)
    width(D)       = max(own widest selection set, width(spread fragment))

A spread that closes a fragment cycle adds nothing: the spec rule ``NoFragmentCycles``
reports the cycle, and here it must only not loop forever.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
)

__all__ = ["OperationMetrics", "measure_document", "unused_fragments"]


@dataclass(frozen=True, slots=True)
class OperationMetrics:
    """What one operation selects, fragments included."""

    depth: int
    height: int
    aliases: int
    root_fields: int
    directives: int
    #: The most selections (fields and fragment spreads; inline fragments' contents
    #: merged into the set around them) of any one selection set.
    width: int = 0


@dataclass(slots=True)
class _Summary:
    """One definition's own measures, and the fragments it spreads."""

    depth: int = 0
    coordinates: set[str] = field(default_factory=set)
    aliases: int = 0
    root_fields: int = 0
    directives: int = 0
    width: int = 0
    #: (fragment name, field depth at the spread, spread at the root level)
    spreads: list[tuple[str, int, bool]] = field(default_factory=list)


def _field_type(parent: GraphQLNamedType | None, name: str) -> GraphQLNamedType | None:
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        definition = parent.fields.get(name)
        if definition is not None:
            named: GraphQLNamedType = get_named_type(definition.type)
            return named
    return None


def _summarize(
    schema: GraphQLSchema, selection_set: SelectionSetNode, parent: GraphQLNamedType | None
) -> _Summary:
    """Walk one definition's selections without recursion (nesting is bounded only by
    the parser's limit, and recursion here would add Python frames per level)."""
    summary = _Summary()
    # Selections per merged selection set: an inline fragment's selections count in the
    # set around it (graphql-core's OverlappingFieldsCanBeMerged compares them together).
    widths: list[int] = [0]
    # (selection set, parent type, fields above it, still at the root level, width slot)
    stack: list[tuple[SelectionSetNode, GraphQLNamedType | None, int, bool, int]] = [
        (selection_set, parent, 0, True, 0)
    ]
    while stack:
        selections, parent_type, depth, at_root, slot = stack.pop()
        for selection in selections.selections:
            summary.directives += len(selection.directives or ())
            if not isinstance(selection, InlineFragmentNode):
                widths[slot] += 1
            if isinstance(selection, FieldNode):
                name = selection.name.value
                parent_name = parent_type.name if parent_type else "?"
                summary.coordinates.add(f"{parent_name}.{name}")
                summary.depth = max(summary.depth, depth + 1)
                if selection.alias is not None:
                    summary.aliases += 1
                if at_root:
                    summary.root_fields += 1
                if selection.selection_set is not None:
                    child = _field_type(parent_type, name)
                    widths.append(0)
                    stack.append(
                        (selection.selection_set, child, depth + 1, False, len(widths) - 1)
                    )
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = schema.get_type(condition.name.value) if condition else parent_type
                stack.append((selection.selection_set, inner, depth, at_root, slot))
            elif isinstance(selection, FragmentSpreadNode):
                summary.spreads.append((selection.name.value, depth, at_root))
    summary.width = max(widths)
    return summary


def _fragment_order(summaries: dict[str, _Summary]) -> list[str]:
    """Fragments in dependency order (spread fragments first), walked without recursion;
    a spread back into a fragment still being walked (a cycle) is ignored."""
    order: list[str] = []
    done: set[str] = set()
    for root in summaries:
        if root in done:
            continue
        on_path = {root}
        path = [(root, iter(summaries[root].spreads))]
        while path:
            name, spreads = path[-1]
            for spread, _depth, _at_root in spreads:
                if spread in summaries and spread not in done and spread not in on_path:
                    on_path.add(spread)
                    path.append((spread, iter(summaries[spread].spreads)))
                    break
            else:
                path.pop()
                on_path.discard(name)
                done.add(name)
                order.append(name)
    return order


def _combine(summary: _Summary, resolved: dict[str, _Summary], height_cap: int) -> _Summary:
    """Fold the already-resolved fragments a definition spreads into its own measures.

    Coordinate sets stop growing past ``height_cap``: a chain of thousands of fragments,
    each selecting invented field names, would otherwise copy quadratically many names.
    """
    total = _Summary(
        depth=summary.depth,
        coordinates=set(summary.coordinates),
        aliases=summary.aliases,
        root_fields=summary.root_fields,
        directives=summary.directives,
        width=summary.width,
    )
    for name, depth, at_root in summary.spreads:
        fragment = resolved.get(name)
        if fragment is None:  # unknown fragment, or a spread closing a cycle
            continue
        total.depth = max(total.depth, depth + fragment.depth)
        if len(total.coordinates) > height_cap:
            pass  # already a lower bound past the cap (possibly a shared set: not mutated)
        elif len(fragment.coordinates) > height_cap:
            total.coordinates = fragment.coordinates  # shared, never mutated past the cap
        else:
            total.coordinates |= fragment.coordinates
        total.aliases += fragment.aliases
        total.directives += fragment.directives
        total.width = max(total.width, fragment.width)
        if at_root:
            total.root_fields += fragment.root_fields
    return total


def measure_document(
    schema: GraphQLSchema, document: DocumentNode, height_cap: int = 1000
) -> list[tuple[OperationDefinitionNode, OperationMetrics]]:
    """The metrics of every operation in ``document``, in document order.

    A height above ``height_cap`` is measured only as "more than ``height_cap``" (the
    value reported is then a lower bound, still above the cap).
    """
    fragments: dict[str, _Summary] = {}
    operations: list[tuple[OperationDefinitionNode, _Summary]] = []
    for definition in document.definitions:
        if isinstance(definition, FragmentDefinitionNode):
            condition = schema.get_type(definition.type_condition.name.value)
            summary = _summarize(schema, definition.selection_set, condition)
            summary.directives += len(definition.directives or ())
            fragments.setdefault(definition.name.value, summary)
        elif isinstance(definition, OperationDefinitionNode):
            root = schema.get_root_type(definition.operation)
            summary = _summarize(schema, definition.selection_set, root)
            summary.directives += len(definition.directives or ())
            summary.directives += sum(
                len(variable.directives or ()) for variable in definition.variable_definitions or ()
            )
            operations.append((definition, summary))

    resolved: dict[str, _Summary] = {}
    for name in _fragment_order(fragments):
        # Spreads of fragments not yet resolved here are exactly the cycle-closing ones.
        resolved[name] = _combine(fragments[name], resolved, height_cap)

    result = []
    for node, summary in operations:
        total = _combine(summary, resolved, height_cap)
        metrics = OperationMetrics(
            depth=total.depth,
            height=len(total.coordinates),
            aliases=total.aliases,
            root_fields=total.root_fields,
            directives=total.directives,
            width=total.width,
        )
        result.append((node, metrics))
    return result


def unused_fragments(document: DocumentNode) -> list[FragmentDefinitionNode]:
    """The fragments no operation spreads, directly or through other fragments (what the
    spec's ``NoUnusedFragments`` reports), found by one walk of each definition."""
    spreads: dict[str, set[str]] = {}
    roots: set[str] = set()
    definitions: list[FragmentDefinitionNode] = []
    for definition in document.definitions:
        if isinstance(definition, FragmentDefinitionNode):
            definitions.append(definition)
            spreads.setdefault(definition.name.value, _spread_names(definition.selection_set))
        elif isinstance(definition, OperationDefinitionNode):
            roots |= _spread_names(definition.selection_set)
    used: set[str] = set()
    pending = list(roots)
    while pending:
        name = pending.pop()
        if name in used:
            continue
        used.add(name)
        pending.extend(spreads.get(name, ()))
    return [d for d in definitions if d.name.value not in used]


def _spread_names(selection_set: SelectionSetNode) -> set[str]:
    names: set[str] = set()
    stack = [selection_set]
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FragmentSpreadNode):
                names.add(selection.name.value)
            elif (
                isinstance(selection, FieldNode | InlineFragmentNode)
                and selection.selection_set is not None
            ):
                stack.append(selection.selection_set)
    return names
