"""Which subscriptions can resume, and the upstream operation that lets them.

A subscription root field is *resumable* when it takes an argument named
``subscriptions.resume_argument`` (``after``) and returns one object whose type has a leaf
field ``subscriptions.resume_cursor_field`` (``cursor``): the subgraph then promises that
``field(after: c)`` sends the events after cursor ``c``, in order, before the live ones.

For such a subscription the root fetch sent upstream is rewritten once, when its stream
starts:

- the cursor is always selected, under an internal alias (``_gw_cursor``) that the client
  never sees (it is taken out of each event before the event is merged);
- the ``after`` argument is always a variable, so the stream can subscribe again with the
  last cursor it delivered: the client's own variable when it passed one, else
  ``$_gw_after`` (holding the client's literal, or null when it passed none).

Nothing here is specific to one subgraph: the names come from the configuration.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from graphql import (
    ArgumentNode,
    FieldNode,
    GraphQLInterfaceType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    NameNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableDefinitionNode,
    VariableNode,
    get_named_type,
    is_leaf_type,
    parse,
    parse_type,
    print_ast,
    value_from_ast_untyped,
)

#: The alias the gateway selects the cursor under (never a key a client sees).
CURSOR_ALIAS = "_gw_cursor"
#: The variable the gateway adds when the client did not pass ``after`` as a variable.
AFTER_VARIABLE = "_gw_after"


@dataclass(frozen=True, slots=True)
class Resumable:
    """How to resume one root fetch."""

    #: The root fetch's operation text, rewritten (see the module docstring).
    operation: str
    #: The variable that carries the cursor to resume after.
    variable: str
    #: Its value when the stream starts (the client's ``after``; None: live events only).
    initial: Any
    #: The root field's key in each event's ``data``.
    response_key: str

    def take_cursor(self, event: dict[str, Any]) -> Any:
        """Remove the gateway's cursor from ``event`` and return it (None: no cursor)."""
        data = event.get("data")
        root = data.get(self.response_key) if isinstance(data, dict) else None
        return root.pop(CURSOR_ALIAS, None) if isinstance(root, dict) else None


@dataclass(frozen=True, slots=True)
class Rewrite:
    """A resumable root fetch's rewritten operation: the same for every subscriber of a
    plan, so it is made once per plan (``resumable``) and kept with it."""

    operation: str
    variable: str
    #: The client's ``after``: a variable's name, or a literal (None: not passed).
    given: ValueNode | None
    response_key: str

    def initial(self, variables: dict[str, Any]) -> Any:
        """The cursor the stream starts after (None: live events only)."""
        if isinstance(self.given, VariableNode):
            return variables.get(self.given.name.value)
        return None if self.given is None else value_from_ast_untyped(self.given, variables)


#: The plan memo's key for its root fetch's rewrite (``QueryPlan.memo``).
MEMO_KEY = "subscriptions.resumable"


def resumable(
    memo: dict[str, object],
    schema: GraphQLSchema,
    operation: str,
    variables: dict[str, Any],
    argument: str,
    cursor_field: str,
) -> Resumable | None:
    """``operation`` (a plan's root fetch text) made resumable, or None when its root
    field is not resumable per ``schema`` (the supergraph's API schema). The rewrite is
    kept in ``memo`` (the plan's ``QueryPlan.memo``): opening thousands of subscriptions
    of one plan parses and prints its root fetch once."""
    key = f"{MEMO_KEY}({argument}, {cursor_field})"
    if key not in memo:
        memo[key] = rewrite(schema, operation, argument, cursor_field)
    made = memo[key]
    if not isinstance(made, Rewrite):
        return None
    initial = made.initial(variables)
    return Resumable(made.operation, made.variable, initial, made.response_key)


def rewrite(
    schema: GraphQLSchema, operation: str, argument: str, cursor_field: str
) -> Rewrite | None:
    """The rewritten ``operation`` (see the module docstring), or None when it is not
    resumable."""
    subscription_type = schema.subscription_type
    document = parse(operation, no_location=True)
    definition = document.definitions[0]
    if subscription_type is None or not isinstance(definition, OperationDefinitionNode):
        return None
    fields = [s for s in definition.selection_set.selections if isinstance(s, FieldNode)]
    root = fields[0] if len(fields) == 1 else None
    if root is None or root.selection_set is None:
        return None
    field = subscription_type.fields.get(root.name.value)
    if field is None or argument not in field.args:
        return None
    returned = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
    if not isinstance(returned, GraphQLObjectType | GraphQLInterfaceType):
        return None  # a list of events, or not an object: no one cursor per event
    cursor = returned.fields.get(cursor_field)
    if cursor is None or not is_leaf_type(get_named_type(cursor.type)):
        return None

    given = next((a for a in root.arguments or () if a.name.value == argument), None)
    declared = definition.variable_definitions or ()
    arguments = root.arguments or ()
    if given is not None and isinstance(given.value, VariableNode):
        name = given.value.name.value
    else:
        name = _free_name(definition, AFTER_VARIABLE)
        variable = VariableNode(name=NameNode(value=name))
        declared = (
            *declared,
            VariableDefinitionNode(
                variable=variable,
                type=parse_type(str(field.args[argument].type)),
                directives=(),
            ),
        )
        others = tuple(a for a in arguments if a.name.value != argument)
        arguments = (*others, ArgumentNode(name=NameNode(value=argument), value=variable))
    selected = FieldNode(
        alias=NameNode(value=CURSOR_ALIAS),
        name=NameNode(value=cursor_field),
        arguments=(),
        directives=(),
    )
    # graphql-core's nodes are frozen: the rewritten operation is a new tree.
    selections = (*root.selection_set.selections, selected)
    new_root = replace(
        root, arguments=arguments, selection_set=SelectionSetNode(selections=selections)
    )
    new_definition = replace(
        definition,
        variable_definitions=declared,
        selection_set=SelectionSetNode(selections=(new_root,)),
    )
    text = print_ast(replace(document, definitions=(new_definition, *document.definitions[1:])))
    literal = None if given is None else given.value
    return Rewrite(text, name, literal, (root.alias or root.name).value)


def _free_name(definition: OperationDefinitionNode, wanted: str) -> str:
    taken = {d.variable.name.value for d in definition.variable_definitions or ()}
    name, number = wanted, 0
    while name in taken:
        number += 1
        name = f"{wanted}{number}"
    return name
