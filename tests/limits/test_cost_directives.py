"""Reading ``@cost``/``@listSize`` under the names a supergraph's ``@link`` gives them."""

from __future__ import annotations

from graphql import build_schema, parse

from gateway.limits import estimate_cost
from gateway.limits.cost_directives import ListSize, cost_directives

TYPES = """
type Query {{
  courses(first: Int): [Course!]! @{list_size}(slicingArguments: ["first"])
  report: Report @{cost}(weight: 40)
}}
type Course @{cost}(weight: 4) {{ id: ID! }}
type Report {{ id: ID! }}
directive @{cost}(weight: Int!) on FIELD_DEFINITION | OBJECT
directive @{list_size}(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!],
  requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
directive @link(url: String, as: String, import: [link__Import]) repeatable on SCHEMA
scalar link__Import
"""


def schema_with(link: str, cost: str, list_size: str):
    schema_def = f"schema {link} {{ query: Query }}\n" if link else ""
    return build_schema(schema_def + TYPES.format(cost=cost, list_size=list_size))


def check(schema) -> None:
    found = cost_directives(schema)
    assert found.types == {"Course": 4}
    assert found.fields == {("Query", "report"): 40}
    assert found.list_sizes == {("Query", "courses"): ListSize(slicing_arguments=("first",))}
    assert estimate_cost(schema, parse("{ courses(first: 5) { id } report { id } }")) == 5 * 4 + 40


def test_imported_names() -> None:
    link = '@link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@cost", "@listSize"])'
    check(schema_with(link, "cost", "listSize"))


def test_names_without_import_are_namespaced() -> None:
    check(schema_with('@link(url: "https://specs.apollo.dev/cost/v0.1")', "cost", "cost__listSize"))


def test_namespace_renamed_with_as() -> None:
    link = '@link(url: "https://specs.apollo.dev/cost/v0.1", as: "demand")'
    check(schema_with(link, "demand", "demand__listSize"))


def test_import_renamed() -> None:
    link = (
        '@link(url: "https://specs.apollo.dev/cost/v0.1", '
        'import: [{name: "@cost", as: "@weight"}, {name: "@listSize", as: "@size"}])'
    )
    check(schema_with(link, "weight", "size"))


def test_without_link_plain_and_prefixed_names_are_recognised() -> None:
    check(schema_with("", "cost", "listSize"))
    check(schema_with("", "cost__cost", "cost__listSize"))


def test_other_directives_with_similar_names_are_ignored() -> None:
    link = '@link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@cost", "@listSize"])'
    schema = schema_with(link, "cost", "listSize")
    extended = build_schema(
        'schema @link(url: "https://specs.apollo.dev/cost/v0.1", as: "c") { query: Query }\n'
        + TYPES.format(cost="cost", list_size="listSize")
    )
    found = cost_directives(extended)  # under `as: "c"`, @cost/@listSize are not the spec's
    assert found.types == {} and found.list_sizes == {}
    assert cost_directives(schema).types == {"Course": 4}
