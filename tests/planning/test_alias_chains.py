"""Aliases along a chain of keys: store lists products by `id`, info knows `id` and `uuid`,
cost only `uuid`. Aliases on the root, the entity field and the leaves survive every hop;
a client alias that takes the name of the key the planner needs from info (`uuid`) does
not clobber it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from inline_snapshot import snapshot

from tests.planning.header import supergraph
from tests.planning.helpers import KitGateway, KitSubgraph, kit_gateway

#: One event loop per module: the module-scoped kit servers and gateway live in it.
pytestmark = pytest.mark.asyncio(loop_scope="module")

SUPERGRAPH = supergraph(
    ["cost", "info", "store"],
    """
type Price
  @join__type(graph: COST)
{
  amount: Int!
  currency: String!
}

type Product
  @join__type(graph: COST, key: "uuid")
  @join__type(graph: INFO, key: "id")
  @join__type(graph: INFO, key: "uuid")
  @join__type(graph: STORE, key: "id")
{
  id: ID! @join__field(graph: INFO) @join__field(graph: STORE)
  uuid: ID! @join__field(graph: COST) @join__field(graph: INFO)
  isAvailable: Boolean! @join__field(graph: INFO)
  price: Price @join__field(graph: COST)
}

type Query
  @join__type(graph: COST)
  @join__type(graph: INFO)
  @join__type(graph: STORE)
{
  products: [Product!]! @join__field(graph: STORE)
}
""",
)

FED = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'


def make_subgraphs() -> list[KitSubgraph]:
    store = KitSubgraph(
        "store",
        FED + 'type Query { products: [Product!]! } type Product @key(fields: "id") { id: ID! }',
        {"Product": [{"id": "p1"}, {"id": "p2"}]},
        {"Query.products": lambda _s, _i: store.rows("Product")},
    )
    info = KitSubgraph(
        "info",
        FED
        + """type Product @key(fields: "id") @key(fields: "uuid") {
          id: ID! uuid: ID! isAvailable: Boolean!
        }""",
        {
            "Product": [
                {"id": "p1", "uuid": "U1", "isAvailable": True},
                {"id": "p2", "uuid": "U2", "isAvailable": False},
            ]
        },
    )
    cost = KitSubgraph(
        "cost",
        FED
        + """type Product @key(fields: "uuid") { uuid: ID! price: Price }
        type Price { amount: Int! currency: String! }""",
        {
            "Product": [
                {"uuid": "U1", "price": {"amount": 10, "currency": "EUR"}},
                {"uuid": "U2", "price": None},
            ]
        },
    )
    return [cost, info, store]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_aliases_on_the_root_the_entity_field_and_the_leaves(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ all: products { price { pricing: amount currency } available: isAvailable } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "store") {
      {
        all: products {
          __typename
          id
        }
      }
    },
    Flatten(path: "all.@") {
      Fetch(service: "info") {
        {
          ... on Product {
            __typename
            id
          }
        } =>
        {
          ... on Product {
            uuid
            available: isAvailable
          }
        }
      },
    },
    Flatten(path: "all.@") {
      Fetch(service: "cost") {
        {
          ... on Product {
            __typename
            uuid
          }
        } =>
        {
          ... on Product {
            price {
              pricing: amount
              currency
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
            "all": [
                {"price": {"pricing": 10, "currency": "EUR"}, "available": True},
                {"price": None, "available": False},
            ]
        }
    }
    assert {n: len(r) for n, r in gw.sent().items()} == {"cost": 1, "info": 1, "store": 1}


async def test_one_root_aliased_twice_with_different_chains(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ a: products { available: isAvailable } b: products { id price { amount } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "store") {
      {
        a: products {
          __typename
          id
        }
        b: products {
          id
          __typename
        }
      }
    },
    Parallel {
      Flatten(path: "a.@") {
        Fetch(service: "info") {
          {
            ... on Product {
              __typename
              id
            }
          } =>
          {
            ... on Product {
              available: isAvailable
            }
          }
        },
      },
      Flatten(path: "b.@") {
        Fetch(service: "info") {
          {
            ... on Product {
              __typename
              id
            }
          } =>
          {
            ... on Product {
              uuid
            }
          }
        },
      },
    },
    Flatten(path: "b.@") {
      Fetch(service: "cost") {
        {
          ... on Product {
            __typename
            uuid
          }
        } =>
        {
          ... on Product {
            price {
              amount
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
            "a": [{"available": True}, {"available": False}],
            "b": [{"id": "p1", "price": {"amount": 10}}, {"id": "p2", "price": None}],
        }
    }


async def test_client_alias_named_like_the_key_the_next_hop_needs(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products { uuid: isAvailable price { amount } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "store") {
      {
        products {
          __typename
          id
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "info") {
        {
          ... on Product {
            __typename
            id
          }
        } =>
        {
          ... on Product {
            uuid: isAvailable
            _gw_uuid: uuid
          }
        }
      },
    },
    Flatten(path: "products.@") {
      Fetch(service: "cost") {
        {
          ... on Product {
            __typename
            uuid
          }
        } =>
        {
          ... on Product {
            price {
              amount
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
                {"uuid": True, "price": {"amount": 10}},
                {"uuid": False, "price": None},
            ]
        }
    }
    assert gw["cost"].requests[0].variables == {
        "representations": [
            {"__typename": "Product", "uuid": "U1"},
            {"__typename": "Product", "uuid": "U2"},
        ]
    }


async def test_leaf_aliases_swapping_field_names(gw: KitGateway) -> None:
    plan, body = await gw.run("{ products { price { currency: amount amount: currency } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "store") {
      {
        products {
          __typename
          id
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "info") {
        {
          ... on Product {
            __typename
            id
          }
        } =>
        {
          ... on Product {
            uuid
          }
        }
      },
    },
    Flatten(path: "products.@") {
      Fetch(service: "cost") {
        {
          ... on Product {
            __typename
            uuid
          }
        } =>
        {
          ... on Product {
            price {
              currency: amount
              amount: currency
            }
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {"products": [{"price": {"currency": 10, "amount": "EUR"}}, {"price": None}]}
    }


async def test_aliased_typename_and_key_next_to_remote_fields(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ products { kind: __typename ref: id key: uuid price { amount } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "store") {
      {
        products {
          kind: __typename
          ref: id
          __typename
          id
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "info") {
        {
          ... on Product {
            __typename
            id
          }
        } =>
        {
          ... on Product {
            key: uuid
            uuid
          }
        }
      },
    },
    Flatten(path: "products.@") {
      Fetch(service: "cost") {
        {
          ... on Product {
            __typename
            uuid
          }
        } =>
        {
          ... on Product {
            price {
              amount
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
                {"kind": "Product", "ref": "p1", "key": "U1", "price": {"amount": 10}},
                {"kind": "Product", "ref": "p2", "key": "U2", "price": None},
            ]
        }
    }
