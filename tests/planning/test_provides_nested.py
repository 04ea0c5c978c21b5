# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""`@provides` several levels deep and on an interface: category provides
`categories { id name subCategories { id name } }` on `products` (fields subcategories owns),
so deeper levels need subcategories; media provides `id name` of the Animal interface on
`Book.animals`, so only an implementation's own field (`Cat.age`) needs zoo.
"""

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
    ["category", "media", "subcategories", "zoo"],
    """
interface Animal
  @join__type(graph: MEDIA)
  @join__type(graph: ZOO)
{
  id: ID!
  name: String
}

type Book implements Media
  @join__implements(graph: MEDIA, interface: "Media")
  @join__type(graph: MEDIA, key: "id")
{
  id: ID!
  animals: [Animal!]! @join__field(graph: MEDIA, provides: "id name")
}

type Cat implements Animal
  @join__implements(graph: MEDIA, interface: "Animal")
  @join__implements(graph: ZOO, interface: "Animal")
  @join__type(graph: MEDIA, key: "id")
  @join__type(graph: ZOO, key: "id")
{
  id: ID!
  name: String @join__field(graph: MEDIA, external: true) @join__field(graph: ZOO)
  age: Int @join__field(graph: ZOO)
}

type Category
  @join__type(graph: CATEGORY, key: "id")
  @join__type(graph: SUBCATEGORIES, key: "id")
{
  id: ID!
  name: String @join__field(graph: CATEGORY)
  subCategories: [Category] @join__field(graph: CATEGORY, external: true) @join__field(graph: SUBCATEGORIES)
}

type Dog implements Animal
  @join__implements(graph: MEDIA, interface: "Animal")
  @join__implements(graph: ZOO, interface: "Animal")
  @join__type(graph: MEDIA, key: "id")
  @join__type(graph: ZOO, key: "id")
{
  id: ID!
  name: String @join__field(graph: MEDIA, external: true) @join__field(graph: ZOO)
}

interface Media
  @join__type(graph: MEDIA)
{
  id: ID!
}

type Movie implements Media
  @join__implements(graph: MEDIA, interface: "Media")
  @join__type(graph: MEDIA, key: "id")
{
  id: ID!
}

type Product
  @join__type(graph: CATEGORY, key: "id")
  @join__type(graph: SUBCATEGORIES, key: "id")
{
  id: ID!
  categories: [Category] @join__field(graph: CATEGORY, external: true) @join__field(graph: SUBCATEGORIES)
}

