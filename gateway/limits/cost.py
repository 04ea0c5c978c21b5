"""Demand control: estimate an operation's cost before it runs (IBM GraphQL Cost Directives).

The cost of a selection is the sum of its fields' costs. A field costs

    weight + arguments + children                        (a single value)
    size * (weight + children) + arguments               (a list)

where ``weight`` is the field's ``@cost``, else its type's ``@cost``, else the spec's
default: 1 for an object, interface or union, 0 for a scalar or enum, and 10 for a root
mutation field; ``arguments`` is the ``@cost`` of each argument (and input field) the
request sets; ``children`` is the cost of the field's selection. ``__typename`` is free.

``size`` comes from the field's ``@listSize``: the largest value the request gives to
one of its ``slicingArguments`` (a variable's value counts; a path such as
``input.first`` reaches into an input object), else the argument's default, else
``assumedSize``, else the configured default list size. With ``sizedFields`` the size
applies to those child fields (``edges``, ``nodes`` of a connection) instead of the field
itself. ``requireOneSlicingArgument`` (default true) refuses a request that sets none or
several of the slicing arguments.

Fragments are costed once per (fragment, sized-field context) and reused wherever they
are spread, so fan-out never expands. Abstract selections sum all type conditions, an
upper bound. ``@skip``/``@include`` are ignored (also an upper bound).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Undefined,
    get_named_type,
    get_nullable_type,
    is_list_type,
    value_from_ast_untyped,
)

from gateway.errors import OperationNotFound
from gateway.limits.config import CostConfig
from gateway.limits.cost_directives import CostDirectives, ListSize, cost_directives
from gateway.limits.errors import CostError, CostTooExpensive, SlicingArgumentRequired

__all__ = ["CostReport", "check_cost", "estimate_cost"]

MUTATION_FIELD_WEIGHT = 10
COMPOSITE_WEIGHT = 1
LEAF_WEIGHT = 0

_Sized = frozenset[tuple[str, int]]


class _Estimator:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        default_list_size: int,
        link_schema: GraphQLSchema | None,
    ) -> None:
        self.schema = schema
        self.costs: CostDirectives = cost_directives(schema, link_schema)
        self.fragments = fragments
        self.variables = dict(variables)
        self.default_list_size = default_list_size
        self.memo: dict[tuple[str, _Sized], int] = {}
        self.in_progress: set[tuple[str, _Sized]] = set()
        self.mutation_type = schema.mutation_type

    def selection_set(
        self, node: SelectionSetNode, parent: GraphQLNamedType | None, sized: _Sized
    ) -> int:
        total = 0
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent, sized)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selection_set(selection.selection_set, inner, sized)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value, sized)
        return total

    def fragment(self, name: str, sized: _Sized) -> int:
        key = (name, sized)
        if key in self.memo:
            return self.memo[key]
        definition = self.fragments.get(name)
        if definition is None or key in self.in_progress:  # unknown, or a cycle
            return 0
        self.in_progress.add(key)
        condition = self.schema.get_type(definition.type_condition.name.value)
        cost = self.selection_set(definition.selection_set, condition, sized)
        self.in_progress.discard(key)
        self.memo[key] = cost
        return cost

    def field(self, node: FieldNode, parent: GraphQLNamedType | None, sized: _Sized) -> int:
        name = node.name.value
        if name == "__typename" or not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return 0
        definition = parent.fields.get(name)
        if definition is None:
            return 0
        named = get_named_type(definition.type)
        arguments = self.argument_values(node)
        weight = self.weight(parent, name, named)
        argument_cost = self.arguments_cost(parent.name, name, definition.args, arguments)

        list_size = self.costs.list_sizes.get((parent.name, name))
        size: int | None = None
        child_sized: _Sized = frozenset()
        if list_size is not None and list_size.sized_fields:
            child_size = self.size(list_size, parent.name, name, definition.args, arguments)
            child_sized = frozenset((f, child_size) for f in list_size.sized_fields)
        if is_list_type(get_nullable_type(definition.type)):
            size = dict(sized).get(name)
            if size is None and list_size is not None and not list_size.sized_fields:
                size = self.size(list_size, parent.name, name, definition.args, arguments)
            if size is None:
                size = self.default_list_size

        children = 0
        if node.selection_set is not None:
            children = self.selection_set(node.selection_set, named, child_sized)
        if size is None:
            return weight + children + argument_cost
        return size * (weight + children) + argument_cost

    def weight(self, parent: GraphQLNamedType, name: str, named: GraphQLNamedType) -> int:
        explicit = self.costs.fields.get((parent.name, name))
        if explicit is not None:
            return explicit
        if parent is self.mutation_type:
            return MUTATION_FIELD_WEIGHT
        type_weight = self.costs.types.get(named.name)
        if type_weight is not None:
            return type_weight
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
            return COMPOSITE_WEIGHT
        return LEAF_WEIGHT

    def argument_values(self, node: FieldNode) -> dict[str, Any]:
        values = {}
        for argument in node.arguments or ():
            value = value_from_ast_untyped(argument.value, self.variables)
            if value is not Undefined:
                values[argument.name.value] = value
        return values

    def arguments_cost(
        self,
        type_name: str,
        field_name: str,
        definitions: Mapping[str, Any],
        values: dict[str, Any],
    ) -> int:
        total = 0
        for arg_name, value in values.items():
            total += self.costs.arguments.get((type_name, field_name, arg_name), 0)
            arg_def = definitions.get(arg_name)
            if arg_def is not None:
                total += self.input_cost(get_named_type(arg_def.type), value, 0)
        return total

    def input_cost(self, named: GraphQLNamedType, value: Any, depth: int) -> int:
        """``@cost`` of the input fields a value sets (bounded depth: inputs may recurse)."""
        if depth > 32 or not isinstance(named, GraphQLInputObjectType):
            return 0
        items = value if isinstance(value, list) else [value]
        total = 0
        for item in items:
            if not isinstance(item, dict):
                continue
            for key, inner in item.items():
                input_field = named.fields.get(key)
                if input_field is None:
                    continue
                total += self.costs.fields.get((named.name, key), 0)
                total += self.input_cost(get_named_type(input_field.type), inner, depth + 1)
        return total

    def size(
        self,
        list_size: ListSize,
        type_name: str,
        field_name: str,
        definitions: Mapping[str, Any],
        values: dict[str, Any],
    ) -> int:
        if list_size.slicing_arguments:
            given = [
                value
                for path in list_size.slicing_arguments
                if (value := _lookup(values, path)) is not None
            ]
            if list_size.require_one_slicing_argument and len(given) > 1:
                raise SlicingArgumentRequired(
                    f"Field '{type_name}.{field_name}' takes exactly one of its slicing "
                    f"arguments ({', '.join(list_size.slicing_arguments)}); {len(given)} "
                    "were given."
                )
            if not given:
                given = [
                    value
                    for path in list_size.slicing_arguments
                    if (value := _default(definitions, path)) is not None
                ]
                if list_size.require_one_slicing_argument and len(given) != 1:
                    raise SlicingArgumentRequired(
                        f"Field '{type_name}.{field_name}' requires exactly one of its "
                        f"slicing arguments: {', '.join(list_size.slicing_arguments)}."
                    )
            numbers = [v for v in given if isinstance(v, int) and not isinstance(v, bool)]
            if numbers:
                return max(0, max(numbers))
        if list_size.assumed_size is not None:
            return list_size.assumed_size
        return self.default_list_size


def _lookup(values: Mapping[str, Any], path: str) -> Any:
    value: Any = values
    for key in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _default(definitions: Mapping[str, Any], path: str) -> Any:
    head, _, rest = path.partition(".")
    arg_def = definitions.get(head)
    if arg_def is None:
        return None
    value = arg_def.default_value
    # graphql-core 3.3 keeps SDL defaults as a literal in ``default`` (GraphQLDefaultInput)
    default = getattr(arg_def, "default", None)
    if value is Undefined and default is not None:
        literal = getattr(default, "literal", Undefined)
        value = getattr(default, "value", Undefined)
        if literal is not Undefined and literal is not None:
            value = value_from_ast_untyped(literal)
    if value is Undefined:
        return None
    return _lookup(value, rest) if rest else value


def _operation(document: DocumentNode, operation_name: str | None) -> OperationDefinitionNode:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None:
        if len(operations) == 1:
            return operations[0]
        raise OperationNotFound(
            "Must provide operation name if query contains multiple operations.",
            code="OPERATION_NAME_REQUIRED",
        )
    for operation in operations:
        if operation.name is not None and operation.name.value == operation_name:
            return operation
    raise OperationNotFound(f"Unknown operation named '{operation_name}'.")


def estimate_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None = None,
    variables: Mapping[str, Any] | None = None,
    *,
    default_list_size: int = 10,
    link_schema: GraphQLSchema | None = None,
) -> int:
    """The estimated cost of one operation of a validated document.

    ``link_schema``: the schema whose ``@link`` names the cost directives, if ``schema``
    does not carry it (see ``cost_directives``).

    Raises ``SlicingArgumentRequired`` when a ``@listSize(requireOneSlicingArgument:
    true)`` field does not get exactly one slicing argument, ``OperationNotFound`` when
    the operation is not in the document.
    """
    operation = _operation(document, operation_name)
    values = dict(variables or {})
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name not in values and definition.default_value is not None:
            values[name] = value_from_ast_untyped(definition.default_value)
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    estimator = _Estimator(schema, fragments, values, default_list_size, link_schema)
    root = schema.get_root_type(operation.operation)
    try:
        return estimator.selection_set(operation.selection_set, root, frozenset())
    except RecursionError:
        # Validation bounds nesting (fragments included) well below this; a document
        # that was not validated first still gets an error, not a crash.
        raise CostError("The operation is nested too deeply to estimate its cost.") from None


@dataclass(frozen=True, slots=True)
class CostReport:
    """The outcome of ``check_cost``: the estimate, the limit, and a warning if over it in
    warn-only mode."""

    estimated: int
    max: int | None
    warning: str | None = None

    def extension(self) -> dict[str, Any]:
        """The ``extensions.cost`` value exposed to a client that asks for it."""
        return {"estimated": self.estimated, "max": self.max}


#: The largest estimate reported (2^53 - 1, the largest integer every JSON client reads
#: exactly). Nested lists multiply: 32 levels of 10-item lists estimate 10^32, which no
#: JSON encoder of 64-bit integers can write (the response would fail with a 500).
MAX_REPORTED_COST = 2**53 - 1


def check_cost(
    config: CostConfig,
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    *,
    link_schema: GraphQLSchema | None = None,
) -> CostReport:
    """Estimate the cost and enforce ``config.max``: raises ``CostTooExpensive``
    (COST_ESTIMATED_TOO_EXPENSIVE) unless in warn-only mode. Estimates above
    ``MAX_REPORTED_COST`` are reported as that number."""
    estimated = min(
        MAX_REPORTED_COST,
        estimate_cost(
            schema,
            document,
            operation_name,
            variables,
            default_list_size=config.default_list_size,
            link_schema=link_schema,
        ),
    )
    if config.max is None or estimated <= config.max:
        return CostReport(estimated, config.max)
    message = f"Operation estimated cost {estimated} is over the maximum of {config.max}."
    if config.warn_only:
        return CostReport(estimated, config.max, warning=message)
    raise CostTooExpensive(message, extensions={"limit": config.max, "measured": estimated})
