"""What caching needs to know about one operation, read once from the supergraph.

``analyze`` walks the operation (fragments included) over the supergraph schema and
returns an ``OperationCaching``:

- ``policy``: Apollo Server's rules, applied to every field the operation selects —
  a field's hint is its return type's hint (objects, interfaces, unions), replaced by
  the field's own; a field with ``inheritMaxAge`` (on it or on its type) takes no
  ``maxAge`` of its own; root fields and fields returning objects get
  ``default_max_age`` when nothing gave them one; scalars inherit their parent's.
  It is static: every selected field counts, also one under a ``@skip`` or a type
  condition that does not match at run time (never longer than Apollo's, maybe shorter).
- ``entities``: where entities (types with a ``@key``) sit in the response and which
  response key holds their key field, to tag a cached response with ``Type:id``;
- ``authorization``: whether any selected field or type carries ``@authenticated``,
  ``@requiresScopes`` or ``@policy`` (the response then depends on who asks).

Computed once per document and operation (``ResponseCaching`` caches it with the
supergraph's hash), never per request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLCompositeType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    is_composite_type,
)

from gateway.caching.policy import CachePolicy, hint_from
from gateway.supergraph import Supergraph

_AUTHORIZATION = frozenset({"authenticated", "requiresScopes", "policy"})


@dataclass(frozen=True, slots=True)
class EntitySite:
    """Objects of entity type ``type_name`` at ``path`` (response keys; lists are walked
    through); ``key``: the response key of their key field, None when not selected."""

    path: tuple[str, ...]
    type_name: str
    key: str | None


@dataclass(frozen=True, slots=True)
class OperationCaching:
    policy: CachePolicy
    entities: tuple[EntitySite, ...]
    authorization: bool


def analyze(
    supergraph: Supergraph,
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
    default_max_age: int = 0,
) -> OperationCaching:
    walker = _Walker(supergraph, fragments, default_max_age)
    root = supergraph.schema.get_root_type(operation.operation)
    if root is not None:
        walker.selections(root, operation.selection_set, (), at_root=True)
    return OperationCaching(walker.policy, tuple(dict.fromkeys(walker.sites)), walker.authz)


class _Walker:
    def __init__(
        self,
        supergraph: Supergraph,
        fragments: dict[str, FragmentDefinitionNode],
        default_max_age: int,
    ) -> None:
        self.supergraph = supergraph
        self.fragments = fragments
        self.default_max_age = default_max_age
        self.policy = CachePolicy()
        self.sites: list[EntitySite] = []
        self.authz = False

    def selections(
        self,
        parent: GraphQLCompositeType,
        selection_set: SelectionSetNode,
        path: tuple[str, ...],
        at_root: bool = False,
    ) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                self.field(parent, selection, path, at_root)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self._type(condition.name.value) if condition else parent
                self.selections(target or parent, selection.selection_set, path, at_root)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None:
                    target = self._type(fragment.type_condition.name.value)
                    self.selections(target or parent, fragment.selection_set, path, at_root)

    def field(
        self, parent: GraphQLCompositeType, node: FieldNode, path: tuple[str, ...], at_root: bool
    ) -> None:
        name = node.name.value
        if name == "__typename":
            return  # a scalar: as cacheable as its parent
        if name.startswith("__"):  # introspection: a root field without a hint
            self.policy = self.policy.restrict(self.default_max_age, None)
            return
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return
        definition = parent.fields.get(name)
        if definition is None:
            return
        target = get_named_type(definition.type)
        composite = is_composite_type(target)
        max_age: int | None = None
        private: bool | None = None
        inherit = False
        if composite:
            type_hint = hint_from(_nodes(target))
            if type_hint is not None:
                max_age, private, inherit = type_hint.max_age, type_hint.private, type_hint.inherit
            self._authorization(_nodes(target))
        field_hint = hint_from((definition.ast_node,))
        if field_hint is not None:
            if field_hint.inherit and max_age is None:
                inherit = True
                private = field_hint.private if field_hint.private is not None else private
            else:
                max_age = field_hint.max_age if field_hint.max_age is not None else max_age
                private = field_hint.private if field_hint.private is not None else private
        self._authorization((definition.ast_node,))
        if max_age is None and ((composite and not inherit) or at_root):
            max_age = self.default_max_age
        self.policy = self.policy.restrict(max_age, private)
        if node.selection_set is None or not composite:
            return
        here = (*path, node.alias.value if node.alias else name)
        if isinstance(target, GraphQLObjectType):
            key = self._entity_key(target.name)
            if key is not None:
                response_key = _response_key(node.selection_set, key, self.fragments)
                self.sites.append(EntitySite(here, target.name, response_key))
        self.selections(target, node.selection_set, here)

    def _type(self, name: str) -> GraphQLCompositeType | None:
        found = self.supergraph.schema.get_type(name)
        return found if is_composite_type(found) else None

    def _entity_key(self, type_name: str) -> str | None:
        """The field of the type's first single-field ``@key`` (``id``), or None."""
        info = self.supergraph.types.get(type_name)
        if info is None:
            return None
        for join in info.joins:
            if join.key is not None and len(join.key.split()) == 1 and "{" not in join.key:
                return join.key.strip()
        return None

    def _authorization(self, nodes: Any) -> None:
        if self.authz:
            return
        for node in nodes:
            for directive in getattr(node, "directives", None) or ():
                if directive.name.value in _AUTHORIZATION:
                    self.authz = True
                    return


def _nodes(named: Any) -> tuple[Any, ...]:
    return (named.ast_node, *(named.extension_ast_nodes or ()))


def _response_key(
    selection_set: SelectionSetNode, field: str, fragments: dict[str, FragmentDefinitionNode]
) -> str | None:
    """The response key under which ``field`` is selected in ``selection_set`` (or in a
    fragment in it); None when it is not."""
    for selection in selection_set.selections:
        inner: SelectionSetNode | None = None
        if isinstance(selection, FieldNode):
            if selection.name.value == field:
                return selection.alias.value if selection.alias else field
        elif isinstance(selection, InlineFragmentNode):
            inner = selection.selection_set
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments:
            inner = fragments[selection.name.value].selection_set
        if inner is not None:
            found = _response_key(inner, field, fragments)
            if found is not None:
                return found
    return None
