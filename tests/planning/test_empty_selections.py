"""Selections emptied by `@skip`/`@include` or by type-condition pruning, at any depth:
the spec's execution gives `{}` for an object whose fields were all skipped, so the
gateway must never send a subgraph an empty selection set (a parse error there, and `null`
for the client). What needs no fetch is dropped; where a fetch is still needed, it selects
`__typename`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from inline_snapshot import snapshot

from tests.planning.header import supergraph
from tests.planning.helpers import KitGateway, KitSubgraph, Recorded, kit_gateway

#: One event loop per module: the module-scoped kit servers and gateway live in it.
pytestmark = pytest.mark.asyncio(loop_scope="module")

SUPERGRAPH = supergraph(
    ["accounts", "catalog", "films", "picks", "reviews"],
    """
type Book implements Node
  @join__implements(graph: CATALOG, interface: "Node")
  @join__type(graph: CATALOG, key: "id")
  @join__type(graph: PICKS, key: "id")
{
  id: ID!
  title: String! @join__field(graph: CATALOG)
  similar: [Node!]! @join__field(graph: CATALOG)
}

type Film implements Node
  @join__implements(graph: FILMS, interface: "Node")
  @join__type(graph: FILMS, key: "id")
{
  id: ID!
  title: String!
}

interface Node
  @join__type(graph: CATALOG)
  @join__type(graph: FILMS)
{
  id: ID!
}

type Product
  @join__type(graph: CATALOG, key: "upc")
  @join__type(graph: REVIEWS, key: "upc")
{
  upc: String!
  name: String! @join__field(graph: CATALOG)
}

type Profile
  @join__type(graph: ACCOUNTS)
{
  bio: String!
  age: Int!
}

type Query
  @join__type(graph: ACCOUNTS)
  @join__type(graph: CATALOG)
  @join__type(graph: FILMS)
  @join__type(graph: PICKS)
  @join__type(graph: REVIEWS)
{
  picks: [Book!]! @join__field(graph: PICKS)
  user: User @join__field(graph: ACCOUNTS)
  users: [User!]! @join__field(graph: ACCOUNTS)
  books: [Book!]! @join__field(graph: CATALOG)
  films: [Film!]! @join__field(graph: FILMS)
}

type Review
  @join__type(graph: REVIEWS, key: "id")
{
  id: ID!
  body: String!
  product: Product!
}

