"""An operation's cache policy and entity sites, by Apollo Server's rules, on a small
supergraph composed from inline subgraph schemas."""

from __future__ import annotations

import pytest
from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse

from gateway.caching.analysis import EntitySite, OperationCaching, analyze
from gateway.caching.entities import entity_tags
from gateway.caching.policy import CachePolicy
from gateway.supergraph import Supergraph
from tests.composition.helpers import compose_ok

HEAD = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", '
    'import: ["@key", "@composeDirective", "@authenticated"])\n'
    '  @link(url: "https://specs.example.com/cacheControl/v0.1", import: ["@cacheControl"])\n'
    '  @composeDirective(name: "@cacheControl")\n'
    "enum CacheControlScope { PUBLIC PRIVATE }\n"
    "directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean)"
    " on FIELD_DEFINITION | OBJECT | INTERFACE | UNION\n"
)
SUBGRAPH = (
    HEAD
    + """
type Query {
  catalogue: Page @cacheControl(maxAge: 300)
  course(id: ID!): Course
  hinted(id: ID!): Course @cacheControl(maxAge: 30)
  version: String
  pinnedVersion: String @cacheControl(maxAge: 60)
  me: Learner @cacheControl(maxAge: 20, scope: PRIVATE)
  secret: String @authenticated @cacheControl(maxAge: 100)
}
type Page { items: [Course!]! @cacheControl(inheritMaxAge: true) total: Int! }
type Unhinted { items: [Course!]! }
type Course @key(fields: "id") @cacheControl(maxAge: 600) {
  id: ID!
  title: String!
  related: Unhinted
  notes: String @cacheControl(scope: PRIVATE)
  fresh: Int @cacheControl(maxAge: 5)
}
type Learner @key(fields: "id") { id: ID! name: String! }
"""
)


@pytest.fixture(scope="module")
def supergraph() -> Supergraph:
    return Supergraph.parse(compose_ok(a=SUBGRAPH))


def run(supergraph: Supergraph, text: str, default_max_age: int = 0) -> OperationCaching:
    document = parse(text)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return analyze(supergraph, operation, fragments, default_max_age)


@pytest.mark.parametrize(
    ("operation", "policy"),
    [
        # A root field returning a hinted type: the type's hint.
        ('{ course(id: "1") { id title } }', CachePolicy(600, False)),
        # The field's own hint replaces its type's.
        ('{ hinted(id: "1") { title } }', CachePolicy(30, False)),
        # A scalar root field without a hint: the default (0), not cacheable.
        ("{ version }", CachePolicy(0, False)),
        ("{ pinnedVersion }", CachePolicy(60, False)),
        # inheritMaxAge: the items take the catalogue's 300, each Course its 600.
        ("{ catalogue { total items { title } } }", CachePolicy(300, False)),
        # An object field without any hint (Unhinted) gets the default 0.
        ('{ course(id: "1") { related { items { id } } } }', CachePolicy(0, False)),
        # A private scalar makes the whole response private; a shorter one shortens it.
        ('{ course(id: "1") { notes fresh } }', CachePolicy(5, True)),
        ("{ me { name } }", CachePolicy(20, True)),
        # Minimum over everything selected, fragments included.
        (
            "{ catalogue { ...F } me { id } } fragment F on Page { items { fresh } }",
            CachePolicy(5, True),
        ),
        ("{ __typename }", CachePolicy(None, False)),
    ],
)
def test_policy(supergraph: Supergraph, operation: str, policy: CachePolicy) -> None:
    assert run(supergraph, operation).policy == policy


def test_default_max_age_applies_where_nothing_says(supergraph: Supergraph) -> None:
    assert run(supergraph, "{ version }", default_max_age=15).policy == CachePolicy(15, False)


def test_headers_of_policies() -> None:
    assert CachePolicy(60, False).header() == "max-age=60, public"
    assert CachePolicy(10, True).header() == "max-age=10, private"
    assert CachePolicy(0, True).header() == "no-store"
    assert CachePolicy(None, False).header() == "no-store"


def test_authorization_is_noticed(supergraph: Supergraph) -> None:
    assert run(supergraph, "{ secret }").authorization
    assert not run(supergraph, "{ pinnedVersion }").authorization


def test_entity_sites_and_tags(supergraph: Supergraph) -> None:
    caching = run(
        supergraph,
        '{ catalogue { items { courseId: id title } } me { name } c: course(id: "1") { id } }',
    )
    assert set(caching.entities) == {
        EntitySite(("catalogue", "items"), "Course", "courseId"),
        EntitySite(("me",), "Learner", None),
        EntitySite(("c",), "Course", "id"),
    }
    data = {
        "catalogue": {"items": [{"courseId": "c1", "title": "A"}, {"courseId": "c2"}]},
        "me": {"name": "Ada"},
        "c": {"id": "c3"},
    }
    # A learner whose key was not selected is tagged by its type alone.
    assert entity_tags(data, caching.entities) == {"Course:c1", "Course:c2", "Course:c3", "Learner"}
