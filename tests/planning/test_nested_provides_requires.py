# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""`@provides` of nested selections (a value type partly provided) and `@requires` with
type conditions on an interface (the representation carries only the fields of each
object's own type)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from inline_snapshot import snapshot

from tests.planning.header import supergraph
from tests.planning.helpers import KitGateway, KitSubgraph, kit_gateway

#: One event loop per module: the module-scoped kit servers and gateway live in it.
pytestmark = pytest.mark.asyncio(loop_scope="module")

SUPERGRAPH = supergraph(
    ["people", "posts"],
    r"""
type Query @join__type(graph: PEOPLE) @join__type(graph: POSTS) {
  posts: [Post!]! @join__field(graph: POSTS)
  people: [Person!]! @join__field(graph: PEOPLE)
}
type Post @join__type(graph: POSTS, key: "id") {
  id: ID!
  title: String!
  author: Person! @join__field(graph: POSTS, provides: "name address { city }")
}
type Person @join__type(graph: PEOPLE, key: "id") @join__type(graph: POSTS, key: "id") {
  id: ID!
  name: String! @join__field(graph: PEOPLE) @join__field(graph: POSTS, external: true)
  address: Address! @join__field(graph: PEOPLE) @join__field(graph: POSTS, external: true)
  pet: Pet! @join__field(graph: PEOPLE) @join__field(graph: POSTS, external: true)
  age: Int! @join__field(graph: PEOPLE)
  greeting: String! @join__field(graph: POSTS, requires: "name pet { ... on Dog { barks } ... on Cat { lives } }")
  posts: [Post!]! @join__field(graph: POSTS)
}
type Address @join__type(graph: PEOPLE) @join__type(graph: POSTS) {
  city: String!
  street: String! @join__field(graph: PEOPLE)
}
interface Pet @join__type(graph: PEOPLE) @join__type(graph: POSTS) { name: String! }
type Dog implements Pet @join__implements(graph: PEOPLE, interface: "Pet") @join__implements(graph: POSTS, interface: "Pet") @join__type(graph: PEOPLE) @join__type(graph: POSTS) { name: String! barks: Boolean! }
type Cat implements Pet @join__implements(graph: PEOPLE, interface: "Pet") @join__implements(graph: POSTS, interface: "Pet") @join__type(graph: PEOPLE) @join__type(graph: POSTS) { name: String! lives: Int! }
""",
)


def make_subgraphs() -> list[KitSubgraph]:
    people = KitSubgraph(
        "people",
        """type Query { people: [Person!]! }
      type Person @key(fields: "id") { id: ID! name: String! address: Address! pet: Pet! age: Int! }
      type Address @shareable { city: String! street: String! }
      interface Pet { name: String! }
      type Dog implements Pet @shareable { name: String! barks: Boolean! }
      type Cat implements Pet @shareable { name: String! lives: Int! }""",
        {
            "Person": [
                {
                    "id": "p1",
                    "name": "Ann",
                    "address": {"city": "Oslo", "street": "Main"},
                    "pet": {"__typename": "Dog", "name": "Rex", "barks": True},
                    "age": 30,
                },
                {
                    "id": "p2",
                    "name": "Bob",
                    "address": {"city": "Rome", "street": "Via"},
                    "pet": {"__typename": "Cat", "name": "Tom", "lives": 9},
                    "age": 40,
                },
            ]
        },
        {"Query.people": lambda _s, _i: people.rows("Person")},
    )

    def greet(s: dict[str, Any], _i: object) -> str:
        pet = s["pet"]
        return f"{s['name']} with {pet.get('barks')} {pet.get('lives')}"

    posts = KitSubgraph(
        "posts",
        """type Query { posts: [Post!]! }
      type Post @key(fields: "id") { id: ID! title: String! author: Person! @provides(fields: "name address { city }") }
      type Person @key(fields: "id") { id: ID! name: String! @external address: Address! @external pet: Pet! @external
         greeting: String! @requires(fields: "name pet { ... on Dog { barks } ... on Cat { lives } }") posts: [Post!]! }
      type Address @shareable { city: String! }
      interface Pet { name: String! }
      type Dog implements Pet @shareable { name: String! barks: Boolean! }
      type Cat implements Pet @shareable { name: String! lives: Int! }""",
        {
            "Post": [
                {
                    "id": "t1",
                    "title": "Hi",
                    "author": {"id": "p1", "name": "Ann", "address": {"city": "Oslo"}},
                },
                {
                    "id": "t2",
                    "title": "Yo",
                    "author": {"id": "p2", "name": "Bob", "address": {"city": "Rome"}},
                },
            ],
            "Person": [
                {"id": "p1", "posts": [{"id": "t1"}]},
                {"id": "p2", "posts": [{"id": "t2"}]},
            ],
        },
        {"Query.posts": lambda _s, _i: posts.rows("Post"), "Person.greeting": greet},
    )
    return [people, posts]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_nested_provides_saves_the_hop(gw: KitGateway) -> None:
    plan, body = await gw.run("{ posts { title author { name address { city } } } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "posts") {
    {
      posts {
        title
        author {
          name
          address {
            city
          }
        }
      }
    }
  },
}\
""")
    assert body == snapshot(
        {
            "data": {
                "posts": [
                    {"title": "Hi", "author": {"name": "Ann", "address": {"city": "Oslo"}}},
                    {"title": "Yo", "author": {"name": "Bob", "address": {"city": "Rome"}}},
                ]
            }
        }
    )
    assert sorted(gw.sent()) == snapshot(["posts"])


async def test_provides_on_the_path_inside_an_entity_fetch(gw: KitGateway) -> None:
    plan, body = await gw.run("{ people { posts { author { name address { city } } } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "people") {
      {
        people {
          __typename
          id
        }
      }
    },
    Flatten(path: "people.@") {
      Fetch(service: "posts") {
        {
          ... on Person {
            __typename
            id
          }
        } =>
        {
          ... on Person {
            posts {
              author {
                name
                address {
                  city
                }
              }
            }
          }
        }
      },
    },
  },
}\
""")
    assert body == snapshot(
        {
            "data": {
                "people": [
                    {"posts": [{"author": {"name": "Ann", "address": {"city": "Oslo"}}}]},
                    {"posts": [{"author": {"name": "Bob", "address": {"city": "Rome"}}}]},
                ]
            }
        }
    )