type Query
  @join__type(graph: CATEGORY)
  @join__type(graph: MEDIA)
  @join__type(graph: SUBCATEGORIES)
  @join__type(graph: ZOO)
{
  products: [Product] @join__field(graph: CATEGORY, provides: "categories { id name subCategories { id name } }")
  media: Media @join__field(graph: MEDIA)
  shelf: [Media!]! @join__field(graph: MEDIA)
}
""",
)

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@external", "@provides"])\n'
)

NAMES = {"c1": "Tools", "c2": "Saws", "c3": "Drills", "c4": "Hand saws"}
SUBS: dict[str, list[str]] = {"c1": ["c2", "c3"], "c2": ["c4"], "c3": [], "c4": []}
CATEGORIES: dict[str, list[str | None]] = {"p1": ["c1"], "p2": ["c2", None]}


def _cat(cid: str | None, depth: int) -> dict[str, Any] | None:
    """A category as category provides it: id and name, subcategories one level down."""
    if cid is None:
        return None
    out: dict[str, Any] = {"id": cid, "name": NAMES[cid]}
    if depth:
        out["subCategories"] = [_cat(s, depth - 1) for s in SUBS[cid]]
    return out


def make_subgraphs() -> list[KitSubgraph]:
    category = KitSubgraph(
        "category",
        FED
        + """
        type Query { products: [Product] @provides(fields: "categories { id name subCategories { id name } }") }
        type Product @key(fields: "id") { id: ID! categories: [Category] @external }
        type Category @key(fields: "id") { id: ID! name: String subCategories: [Category] @external }
        """,
        # No Product rows: categories exist here only as provided by `products`.
        {"Category": [{"id": c, "name": n} for c, n in NAMES.items()]},
        {
            "Query.products": lambda _s, _i: [
                {"id": p, "categories": [_cat(c, 1) for c in cats]}
                for p, cats in CATEGORIES.items()
            ]
        },
    )
    subcategories = KitSubgraph(
        "subcategories",
        FED
        + """
        type Product @key(fields: "id") { id: ID! categories: [Category] }
        type Category @key(fields: "id") { id: ID! subCategories: [Category] }
        """,
        {
            "Product": [
                {"id": p, "categories": [None if c is None else {"id": c} for c in cats]}
                for p, cats in CATEGORIES.items()
            ],
            "Category": [
                {"id": c, "subCategories": [{"id": s} for s in subs]} for c, subs in SUBS.items()
            ],
        },
    )
    media = KitSubgraph(
        "media",
        FED
        + """
        type Query { media: Media shelf: [Media!]! }
        interface Media { id: ID! }
        type Book implements Media @key(fields: "id") { id: ID! animals: [Animal!]! @provides(fields: "id name") }
        type Movie implements Media @key(fields: "id") { id: ID! }
        interface Animal { id: ID! name: String }
        type Cat implements Animal @key(fields: "id") { id: ID! name: String @external }
        type Dog implements Animal @key(fields: "id") { id: ID! name: String @external }
        """,
        {
            "Book": [
                {
                    "id": "bk1",
                    "animals": [
                        {"__typename": "Cat", "id": "k1", "name": "Tom"},
                        {"__typename": "Dog", "id": "d1", "name": "Rex"},
                    ],
                }
            ],
            "Movie": [{"id": "mv1"}],
        },
        {
            "Query.media": lambda _s, _i: {"__typename": "Book", "id": "bk1"},
            "Query.shelf": lambda _s, _i: [
                {"__typename": "Movie", "id": "mv1"},
                {"__typename": "Book", "id": "bk1"},
            ],
        },
    )
    zoo = KitSubgraph(
        "zoo",
        FED
        + """
        interface Animal { id: ID! name: String }
        type Cat implements Animal @key(fields: "id") { id: ID! name: String age: Int }
        type Dog implements Animal @key(fields: "id") { id: ID! name: String }
        """,
        {"Cat": [{"id": "k1", "name": "Tom", "age": 3}], "Dog": [{"id": "d1", "name": "Rex"}]},
    )
    return [category, media, subcategories, zoo]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_first_level_of_a_nested_provides(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products { id categories { id name } } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "category") {
    {
      products {
        id
        categories {
          id
          name
        }
      }
    }
  },
}\
""")
    assert body == {
        "data": {
            "products": [
                {"id": "p1", "categories": [{"id": "c1", "name": "Tools"}]},
                {"id": "p2", "categories": [{"id": "c2", "name": "Saws"}, None]},
            ]
        }
    }
    assert list(gw.sent()) == ["category"]