type User
  @join__type(graph: ACCOUNTS, key: "id")
  @join__type(graph: REVIEWS, key: "id")
{
  id: ID!
  name: String! @join__field(graph: ACCOUNTS)
  profile: Profile! @join__field(graph: ACCOUNTS)
  reviews: [Review!]! @join__field(graph: REVIEWS)
}
""",
)


class StrictSubgraph(KitSubgraph):
    """A kit subgraph whose parser follows the spec's grammar: a selection set has at
    least one selection. graphql-core 3.3 accepts `{}`; graphql-js (and so most
    subgraph servers) answer a syntax error, as here."""

    async def execute(self, body: dict[str, Any]) -> dict[str, Any]:
        if "{}" in "".join(str(body.get("query")).split()):
            self.requests.append(Recorded(str(body.get("query")), body.get("variables") or {}))
            return {
                "data": None,
                "errors": [{"message": 'Syntax Error: Expected Name, found "}".'}],
            }
        return await super().execute(body)


def make_subgraphs() -> list[KitSubgraph]:
    accounts = StrictSubgraph(
        "accounts",
        """
        type Query { user: User users: [User!]! }
        type User @key(fields: "id") { id: ID! name: String! profile: Profile! }
        type Profile { bio: String! age: Int! }
        """,
        {
            "User": [
                {"id": "u1", "name": "Ann", "profile": {"bio": "hi", "age": 30}},
                {"id": "u2", "name": "Bob", "profile": {"bio": "yo", "age": 40}},
            ]
        },
        {
            "Query.user": lambda _s, _i: accounts.rows("User")[0],
            "Query.users": lambda _s, _i: accounts.rows("User"),
        },
    )
    reviews = StrictSubgraph(
        "reviews",
        """
        type User @key(fields: "id") { id: ID! reviews: [Review!]! }
        type Review @key(fields: "id") { id: ID! body: String! product: Product! }
        type Product @key(fields: "upc") { upc: String! }
        """,
        {
            "User": [
                {"id": "u1", "reviews": [{"id": "r1"}]},
                {"id": "u2", "reviews": [{"id": "r2"}, {"id": "r3"}]},
            ],
            "Review": [
                {"id": "r1", "body": "Great", "product": {"upc": "p1"}},
                {"id": "r2", "body": "Meh", "product": {"upc": "p2"}},
                {"id": "r3", "body": "Ok", "product": {"upc": "p1"}},
            ],
        },
    )
    catalog = StrictSubgraph(
        "catalog",
        """
        type Query { books: [Book!]! }
        interface Node { id: ID! }
        type Book implements Node @key(fields: "id") { id: ID! title: String! similar: [Node!]! }
        type Product @key(fields: "upc") { upc: String! name: String! }
        """,
        {
            "Book": [
                {"id": "b1", "title": "Dune", "similar": [{"__typename": "Book", "id": "b2"}]},
                {"id": "b2", "title": "Emma", "similar": []},
            ],
            "Product": [{"upc": "p1", "name": "Lamp"}, {"upc": "p2", "name": "Desk"}],
        },
        {"Query.books": lambda _s, _i: catalog.rows("Book")},
    )
    films = StrictSubgraph(
        "films",
        """
        type Query { films: [Film!]! }
        interface Node { id: ID! }
        type Film implements Node @key(fields: "id") { id: ID! title: String! }
        """,
        {"Film": [{"id": "f1", "title": "Alien"}]},
        {"Query.films": lambda _s, _i: films.rows("Film")},
    )
    picks = StrictSubgraph(
        "picks",
        """
        type Query { picks: [Book!]! }
        type Book @key(fields: "id") { id: ID! }
        """,
        {"Book": [{"id": "b1"}, {"id": "b2"}]},
        {"Query.picks": lambda _s, _i: picks.rows("Book")},
    )
    return [accounts, catalog, films, picks, reviews]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


def _no_empty_selection(gw: KitGateway) -> None:
    # Spec GraphQL has no empty selection set (the kit's parser is lenient: check here).
    for name, requests in gw.sent().items():
        for request in requests:
            assert "{}" not in "".join(request.query.split()), (name, request.query)


async def test_only_field_skipped_gives_an_empty_object(gw: KitGateway) -> None:
    plan, body = await gw.run("{ user { id @skip(if: true) } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "accounts") {
    {
      user {
        __typename
      }
    }
  },
}\
""")
    assert body == {"data": {"user": {}}}
    _no_empty_selection(gw)


async def test_only_field_skipped_by_a_variable(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "query ($hide: Boolean!) { user { id @skip(if: $hide) } }", {"hide": True}
    )
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "accounts") {
    {
      user {
        __typename
      }
    }
  },
}\
""")
    assert body == {"data": {"user": {}}}
    _no_empty_selection(gw)


async def test_every_field_of_a_nested_object_excluded(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ user { name profile { bio @include(if: false) age @skip(if: true) } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "accounts") {
    {
      user {
        name
        profile {
          __typename
        }
      }
    }
  },
}\
""")
    assert body == {"data": {"user": {"name": "Ann", "profile": {}}}}
    _no_empty_selection(gw)


