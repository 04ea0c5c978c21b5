# ruff: noqa: E501 -- SDL as composition prints it.
"""Each subgraph's schema rebuilt from the supergraph's join directives, and plans' fetches
validated against it (``gateway.planning.validity``)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from graphql import (
    GraphQLSchema,
    OperationDefinitionNode,
    get_named_type,
    is_enum_type,
    is_input_object_type,
    is_interface_type,
    is_object_type,
    is_union_type,
    parse,
    validate_schema,
)

from gateway.engine_config import EngineConfig
from gateway.limits.config import LimitsConfig
from gateway.planning.graph import SupergraphGraph
from gateway.planning.operation import NormalizedOperation, normalize, select_operation
from gateway.planning.plan import Fetch, Flatten, KeyField, Parallel, QueryPlan, Sequence
from gateway.planning.planner import Planner
from gateway.planning.validity import (
    InvalidPlan,
    ValidatingPlanner,
    subgraph_schemas,
    validate_plan,
)
from gateway.state import SupergraphState
from gateway.supergraph import Supergraph
from tests.planning.header import INACCESSIBLE_LINK, supergraph
from tests.planning.helpers import KitSubgraph, kit_gateway, validated_plans

SUPERGRAPH = supergraph(
    ["accounts", "billing", "media", "shop"],
    """
interface Account
  @join__type(graph: ACCOUNTS, key: "id")
  @join__type(graph: BILLING, key: "id", isInterfaceObject: true)
{
  id: ID!
  email: String! @join__field(graph: ACCOUNTS)
  balance: Int! @join__field(graph: BILLING)
}

type User implements Account
  @join__implements(graph: ACCOUNTS, interface: "Account")
  @join__type(graph: ACCOUNTS, key: "id")
  @join__type(graph: SHOP, key: "id")
{
  id: ID!
  email: String! @join__field(graph: ACCOUNTS) @join__field(graph: SHOP, external: true)
  balance: Int! @join__field
  handle: String @join__field(graph: ACCOUNTS, type: "String!") @join__field(graph: SHOP, type: "String")
  secret: String @join__field(graph: ACCOUNTS) @inaccessible
  orders(status: Status = OPEN, filter: OrderFilter): [Order!]! @join__field(graph: SHOP, requires: "email")
}

type Order @join__type(graph: SHOP) {
  id: ID!
  status: Status!
}

enum Status @join__type(graph: SHOP) @join__type(graph: MEDIA) {
  OPEN @join__enumValue(graph: SHOP) @join__enumValue(graph: MEDIA)
  CLOSED @join__enumValue(graph: SHOP)
}

input OrderFilter @join__type(graph: SHOP) {
  minTotal: Int
}

type Book @join__type(graph: MEDIA, key: "id") @join__type(graph: SHOP, key: "id") {
  id: ID!
  title: String! @join__field(graph: MEDIA)
}

type Song @join__type(graph: MEDIA, key: "id") {
  id: ID!
  title: String!
}

union Item @join__type(graph: MEDIA) @join__type(graph: SHOP)
  @join__unionMember(graph: MEDIA, member: "Book") @join__unionMember(graph: MEDIA, member: "Song")
  @join__unionMember(graph: SHOP, member: "Book")
 = Book | Song

type Query
  @join__type(graph: ACCOUNTS)
  @join__type(graph: BILLING)
  @join__type(graph: MEDIA)
  @join__type(graph: SHOP)
{
  users: [User!]! @join__field(graph: ACCOUNTS)
  richest: Account @join__field(graph: BILLING)
  items: [Item!]! @join__field(graph: MEDIA)
  wishlist: [Item!]! @join__field(graph: SHOP)
  status: Status @join__field(graph: MEDIA)
}

