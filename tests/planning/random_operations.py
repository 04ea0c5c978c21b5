"""A hypothesis strategy for operations over any API schema, and what to check of their plans.

``operations(schema)`` draws the text of one operation (query, mutation or subscription)
and the values of its ``@skip``/``@include`` variables: nested selections (entity
boundaries come with the supergraph), inline and named fragments on objects, interfaces
and unions, ``__typename`` at any level, introspection beside fetched root fields, aliases
(the same response key twice, client aliases named like other fields or ``__typename``),
arguments as literals or variables, required ones always given. Most drawn operations are
valid; callers keep the valid ones (``hypothesis.assume``), graphql-core deciding.

``PlanningCase.plan`` normalizes and plans a document as the gateway does (the planner
``gateway/state.py`` builds) and returns the plan or the planning error.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphql import (
    FragmentDefinitionNode,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    OperationDefinitionNode,
    Undefined,
    get_named_type,
    is_composite_type,
    is_leaf_type,
    parse,
    validate,
)
from hypothesis import strategies as st

from gateway.engine_config import EngineConfig
from gateway.errors import GatewayError
from gateway.limits.config import LimitsConfig
from gateway.planning.operation import normalize
from gateway.planning.plan import QueryPlan
from gateway.state import SupergraphState
from gateway.supergraph import Supergraph

ROOT = Path(__file__).resolve().parents[2]
MAX_DEPTH = 4

Composite = GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType


@dataclass
class _Document:
    """One operation being drawn: its variables and named fragments so far."""

    schema: GraphQLSchema
    draw: Any
    variables: dict[str, str] = field(default_factory=dict)
    conditions: dict[str, bool] = field(default_factory=dict)
    fragments: list[tuple[str, str, str]] = field(default_factory=list)  # name, type, text
    names: itertools.count[int] = field(default_factory=itertools.count)
    no_directives: bool = False

    def unique(self, prefix: str) -> str:
        return f"{prefix}{next(self.names)}"

    # -- selections ----------------------------------------------------------------------

    def selection_set(self, parent: Composite, depth: int, most: int = 2) -> str:
        items: list[str] = []
        fields_here: list[tuple[str, GraphQLField, str]] = []  # (head, field, key)
        for _ in range(self.draw(st.integers(1, most))):
            kind = self.draw(
                st.sampled_from(
                    ["field", "field", "field", "typename", "inline", "spread", "again", "meta"]
                )
            )
            item = self._item(kind, parent, depth, fields_here)
            if item is not None:
                items.append(item)
        if not items:
            items.append("__typename")
        return "{ " + " ".join(items) + " }"

    def _item(
        self,
        kind: str,
        parent: Composite,
        depth: int,
        fields_here: list[tuple[str, GraphQLField, str]],
    ) -> str | None:
        if kind == "meta" and parent is not self.schema.query_type:
            kind = "field"
        if kind == "typename" or (isinstance(parent, GraphQLUnionType) and kind == "field"):
            alias = self.unique("t") + ": " if self.draw(st.booleans()) else ""
            return alias + "__typename" + self._directives()
        if kind == "meta":
            # Introspection beside fetched fields: the gateway answers it itself.
            if self.draw(st.booleans()):
                return "__schema" + self._directives() + " { queryType { name } }"
            named = self.draw(st.sampled_from(sorted(self.schema.type_map)))
            return f'__type(name: "{named}")' + self._directives() + " { name kind }"
        if kind == "field":
            return self._field(parent, depth, fields_here)
        if kind == "again" and fields_here:
            # The same response key twice: the same field and arguments, maybe another
            # selection below (GraphQL merges them).
            head, definition, _key = self.draw(st.sampled_from(fields_here))
            return str(head) + self._directives() + self._below(definition, depth)
        if kind in ("inline", "spread") and depth > 0:
            condition = self.draw(st.sampled_from(_conditions(self.schema, parent)))
            if kind == "inline":
                on = f"on {condition.name} " if self.draw(st.integers(0, 4)) else ""
                target = condition if on else parent
                directives = self._directives()
                return f"... {on}{directives} {self.selection_set(target, depth - 1)}"
            return "..." + self._fragment(condition, depth - 1) + self._directives()
        return None

    def _field(
        self, parent: Composite, depth: int, fields_here: list[tuple[str, GraphQLField, str]]
    ) -> str | None:
        assert not isinstance(parent, GraphQLUnionType)
        choices = [
            (name, f)
            for name, f in parent.fields.items()
            if depth > 0 or is_leaf_type(get_named_type(f.type))
        ]
        if not choices:
            return None
        name, definition = self.draw(st.sampled_from(choices))
        arguments = self._arguments(definition)
        used = {key for _, _, key in fields_here}
        alias = ""
        how = self.draw(st.integers(0, 2))
        if how == 1 or name in used:
            alias = self.unique(f"{name}_") + ": "
        elif how == 2:
            # Another field's name as the alias: the planner's own fields (keys,
            # requirements) must not collide with the client's response keys.
            other = self.draw(st.sampled_from([*sorted(parent.fields), "__typename"]))
            alias = f"{other}: " if other != name and other not in used else ""
        head = f"{alias}{name}{arguments}"
        fields_here.append((head, definition, alias[:-2] or name))
        return head + self._directives() + self._below(definition, depth)

    def _below(self, definition: GraphQLField, depth: int) -> str:
        named = get_named_type(definition.type)
        if not is_composite_type(named):
            return ""
        return " " + self.selection_set(named, depth - 1)

    def _fragment(self, condition: Composite, depth: int) -> str:
        reusable = [name for name, on, _ in self.fragments if on == condition.name]
        if reusable and self.draw(st.booleans()):
            return str(self.draw(st.sampled_from(reusable)))
        name = self.unique("F")
        body = self.selection_set(condition, depth)
        self.fragments.append((name, condition.name, f"fragment {name} on {condition.name} {body}"))
        return name

    def _directives(self) -> str:
        if self.no_directives:
            self.no_directives = False  # only the first (the subscription's root field)
            return ""
        # Draws shrink towards 0: no directive is the simplest choice.
        choice = self.draw(st.integers(0, 7))
        if choice < 5:
            return ""
        directive = "include" if choice == 7 else "skip"
        if choice == 5:
            return f" @{directive}(if: {json.dumps(self.draw(st.booleans()))})"
        variable = self.draw(st.sampled_from(["c0", "c1", "c2"]))
        self.variables[variable] = "Boolean!"
        self.conditions.setdefault(variable, self.draw(st.booleans()))
        return f" @{directive}(if: ${variable})"

    # -- arguments -----------------------------------------------------------------------

    def _arguments(self, definition: GraphQLField) -> str:
        given = []
        for name, argument in definition.args.items():
            required = (
                isinstance(argument.type, GraphQLNonNull) and argument.default_value is Undefined
            )
            if not required and not self.draw(st.booleans()):
                continue
            given.append(f"{name}: {self.value(argument.type, 0)}")
        return f"({', '.join(given)})" if given else ""

    def value(self, type_: GraphQLInputType, depth: int, const: bool = False) -> str:
        """A literal of ``type_``, or a variable (also inside lists and input objects) unless
        ``const`` (a variable's default value)."""
        if not const and self.draw(st.integers(0, 3)) == 3:
            variable = self.unique("v")
            declared = str(type_)
            if not isinstance(type_, GraphQLNonNull) and self.draw(st.booleans()):
                declared += " = " + self._value(type_, depth, const=True)  # a default
            self.variables[variable] = declared
            return f"${variable}"
        if isinstance(type_, GraphQLNonNull):
            return self._value(type_.of_type, depth, const)
        if self.draw(st.integers(0, 9)) == 0:
            return "null"
        return self._value(type_, depth, const)

    def _value(self, type_: Any, depth: int, const: bool = False) -> str:
        if isinstance(type_, GraphQLList):
            count = self.draw(st.integers(0, 2))
            items = [self.value(type_.of_type, depth, const) for _ in range(count)]
            return "[" + ", ".join(items) + "]"
        if isinstance(type_, GraphQLEnumType):
            return str(self.draw(st.sampled_from(list(type_.values))))
        if isinstance(type_, GraphQLInputObjectType):
            given = []
            for name, input_field in type_.fields.items():
                required = isinstance(input_field.type, GraphQLNonNull) and (
                    input_field.default_value is Undefined
                )
                if required or (depth < 2 and self.draw(st.booleans())):
                    given.append(f"{name}: {self.value(input_field.type, depth + 1, const)}")
            return "{" + ", ".join(given) + "}"
        return self._scalar(type_)

    def _scalar(self, type_: GraphQLScalarType) -> str:
        if type_.name in ("Int", "Float"):
            return str(self.draw(st.integers(0, 50)))
        if type_.name == "Boolean":
            return json.dumps(self.draw(st.booleans()))
        # String, ID and custom scalars accept a string literal.
        return json.dumps(self.draw(st.sampled_from(["1", "a", "x y", ""])))


def _conditions(schema: GraphQLSchema, parent: Composite) -> list[Composite]:
    """Type conditions that may be used inside a selection on ``parent`` (they overlap)."""
    possible = (
        [parent]
        if isinstance(parent, GraphQLObjectType)
        else list(schema.get_possible_types(parent))
    )
    out: dict[str, Composite] = {parent.name: parent}
    for object_type in possible:
        out[object_type.name] = object_type
        for interface in object_type.interfaces:
            out[interface.name] = interface
    for named in schema.type_map.values():
        if isinstance(named, GraphQLUnionType) and any(t in possible for t in named.types):
            out[named.name] = named
    return [out[name] for name in sorted(out)]


@st.composite
def operations(draw: Any, schema: GraphQLSchema) -> tuple[str, dict[str, Any]]:
    """An operation's text and its ``@skip``/``@include`` variable values."""
    roots = [t for t in (schema.query_type, schema.mutation_type, schema.subscription_type) if t]
    root = draw(st.sampled_from(roots))
    kind = {schema.query_type: "query", schema.mutation_type: "mutation"}.get(root, "subscription")
    document = _Document(schema, draw)
    depth = draw(st.integers(1, MAX_DEPTH))
    if kind == "subscription":
        # One root field (the spec's single-field rule), without directives there.
        fields_here: list[tuple[str, GraphQLField, str]] = []
        document.no_directives = True
        head = document._field(root, depth, fields_here) or "__typename"
        body = "{ " + head + " }"
    else:
        body = document.selection_set(root, depth, most=4)
    name = draw(st.sampled_from(["", " Op"]))
    variables = ", ".join(f"${v}: {t}" for v, t in document.variables.items())
    header = kind + name + (f"({variables})" if variables else "")
    fragments = "\n".join(text for _, _, text in document.fragments)
    return f"{header} {body}\n{fragments}".strip(), dict(document.conditions)


# -- planning as the gateway does --------------------------------------------------------


@dataclass
class PlanningCase:
    """One supergraph: its API schema and the planner the gateway builds for it."""

    name: str
    supergraph: Supergraph
    state: SupergraphState

    @classmethod
    def load(cls, name: str, sdl: str, labels: tuple[str, ...] = ()) -> PlanningCase:
        """``labels``: the progressive ``@override`` labels the gateway enables."""
        supergraph = Supergraph.parse(sdl)
        engine = EngineConfig(override_labels=list(labels))
        return cls(name, supergraph, SupergraphState(supergraph, engine, LimitsConfig()))

    def validation_errors(self, text: str) -> list[str]:
        return [e.message for e in validate(self.supergraph.api_schema, parse(text))]

    def plan(self, text: str, variables: dict[str, Any]) -> QueryPlan | GatewayError:
        """The plan of ``text``, or the ``GatewayError`` planning raised (others propagate)."""
        document = parse(text)
        operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        try:
            normalized = normalize(self.supergraph.api_schema, operation, fragments, variables)
            return self.state.planner.plan(normalized)
        except GatewayError as error:
            return error


def supergraph_sources() -> dict[str, str]:
    """Every supergraph the tests and the benchmark use, by a readable name (deduplicated)."""
    import importlib

    found: dict[str, str] = {}
    for path in sorted((ROOT / "tests" / "planning").glob("test_*.py")):
        module = importlib.import_module(f"tests.planning.{path.stem}")
        for attribute, value in vars(module).items():
            if "SUPERGRAPH" in attribute and isinstance(value, str) and "join__Graph" in value:
                found.setdefault(f"{path.stem}.{attribute}", value)
    for relative in (
        "schema/supergraph.graphql",
        "bench/data/supergraph.graphql",
        "bench/data/supergraph-scale.graphql",
    ):
        found[relative] = (ROOT / relative).read_text(encoding="utf-8")
    unique: dict[str, str] = {}
    for name, sdl in found.items():
        if sdl not in unique.values():
            unique[name] = sdl
    return unique


def override_labels(sdl: str) -> tuple[str, ...]:
    """The progressive ``@override`` labels a supergraph uses (planned with and without)."""
    return tuple(sorted(set(re.findall(r'overrideLabel:\s*"([^"]+)"', sdl))))
