"""Many keys on one entity, some not resolvable: Item is entered in names only by `id`, in
shelves only by `id code { two three }` (a compound key with a nested value) and in
prices only by `code { one two }`; every other key is a reference. `nameInB` (shelves)
requires `name` (names): names first, then back into shelves through the compound key
with the required field in the representation.
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
    ["names", "prices", "shelves"],
    """
type CompositeID
  @join__type(graph: NAMES)
  @join__type(graph: PRICES)
  @join__type(graph: SHELVES)
{
  one: ID!
  two: ID!
  three: ID! @join__field(graph: NAMES) @join__field(graph: SHELVES)
}

type Item
  @join__type(graph: NAMES, key: "id")
  @join__type(graph: NAMES, key: "pid", resolvable: false)
  @join__type(graph: NAMES, key: "code { one two }", resolvable: false)
  @join__type(graph: NAMES, key: "id code { two three }", resolvable: false)
  @join__type(graph: PRICES, key: "code { one two }")
  @join__type(graph: SHELVES, key: "code { one two }", resolvable: false)
  @join__type(graph: SHELVES, key: "id code { two three }")
  @join__type(graph: SHELVES, key: "pid", resolvable: false)
  @join__type(graph: SHELVES, key: "id", resolvable: false)
{
  id: ID! @join__field(graph: NAMES) @join__field(graph: SHELVES)
  pid: ID! @join__field(graph: NAMES) @join__field(graph: SHELVES)
  code: CompositeID!
  name: String! @join__field(graph: NAMES) @join__field(graph: SHELVES, external: true)
  nameInB: String! @join__field(graph: SHELVES, requires: "name")
  price: Int @join__field(graph: PRICES)
}

type Query
  @join__type(graph: NAMES)
  @join__type(graph: PRICES)
  @join__type(graph: SHELVES)
{
  shelf: Shelf @join__field(graph: SHELVES)
}

type Shelf
  @join__type(graph: SHELVES, key: "id")
{
  id: ID!
  items: [Item!]!
}
""",
)

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@external", "@requires", "@shareable"])\n'
)

ITEMS = [
    {"id": "i1", "pid": "P1", "code": {"one": "1", "two": "2", "three": "3"}},
    {"id": "i2", "pid": "P2", "code": {"one": "4", "two": "5", "three": "6"}},
]


def _name_in_b(source: dict[str, Any], _info: Any) -> str | None:
    # Computed from the required name: without it in the representation, an error.
    name = source.get("name")
    return None if name is None else name.upper()


def make_subgraphs() -> list[KitSubgraph]:
    names = KitSubgraph(
        "names",
        FED
        + """
        type Item @key(fields: "id") @key(fields: "pid", resolvable: false)
          @key(fields: "code { one two }", resolvable: false)
          @key(fields: "id code { two three }", resolvable: false)
        { id: ID! pid: ID! code: CompositeID! @shareable name: String! }
        type CompositeID @shareable { one: ID! two: ID! three: ID! }
        """,
        {"Item": [{**ITEMS[0], "name": "Bolt"}, {**ITEMS[1], "name": "Nut"}]},
    )
    prices = KitSubgraph(
        "prices",
        FED
        + """
        type Item @key(fields: "code { one two }") { code: CompositeID! @shareable price: Int }
        type CompositeID @shareable { one: ID! two: ID! }
        """,
        {
            "Item": [
                {"code": {"one": "1", "two": "2"}, "price": 10},
                {"code": {"one": "4", "two": "5"}, "price": None},
            ]
        },
    )
    shelves = KitSubgraph(
        "shelves",
        FED
        + """
        type Query { shelf: Shelf }
        type Shelf @key(fields: "id") { id: ID! items: [Item!]! }
        type Item @key(fields: "code { one two }", resolvable: false)
          @key(fields: "id code { two three }") @key(fields: "pid", resolvable: false)
          @key(fields: "id", resolvable: false)
        {
          id: ID! pid: ID! code: CompositeID! @shareable
          name: String! @external
          nameInB: String! @requires(fields: "name")
        }
        type CompositeID @shareable { one: ID! two: ID! three: ID! }
        """,
        {"Item": ITEMS, "Shelf": [{"id": "s1", "items": [{"id": "i1"}, {"id": "i2"}]}]},
        {"Query.shelf": lambda _s, _i: {"id": "s1"}, "Item.nameInB": _name_in_b},
    )
    return [names, prices, shelves]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_key_fields_only_are_local(gw: KitGateway) -> None:
    plan, body = await gw.run("{ shelf { id items { id pid code { one } } } }")
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "shelves") {
    {
      shelf {
        id
        items {
          id
          pid
          code {
            one
          }
        }
      }
    }
  },
}\
""")
    assert body == {
        "data": {
            "shelf": {
                "id": "s1",
                "items": [
                    {"id": "i1", "pid": "P1", "code": {"one": "1"}},
                    {"id": "i2", "pid": "P2", "code": {"one": "4"}},
                ],
            }
        }
    }
    assert list(gw.sent()) == ["shelves"]