type Mutation @join__type(graph: SHOP) {
  order(id: ID!): Order
}
""",
    extra_links=INACCESSIBLE_LINK,
)


@pytest.fixture(scope="module")
def schemas() -> dict[str, GraphQLSchema]:
    return subgraph_schemas(Supergraph.parse(SUPERGRAPH))


def fields(schema: GraphQLSchema, type_name: str) -> dict[str, str]:
    found = schema.get_type(type_name)
    assert is_object_type(found) or is_interface_type(found), type_name
    return {name: str(f.type) for name, f in found.fields.items()}


def test_every_subgraph_gets_a_valid_schema(schemas: dict[str, GraphQLSchema]) -> None:
    assert sorted(schemas) == ["accounts", "billing", "media", "shop"]
    for schema in schemas.values():
        assert validate_schema(schema) == []


def test_a_field_has_the_type_it_has_in_each_subgraph(schemas: dict[str, GraphQLSchema]) -> None:
    assert fields(schemas["accounts"], "User")["handle"] == "String!"
    assert fields(schemas["shop"], "User")["handle"] == "String"


def test_a_subgraph_has_only_its_own_fields_and_types(schemas: dict[str, GraphQLSchema]) -> None:
    assert fields(schemas["accounts"], "User") == {
        "id": "ID!",
        "email": "String!",
        "handle": "String!",
        "secret": "String",
    }
    assert schemas["billing"].get_type("User") is None
    assert schemas["accounts"].get_type("Order") is None
    # A bare @join__field: the field comes from an @interfaceObject, no subgraph has it on User.
    assert "balance" not in fields(schemas["shop"], "User")


def test_an_external_field_is_in_the_subgraph(schemas: dict[str, GraphQLSchema]) -> None:
    assert fields(schemas["shop"], "User")["email"] == "String!"


def test_an_inaccessible_field_is_still_in_its_subgraph(schemas: dict[str, GraphQLSchema]) -> None:
    assert "secret" in fields(schemas["accounts"], "User")


def test_union_members_are_those_of_the_subgraph(schemas: dict[str, GraphQLSchema]) -> None:
    media, shop = schemas["media"].get_type("Item"), schemas["shop"].get_type("Item")
    assert is_union_type(media) and is_union_type(shop)
    assert [t.name for t in media.types] == ["Book", "Song"]
    assert [t.name for t in shop.types] == ["Book"]


def test_enum_values_and_input_types_per_subgraph(schemas: dict[str, GraphQLSchema]) -> None:
    media, shop = schemas["media"].get_type("Status"), schemas["shop"].get_type("Status")
    assert is_enum_type(media) and is_enum_type(shop)
    assert list(media.values) == ["OPEN"]
    assert list(shop.values) == ["OPEN", "CLOSED"]
    order_filter = schemas["shop"].get_type("OrderFilter")
    assert is_input_object_type(order_filter) and list(order_filter.fields) == ["minTotal"]
    assert schemas["media"].get_type("OrderFilter") is None
    orders = schemas["shop"].get_type("User").fields["orders"]  # type: ignore[union-attr]
    assert {name: str(a.type) for name, a in orders.args.items()} == {
        "status": "Status",
        "filter": "OrderFilter",
    }


def test_an_interface_object_is_an_object_type_there(schemas: dict[str, GraphQLSchema]) -> None:
    billing, accounts = (
        schemas["billing"].get_type("Account"),
        schemas["accounts"].get_type("Account"),
    )
    assert is_object_type(billing) and is_interface_type(accounts)
    assert fields(schemas["billing"], "Account") == {"id": "ID!", "balance": "Int!"}
    accounts_user = schemas["accounts"].get_type("User")
    assert is_object_type(accounts_user) and [i.name for i in accounts_user.interfaces] == [
        "Account"
    ]


def test_federation_fields_and_root_types(schemas: dict[str, GraphQLSchema]) -> None:
    def entities(name: str) -> list[str] | None:
        union = schemas[name].get_type("_Entity")
        return None if union is None else sorted(t.name for t in union.types)  # type: ignore[attr-defined]

    assert entities("accounts") == ["User"]
    assert entities("billing") == ["Account"]
    assert entities("media") == ["Book", "Song"]
    assert entities("shop") == ["Book", "User"]
    assert str(schemas["shop"].query_type.fields["_entities"].type) == "[_Entity]!"  # type: ignore[union-attr]
    assert "_service" in schemas["shop"].query_type.fields  # type: ignore[union-attr]
    assert schemas["shop"].mutation_type is not None
    assert schemas["media"].mutation_type is None


def test_no_entities_means_no_entities_field() -> None:
    sdl = supergraph(["a"], "type Query @join__type(graph: A) { hello: String }")
    schema = subgraph_schemas(Supergraph.parse(sdl))["a"]
    assert schema.get_type("_Entity") is None
    assert list(schema.query_type.fields) == ["hello", "_service"]  # type: ignore[union-attr]


# -- fetches ---------------------------------------------------------------------------


def entity_fetch(subgraph: str, selection: str, sent: str = "User") -> Flatten:
    operation = (
        "query($representations: [_Any!]!){_entities(representations: $representations)"
        + selection
        + "}"
    )
    requires = ((sent, sent, (KeyField("id", "id", required=True),)),)
    return Flatten((("users", "@"),), Fetch(subgraph, operation, (), requires=requires))


def test_a_valid_plan_has_no_problems(schemas: dict[str, GraphQLSchema]) -> None:
    node = Sequence(
        (
            Fetch("accounts", "{users{__typename id email}}", ()),
            Parallel(
                (
                    entity_fetch("shop", "{...on User{orders(status: CLOSED){id status}}}"),
                    entity_fetch("billing", "{...on Account{balance}}", sent="Account"),
                )
            ),
        )
    )
    assert validate_plan(node, schemas) == []


def test_an_invalid_fetch_is_named_with_its_subgraph_and_error(
    schemas: dict[str, GraphQLSchema],
) -> None:
    node = Sequence(
        (
            Fetch("accounts", "{users{id orders{id}}}", ()),
            entity_fetch("media", "{...on Book{title} ...on Song{title}}"),
            entity_fetch("shop", "{...on Item{...on Song{id}}}"),
            Fetch("media", "{status}", ()),
        )
    )
    problems = validate_plan(node, schemas)
    assert problems == [
        "fetch to 'accounts': {users{id orders{id}}}\n"
        "  Cannot query field 'orders' on type 'User'. (at 1:11)",
        "fetch to 'media': query($representations: [_Any!]!){_entities(representations: $representations){...on Book{title} ...on Song{title}}}\n"
        "  representations of type 'User', unknown to the subgraph",
        "fetch to 'shop': query($representations: [_Any!]!){_entities(representations: $representations){...on Item{...on Song{id}}}}\n"
        "  Unknown type 'Song'. (at 1:97)",
    ]


def test_enum_values_and_variables_are_checked(schemas: dict[str, GraphQLSchema]) -> None:
    wrong_value = Fetch("shop", "mutation{order(id: true){status}}", ())
    undefined = Fetch("shop", "mutation{order(id: $id){id}}", ("id",))
    media_closed = Fetch(
        "media", "query($s: Status = CLOSED){status @include(if: true) s: status}", ()
    )
    problems = validate_plan(Sequence((wrong_value, undefined, media_closed)), schemas)
    assert [p.split("\n")[1] for p in problems] == [
        "  ID cannot represent a non-string and non-integer value: true (at 1:20)",
        "  Variable '$id' is not defined. (at 1:20, 1:1)",
        "  Variable '$s' is never used. (at 1:7)",
        "  Value 'CLOSED' does not exist in 'Status' enum. (at 1:20)",
        "  declares $s but the fetch does not send it",
    ]


def test_a_representation_of_a_type_that_is_not_an_entity_there(
    schemas: dict[str, GraphQLSchema],
) -> None:
    problems = validate_plan(entity_fetch("media", "{...on Book{title}}", sent="Status"), schemas)
    assert problems == [
        "fetch to 'media': query($representations: [_Any!]!){_entities(representations: $representations){...on Book{title}}}\n"
        "  representations of type 'Status', not an entity of the subgraph"
    ]
    unknown = validate_plan(Fetch("nowhere", "{users{id}}", ()), schemas)
    assert unknown == ["fetch to 'nowhere': {users{id}}\n  unknown subgraph 'nowhere'"]
    unparsable = validate_plan(Fetch("shop", "{users{", ()), schemas)
    assert unparsable[0].startswith("fetch to 'shop': {users{\n  does not parse: Syntax Error")


# -- the validating planner -------------------------------------------------------------


def planned(planner: object, query: str, supergraph: Supergraph) -> QueryPlan:
    document = parse(query)
    operation = select_operation(
        [d for d in document.definitions if isinstance(d, OperationDefinitionNode)], None
    )
    normalized: NormalizedOperation = normalize(supergraph.api_schema, operation, {}, {})
    return planner.plan(normalized)  # type: ignore[attr-defined]


class FixedPlanner:
    """A planner that emits a fixed plan node: what a buggy planner could emit."""

    def __init__(self, inner: Planner, node: Fetch) -> None:
        self.inner, self.node = inner, node
        self.graph = inner.graph

    @property
    def schema(self) -> GraphQLSchema:
        return self.inner.schema

    def plan(self, operation: NormalizedOperation) -> QueryPlan:
        plan = self.inner.plan(operation)
        return QueryPlan(self.node, plan.operation, plan.has_introspection, plan.client_keys)


def test_the_validating_planner_passes_valid_plans_and_refuses_invalid_ones() -> None:
    parsed = Supergraph.parse(SUPERGRAPH)
    real = Planner(SupergraphGraph(parsed))
    validating = ValidatingPlanner(real)
    assert validating.schema is real.schema and validating.graph is real.graph
    plan = planned(validating, "{ users { handle email } }", parsed)
    assert plan.text() == planned(real, "{ users { handle email } }", parsed).text()

    broken = ValidatingPlanner(FixedPlanner(real, Fetch("accounts", "{users{balance}}", ())))
    with pytest.raises(InvalidPlan) as raised:
        planned(broken, "{ users { handle } }", parsed)
    assert raised.value.problems == [
        "fetch to 'accounts': {users{balance}}\n  Cannot query field 'balance' on type 'User'. (at 1:8)"
    ]
    assert 'Fetch(service: "accounts")' in str(raised.value)


# -- agreement with the subgraph SDLs the planner tests serve ---------------------------

#: Known, deliberate differences: composition keeps only the input fields every subgraph
#: has, and an @override without a label takes the field away from its old subgraph.
ONLY_IN_SUBGRAPH_SDL = {
    ("test_enums_inputs", "catalog", "Filter.minPrice"),
    ("test_enums_inputs", "paint", "Filter.finish"),
    ("test_override", "legacy", "Product.price"),
}
_FEDERATION = {"_Any", "_Service", "_Entity", "FieldSet", "Int", "String", "Boolean", "ID", "Float"}


def _elements(schema: GraphQLSchema) -> set[str]:
    """Types, fields, arguments, union members, interfaces and enum values, as names."""
    out: set[str] = set()
    for name, found in schema.type_map.items():
        if name.startswith("__") or name in _FEDERATION:
            continue
        out.add(name)
        if is_object_type(found) or is_interface_type(found):
            out.update(f"{name}:{i.name}" for i in found.interfaces)
        if is_object_type(found) or is_interface_type(found) or is_input_object_type(found):
            for field_name, field in found.fields.items():
                if field_name.startswith("_"):
                    continue
                out.add(f"{name}.{field_name}")
                out.add(f"{name}.{field_name}->{get_named_type(field.type).name}")
                out.update(f"{name}.{field_name}({a})" for a in getattr(field, "args", {}))
        if is_union_type(found):
            out.update(f"{name}|{t.name}" for t in found.types)
        if is_enum_type(found):
            out.update(f"{name}.{v}" for v in found.values)
    return out


def _fixture_modules() -> list[str]:
    here = Path(__file__).parent
    return sorted(
        p.stem for p in here.glob("test_*.py") if "\ndef make_subgraphs(" in p.read_text()
    )


@pytest.mark.parametrize("module_name", _fixture_modules())
def test_the_rebuilt_schemas_match_the_fixture_subgraphs(module_name: str) -> None:
    module = importlib.import_module(f"tests.planning.{module_name}")
    made = module.make_subgraphs()
    kits = made[0] if isinstance(made, tuple) else made
    derived = subgraph_schemas(Supergraph.parse(module.SUPERGRAPH))
    for kit in kits:
        ours, theirs = _elements(derived[kit.name]), _elements(kit.schema)
        expected_extra = {
            e for m, s, e in ONLY_IN_SUBGRAPH_SDL if (m, s) == (module_name, kit.name)
        }
        assert ours - theirs == set(), kit.name
        missing = {e for e in theirs - ours if e.split("(")[0].split("->")[0] not in expected_extra}
        assert missing == set(), kit.name


def test_a_supergraph_whose_subgraph_schema_cannot_be_rebuilt_is_reported() -> None:
    """A subgraph where an implementation lacks an interface field (no composition would
    write this): the fetch is reported as uncheckable, validation does not raise."""
    sdl = supergraph(
        ["a", "b"],
        """