async def test_requires_with_type_conditions_on_an_interface(gw: KitGateway) -> None:
    # A Dog has no lives: each representation carries only its own type's fields.
    plan, body = await gw.run("{ people { greeting } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "people") {
      {
        people {
          __typename
          id
          name
          pet {
            __typename
            ... on Dog {
              barks
            }
            ... on Cat {
              lives
            }
          }
        }
      }
    },
    Flatten(path: "people.@") {
      Fetch(service: "posts") {
        {
          ... on Person {
            __typename
            id
            name
            pet {
              ... on Dog {
                barks
              }
              ... on Cat {
                lives
              }
            }
          }
        } =>
        {
          ... on Person {
            greeting
          }
        }
      },
    },
  },
}\
""")
    assert body == snapshot(
        {"data": {"people": [{"greeting": "Ann with True None"}, {"greeting": "Bob with None 9"}]}}
    )
    assert gw["posts"].requests[0].variables == snapshot(
        {
            "representations": [
                {
                    "__typename": "Person",
                    "id": "p1",
                    "name": "Ann",
                    "pet": {"__typename": "Dog", "barks": True},
                },
                {
                    "__typename": "Person",
                    "id": "p2",
                    "name": "Bob",
                    "pet": {"__typename": "Cat", "lives": 9},
                },
            ]
        }
    )


async def test_requires_of_a_field_in_the_subgraph_already_fetching(gw: KitGateway) -> None:
    # greeting is posts' own field, but posts lacks pet: fetched from people first.
    plan, body = await gw.run("{ posts { author { greeting } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "posts") {
      {
        posts {
          author {
            __typename
            id
            name
          }
        }
      }
    },
    Flatten(path: "posts.@.author") {
      Fetch(service: "people") {
        {
          ... on Person {
            __typename
            id
          }
        } =>
        {
          ... on Person {
            pet {
              __typename
              ... on Dog {
                barks
              }
              ... on Cat {
                lives
              }
            }
          }
        }
      },
    },
    Flatten(path: "posts.@.author") {
      Fetch(service: "posts") {
        {
          ... on Person {
            __typename
            id
            name
            pet {
              ... on Dog {
                barks
              }
              ... on Cat {
                lives
              }
            }
          }
        } =>
        {
          ... on Person {
            greeting
          }
        }
      },
    },
  },
}\
""")
    assert body == snapshot(
        {
            "data": {
                "posts": [
                    {"author": {"greeting": "Ann with True None"}},
                    {"author": {"greeting": "Bob with None 9"}},
                ]
            }
        }
    )


async def test_value_type_fields_beyond_what_is_provided(gw: KitGateway) -> None:
    # address is provided with city only: street comes through the author's key.
    plan, body = await gw.run("{ posts { author { address { city street } age } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "posts") {
      {
        posts {
          author {
            __typename
            id
          }
        }
      }
    },
    Flatten(path: "posts.@.author") {
      Fetch(service: "people") {
        {
          ... on Person {
            __typename
            id
          }
        } =>
        {
          ... on Person {
            address {
              city
              street
            }
            age
          }
        }
      },
    },
  },
}\
""")
    assert body == snapshot(
        {
            "data": {
                "posts": [
                    {"author": {"address": {"city": "Oslo", "street": "Main"}, "age": 30}},
                    {"author": {"address": {"city": "Rome", "street": "Via"}, "age": 40}},
                ]
            }
        }
    )