async def test_second_level_of_a_nested_provides(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products { categories { subCategories { id name } } } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "category") {
    {
      products {
        categories {
          subCategories {
            id
            name
          }
        }
      }
    }
  },
}\
""")
    assert body == {
        "data": {
            "products": [
                {
                    "categories": [
                        {
                            "subCategories": [
                                {"id": "c2", "name": "Saws"},
                                {"id": "c3", "name": "Drills"},
                            ]
                        }
                    ]
                },
                {"categories": [{"subCategories": [{"id": "c4", "name": "Hand saws"}]}, None]},
            ]
        }
    }
    assert list(gw.sent()) == ["category"]


async def test_below_the_provided_levels(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ products { categories { subCategories { subCategories { id } } } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "category") {
      {
        products {
          categories {
            subCategories {
              __typename
              id
            }
          }
        }
      }
    },
    Flatten(path: "products.@.categories.@.subCategories.@") {
      Fetch(service: "subcategories") {
        {
          ... on Category {
            __typename
            id
          }
        } =>
        {
          ... on Category {
            subCategories {
              id
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
            "products": [
                {
                    "categories": [
                        {
                            "subCategories": [
                                {"subCategories": [{"id": "c4"}]},
                                {"subCategories": []},
                            ]
                        }
                    ]
                },
                {"categories": [{"subCategories": [{"subCategories": []}]}, None]},
            ]
        }
    }
    assert sorted(gw.sent()) == ["category", "subcategories"]


async def test_below_the_provided_levels_and_back_for_a_name(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ products { categories { name subCategories { subCategories { name } } } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "category") {
      {
        products {
          categories {
            name
            subCategories {
              __typename
              id
            }
          }
        }
      }
    },
    Flatten(path: "products.@.categories.@.subCategories.@") {
      Fetch(service: "subcategories") {
        {
          ... on Category {
            __typename
            id
          }
        } =>
        {
          ... on Category {
            subCategories {
              __typename
              id
            }
          }
        }
      },
    },
    Flatten(path: "products.@.categories.@.subCategories.@.subCategories.@") {
      Fetch(service: "category") {
        {
          ... on Category {
            __typename
            id
          }
        } =>
        {
          ... on Category {
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
            "products": [
                {
                    "categories": [
                        {
                            "name": "Tools",
                            "subCategories": [
                                {"subCategories": [{"name": "Hand saws"}]},
                                {"subCategories": []},
                            ],
                        }
                    ]
                },
                {"categories": [{"name": "Saws", "subCategories": [{"subCategories": []}]}, None]},
            ]
        }
    }


async def test_interface_fields_provided_below_an_implementation(gw: KitGateway) -> None:
    plan, body = await gw.run("{ media { id ... on Book { animals { id name } } } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "media") {
    {
      media {
        __typename
        ... on Book {
          id
          animals {
            __typename
            ... on Cat {
              id
              name
            }
            ... on Dog {
              id
              name
            }
          }
        }
        ... on Movie {
          id
        }
      }
    }
  },
}\
""")
    assert body == {
        "data": {
            "media": {
                "id": "bk1",
                "animals": [{"id": "k1", "name": "Tom"}, {"id": "d1", "name": "Rex"}],
            }
        }
    }
    assert list(gw.sent()) == ["media"]


async def test_implementation_field_beyond_the_provided_interface_fields(
    gw: KitGateway,
) -> None:
    plan, body = await gw.run("{ media { ... on Book { animals { name ... on Cat { age } } } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "media") {
      {
        media {
          __typename
          ... on Book {
            animals {
              __typename
              ... on Cat {
                name
                __typename
                id
              }
              ... on Dog {
                name
              }
            }
          }
        }
      }
    },
    Flatten(path: "media|[Book].animals.@") {
      Fetch(service: "zoo") {
        {
          ... on Cat {
            __typename
            id
          }
        } =>
        {
          ... on Cat {
            age
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"media": {"animals": [{"name": "Tom", "age": 3}, {"name": "Rex"}]}}}
    assert gw["zoo"].requests[0].variables == {
        "representations": [{"__typename": "Cat", "id": "k1"}]
    }


async def test_provided_interface_fields_in_a_list_of_mixed_types(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ shelf { __typename ... on Book { animals { __typename name } } ... on Movie { id } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "media") {
    {
      shelf {
        __typename
        ... on Book {
          __typename
          animals {
            __typename
            ... on Cat {
              __typename
              name
            }
            ... on Dog {
              __typename
              name
            }
          }
        }
        ... on Movie {
          __typename
          id
        }
      }
    }
  },
}\
""")
    assert body == {
        "data": {
            "shelf": [
                {"__typename": "Movie", "id": "mv1"},
                {
                    "__typename": "Book",
                    "animals": [
                        {"__typename": "Cat", "name": "Tom"},
                        {"__typename": "Dog", "name": "Rex"},
                    ],
                },
            ]
        }
    }
    assert list(gw.sent()) == ["media"]