interface Node @join__type(graph: A) { id: ID! size: Int }
type Box implements Node @join__implements(graph: A, interface: "Node") @join__type(graph: A) @join__type(graph: B) {
  id: ID!
  size: Int @join__field(graph: B)
}
type Query @join__type(graph: A) { nodes: [Node!]! }
""",
    )
    schemas = subgraph_schemas(Supergraph.parse(sdl))
    problems = validate_plan(Fetch("a", "{nodes{id}}", ()), schemas)
    assert problems == [
        "fetch to 'a': {nodes{id}}\n  cannot check: the subgraph's rebuilt schema is invalid: "
        "Interface field Node.size expected but Box does not provide it."
    ]


def test_a_declared_variable_the_fetch_does_not_send(schemas: dict[str, GraphQLSchema]) -> None:
    sent = Fetch("shop", "mutation($id: ID!){order(id: $id){id}}", ("id",))
    unsent = Fetch("shop", "mutation($id: ID!){order(id: $id){id}}", ())
    assert validate_plan(sent, schemas) == []
    assert validate_plan(unsent, schemas) == [
        "fetch to 'shop': mutation($id: ID!){order(id: $id){id}}\n"
        "  declares $id but the fetch does not send it"
    ]


# -- the planner tests' wiring -----------------------------------------------------------


def test_validated_plans_wraps_the_gateways_planner_once() -> None:
    parsed = Supergraph.parse(SUPERGRAPH)
    with validated_plans(), validated_plans():
        wrapped = SupergraphState(parsed, EngineConfig(), LimitsConfig()).planner
    assert isinstance(wrapped, ValidatingPlanner) and isinstance(wrapped.planner, Planner)
    plain = SupergraphState(parsed, EngineConfig(), LimitsConfig()).planner
    assert isinstance(plain, Planner)


async def test_a_kit_gateway_validates_its_plans_after_a_reload_too() -> None:
    sdl = supergraph(["a"], "type Query @join__type(graph: A) { hello: String }")
    hello = KitSubgraph(
        "a", "type Query { hello: String }", resolvers={"Query.hello": lambda *_: "hi"}
    )
    async with kit_gateway(sdl, hello) as gw:
        assert isinstance(gw.gateway.state.planner, ValidatingPlanner)
        assert (await gw.run("{ hello }"))[1] == {"data": {"hello": "hi"}}
        await gw.gateway.reload(sdl)
        assert isinstance(gw.gateway.state.planner, ValidatingPlanner)
        assert (await gw.run("{ hello }"))[1] == {"data": {"hello": "hi"}}