async def test_every_field_of_an_entity_fetch_list_skipped(gw: KitGateway) -> None:
    # reviews lives in another subgraph: the jump is still needed to know how many
    # reviews there are, with nothing but __typename in them.
    plan, body = await gw.run("{ users { name reviews { body @skip(if: true) } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "accounts") {
      {
        users {
          name
          __typename
          id
        }
      }
    },
    Flatten(path: "users.@") {
      Fetch(service: "reviews") {
        {
          ... on User {
            __typename
            id
          }
        } =>
        {
          ... on User {
            reviews {
              __typename
            }
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {"users": [{"name": "Ann", "reviews": [{}]}, {"name": "Bob", "reviews": [{}, {}]}]}
    }
    _no_empty_selection(gw)


async def test_skipped_fields_of_an_entity_two_jumps_away(gw: KitGateway) -> None:
    # The product's name would need catalog; skipped, the product is `{}` and catalog is
    # not asked at all.
    plan, body = await gw.run("{ user { reviews { body product { name @include(if: false) } } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "accounts") {
      {
        user {
          __typename
          id
        }
      }
    },
    Flatten(path: "user") {
      Fetch(service: "reviews") {
        {
          ... on User {
            __typename
            id
          }
        } =>
        {
          ... on User {
            reviews {
              body
              product {
                __typename
              }
            }
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"user": {"reviews": [{"body": "Great", "product": {}}]}}}
    _no_empty_selection(gw)
    assert set(gw.sent()) == {"accounts", "reviews"}


async def test_skipped_inline_fragment_leaves_an_empty_object(gw: KitGateway) -> None:
    plan, body = await gw.run("{ users { reviews { ... on Review @skip(if: true) { body } } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "accounts") {
      {
        users {
          __typename
          id
        }
      }
    },
    Flatten(path: "users.@") {
      Fetch(service: "reviews") {
        {
          ... on User {
            __typename
            id
          }
        } =>
        {
          ... on User {
            reviews {
              __typename
            }
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"users": [{"reviews": [{}]}, {"reviews": [{}, {}]}]}}
    _no_empty_selection(gw)


async def test_named_fragment_whose_fields_are_all_excluded(gw: KitGateway) -> None:
    plan, body = await gw.run(
        """
        query ($show: Boolean!) { users { id profile { ...Details } } }
        fragment Details on Profile { bio @include(if: $show) age @include(if: $show) }
        """,
        {"show": False},
    )
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "accounts") {
    {
      users {
        id
        profile {
          __typename
        }
      }
    }
  },
}\
""")
    assert body == {"data": {"users": [{"id": "u1", "profile": {}}, {"id": "u2", "profile": {}}]}}
    _no_empty_selection(gw)


async def test_type_condition_pruned_for_a_subgraph_that_lacks_the_type(gw: KitGateway) -> None:
    # catalog's Node has only Book: `... on Film` is pruned from `similar`, which must
    # still be fetched (it has one Book in b1's list, none in b2's).
    plan, body = await gw.run("{ books { similar { ... on Film { title } } } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "catalog") {
    {
      books {
        similar {
          __typename
        }
      }
    }
  },
}\
""")
    assert body == {"data": {"books": [{"similar": [{}]}, {"similar": []}]}}
    _no_empty_selection(gw)


async def test_pruned_type_condition_next_to_a_kept_one(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ books { title similar { ... on Film { title } ... on Book { title } } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "catalog") {
    {
      books {
        title
        similar {
          __typename
          ... on Book {
            title
          }
        }
      }
    }
  },
}\
""")
    assert body == {
        "data": {
            "books": [
                {"title": "Dune", "similar": [{"title": "Emma"}]},
                {"title": "Emma", "similar": []},
            ]
        }
    }
    _no_empty_selection(gw)


async def test_skipped_fields_at_three_levels(gw: KitGateway) -> None:
    plan, body = await gw.run(
        """
        query ($off: Boolean!) {
          users {
            name @skip(if: $off)
            reviews { body @skip(if: $off) product { name @skip(if: $off) } }
          }
        }
        """,
        {"off": True},
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "accounts") {
      {
        users {
          __typename
          id
        }
      }
    },
    Flatten(path: "users.@") {
      Fetch(service: "reviews") {
        {
          ... on User {
            __typename
            id
          }
        } =>
        {
          ... on User {
            reviews {
              product {
                __typename
              }
            }
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "users": [
                {"reviews": [{"product": {}}]},
                {"reviews": [{"product": {}}, {"product": {}}]},
            ]
        }
    }
    _no_empty_selection(gw)


async def test_same_operation_with_the_fields_included(gw: KitGateway) -> None:
    plan, body = await gw.run(
        """
        query ($off: Boolean!) {
          users {
            name @skip(if: $off)
            reviews { body @skip(if: $off) product { name @skip(if: $off) } }
          }
        }
        """,
        {"off": False},
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "accounts") {
      {
        users {
          name
          __typename
          id
        }
      }
    },
    Flatten(path: "users.@") {
      Fetch(service: "reviews") {
        {
          ... on User {
            __typename
            id
          }
        } =>
        {
          ... on User {
            reviews {
              body
              product {
                __typename
                upc
              }
            }
          }
        }
      },
    },
    Flatten(path: "users.@.reviews.@.product") {
      Fetch(service: "catalog") {
        {
          ... on Product {
            __typename
            upc
          }
        } =>
        {
          ... on Product {
            name
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "users": [
                {"name": "Ann", "reviews": [{"body": "Great", "product": {"name": "Lamp"}}]},
                {
                    "name": "Bob",
                    "reviews": [
                        {"body": "Meh", "product": {"name": "Desk"}},
                        {"body": "Ok", "product": {"name": "Lamp"}},
                    ],
                },
            ]
        }
    }


async def test_type_condition_pruned_inside_an_entity_fetch(gw: KitGateway) -> None:
    # picks -> catalog for `similar`, whose only selection (`... on Film`) catalog cannot
    # have: the entity fetch still runs, selecting `__typename` in `similar`.
    plan, body = await gw.run("{ picks { id similar { ... on Film { title } } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "picks") {
      {
        picks {
          id
          __typename
        }
      }
    },
    Flatten(path: "picks.@") {
      Fetch(service: "catalog") {
        {
          ... on Book {
            __typename
            id
          }
        } =>
        {
          ... on Book {
            similar {
              __typename
            }
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"picks": [{"id": "b1", "similar": [{}]}, {"id": "b2", "similar": []}]}}
    _no_empty_selection(gw)


async def test_type_condition_pruned_inside_an_entity_fetch_next_to_a_field(
    gw: KitGateway,
) -> None:
    plan, body = await gw.run(
        "{ picks { title similar { ... on Film { id title } ... on Book { id } } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "picks") {
      {
        picks {
          __typename
          id
        }
      }
    },
    Flatten(path: "picks.@") {
      Fetch(service: "catalog") {
        {
          ... on Book {
            __typename
            id
          }
        } =>
        {
          ... on Book {
            title
            similar {
              __typename
              ... on Book {
                id
              }
            }
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "picks": [
                {"title": "Dune", "similar": [{"id": "b2"}]},
                {"title": "Emma", "similar": []},
            ]
        }
    }
    _no_empty_selection(gw)


async def test_every_root_field_skipped_gives_empty_data(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "query ($off: Boolean!) { ... @skip(if: $off) { user { id } } }", {"off": True}
    )
    assert plan == snapshot("""\
QueryPlan {
}\
""")
    assert body == {"data": {}}
    assert gw.sent() == {}


async def test_root_typename_skipped_next_to_a_field(gw: KitGateway) -> None:
    plan, body = await gw.run("{ __typename @skip(if: true) user { name } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "accounts") {
    {
      user {
        name
      }
    }
  },
}\
""")
    assert body == {"data": {"user": {"name": "Ann"}}}


async def test_skipped_key_field_still_used_for_the_entity_fetch(gw: KitGateway) -> None:
    # The client skips id; the jump to reviews still needs it as the key.
    plan, body = await gw.run("{ users { id @skip(if: true) reviews { body } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "accounts") {
      {
        users {
          __typename
          id
        }
      }
    },
    Flatten(path: "users.@") {
      Fetch(service: "reviews") {
        {
          ... on User {
            __typename
            id
          }
        } =>
        {
          ... on User {
            reviews {
              body
            }
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "users": [
                {"reviews": [{"body": "Great"}]},
                {"reviews": [{"body": "Meh"}, {"body": "Ok"}]},
            ]
        }
    }
    _no_empty_selection(gw)


async def test_skipped_typename_in_an_entity_list(gw: KitGateway) -> None:
    plan, body = await gw.run("{ user { reviews { __typename @skip(if: true) id } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "accounts") {
      {
        user {
          __typename
          id
        }
      }
    },
    Flatten(path: "user") {
      Fetch(service: "reviews") {
        {
          ... on User {
            __typename
            id
          }
        } =>
        {
          ... on User {
            reviews {
              id
            }
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"user": {"reviews": [{"id": "r1"}]}}}
    _no_empty_selection(gw)