async def test_field_behind_the_only_resolvable_key(gw: KitGateway) -> None:
    plan, body = await gw.run("{ shelf { items { name } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "shelves") {
      {
        shelf {
          items {
            __typename
            id
          }
        }
      }
    },
    Flatten(path: "shelf.items.@") {
      Fetch(service: "names") {
        {
          ... on Item {
            __typename
            id
          }
        } =>
        {
          ... on Item {
            name
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"shelf": {"items": [{"name": "Bolt"}, {"name": "Nut"}]}}}
    assert gw["names"].requests[0].variables == {
        "representations": [{"__typename": "Item", "id": "i1"}, {"__typename": "Item", "id": "i2"}]
    }


async def test_nested_compound_key_into_the_third_subgraph(gw: KitGateway) -> None:
    plan, body = await gw.run("{ shelf { items { id price } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "shelves") {
      {
        shelf {
          items {
            id
            __typename
            code {
              one
              two
            }
          }
        }
      }
    },
    Flatten(path: "shelf.items.@") {
      Fetch(service: "prices") {
        {
          ... on Item {
            __typename
            code {
              one
              two
            }
          }
        } =>
        {
          ... on Item {
            price
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {"shelf": {"items": [{"id": "i1", "price": 10}, {"id": "i2", "price": None}]}}
    }
    assert gw["prices"].requests[0].variables == {
        "representations": [
            {"__typename": "Item", "code": {"one": "1", "two": "2"}},
            {"__typename": "Item", "code": {"one": "4", "two": "5"}},
        ]
    }


async def test_requirement_sent_back_through_the_compound_key(gw: KitGateway) -> None:
    plan, body = await gw.run("{ shelf { items { nameInB } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "shelves") {
      {
        shelf {
          items {
            __typename
            id
            code {
              two
              three
            }
          }
        }
      }
    },
    Flatten(path: "shelf.items.@") {
      Fetch(service: "names") {
        {
          ... on Item {
            __typename
            id
          }
        } =>
        {
          ... on Item {
            name
          }
        }
      },
    },
    Flatten(path: "shelf.items.@") {
      Fetch(service: "shelves") {
        {
          ... on Item {
            __typename
            id
            code {
              two
              three
            }
            name
          }
        } =>
        {
          ... on Item {
            nameInB
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"shelf": {"items": [{"nameInB": "BOLT"}, {"nameInB": "NUT"}]}}}
    assert gw["shelves"].requests[-1].variables == {
        "representations": [
            {"__typename": "Item", "id": "i1", "code": {"two": "2", "three": "3"}, "name": "Bolt"},
            {"__typename": "Item", "id": "i2", "code": {"two": "5", "three": "6"}, "name": "Nut"},
        ]
    }


async def test_fields_of_the_three_subgraphs_with_their_keys(gw: KitGateway) -> None:
    plan, body = await gw.run("{ shelf { items { code { one two three } name nameInB price } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "shelves") {
      {
        shelf {
          items {
            code {
              one
              two
              three
            }
            __typename
            id
          }
        }
      }
    },
    Parallel {
      Flatten(path: "shelf.items.@") {
        Fetch(service: "names") {
          {
            ... on Item {
              __typename
              id
            }
          } =>
          {
            ... on Item {
              name
            }
          }
        },
      },
      Flatten(path: "shelf.items.@") {
        Fetch(service: "prices") {
          {
            ... on Item {
              __typename
              code {
                one
                two
              }
            }
          } =>
          {
            ... on Item {
              price
            }
          }
        },
      },
    },
    Flatten(path: "shelf.items.@") {
      Fetch(service: "shelves") {
        {
          ... on Item {
            __typename
            id
            code {
              two
              three
            }
            name
          }
        } =>
        {
          ... on Item {
            nameInB
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "shelf": {
                "items": [
                    {
                        "code": {"one": "1", "two": "2", "three": "3"},
                        "name": "Bolt",
                        "nameInB": "BOLT",
                        "price": 10,
                    },
                    {
                        "code": {"one": "4", "two": "5", "three": "6"},
                        "name": "Nut",
                        "nameInB": "NUT",
                        "price": None,
                    },
                ]
            }
        }
    }


async def test_aliased_key_fields_and_an_aliased_remote_field(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ shelf { items { ref: id label: name cost: price c: code { two } } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "shelves") {
      {
        shelf {
          items {
            ref: id
            __typename
            id
            code {
              one
              two
            }
            c: code {
              two
            }
          }
        }
      }
    },
    Parallel {
      Flatten(path: "shelf.items.@") {
        Fetch(service: "names") {
          {
            ... on Item {
              __typename
              id
            }
          } =>
          {
            ... on Item {
              label: name
            }
          }
        },
      },
      Flatten(path: "shelf.items.@") {
        Fetch(service: "prices") {
          {
            ... on Item {
              __typename
              code {
                one
                two
              }
            }
          } =>
          {
            ... on Item {
              cost: price
            }
          }
        },
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "shelf": {
                "items": [
                    {"ref": "i1", "label": "Bolt", "cost": 10, "c": {"two": "2"}},
                    {"ref": "i2", "label": "Nut", "cost": None, "c": {"two": "5"}},
                ]
            }
        }
    }
