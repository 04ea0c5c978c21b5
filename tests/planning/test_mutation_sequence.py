# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""Mutations in sequence across three subgraphs that share one state (after Hive Router's
mutations fixture: a calculator whose `add`, `multiply` and `delete` live in different
subgraphs). Root mutation fields run strictly in the client's order, each one completely
(its entity fetches included) before the next starts: the values prove the order."""

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
    ["a", "b", "c"],
    """
input AddProductInput
  @join__type(graph: A)
{
  name: String!
  price: Float!
}

type Mutation
  @join__type(graph: A)
  @join__type(graph: B)
  @join__type(graph: C)
{
  addProduct(input: AddProductInput!): Product! @join__field(graph: A)
  multiply(by: Int!, requestId: String!): Int! @join__field(graph: A)
  delete(requestId: String!): Int! @join__field(graph: B)
  add(num: Int!, requestId: String!): Int! @join__field(graph: C)
}

type Product
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id")
{
  id: ID!
  name: String! @join__field(graph: A)
  price: Float! @join__field(graph: A) @join__field(graph: B, external: true)
  isExpensive: Boolean! @join__field(graph: B, requires: "price")
  isAvailable: Boolean! @join__field(graph: B)
}

type Query
  @join__type(graph: A)
  @join__type(graph: B)
  @join__type(graph: C)
{
  products: [Product!]! @join__field(graph: A)
}
""",
)

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@external", "@requires"])\n'
)

#: The state the three subgraphs share (one database), and the order things happened.
STATE: dict[str, Any] = {"value": 0, "products": [], "log": []}


def _step(name: str, compute: Any) -> Any:
    def resolver(_source: Any, _info: Any, **args: Any) -> int:
        STATE["value"] = compute(STATE["value"], args)
        STATE["log"].append(name)
        return int(STATE["value"])

    return resolver


def _add_product(_source: Any, _info: Any, input: dict[str, Any]) -> dict[str, Any]:
    product = {"__typename": "Product", "id": f"n{len(STATE['products']) + 1}", **input}
    STATE["products"].append(product)
    STATE["log"].append(f"addProduct:{product['id']}")
    return product


def _expensive(source: dict[str, Any], _info: Any) -> bool:
    STATE["log"].append(f"isExpensive:{source['id']}")
    return bool(source["price"] > 100)


def make_subgraphs() -> list[KitSubgraph]:
    a = KitSubgraph(
        "a",
        FED
        + """
        type Query { products: [Product!]! }
        type Mutation {
          addProduct(input: AddProductInput!): Product!
          multiply(by: Int!, requestId: String!): Int!
        }
        input AddProductInput { name: String! price: Float! }
        type Product @key(fields: "id") { id: ID! name: String! price: Float! }
        """,
        {},
        {
            "Query.products": lambda _s, _i: STATE["products"],
            "Mutation.addProduct": _add_product,
            "Mutation.multiply": _step("multiply", lambda v, args: v * args["by"]),
            "Product.name": lambda s, _i: next(p for p in STATE["products"] if p["id"] == s["id"])[
                "name"
            ],
            "Product.price": lambda s, _i: next(p for p in STATE["products"] if p["id"] == s["id"])[
                "price"
            ],
        },
    )
    b = KitSubgraph(
        "b",
        FED
        + """
        type Mutation { delete(requestId: String!): Int! }
        type Product @key(fields: "id") {
          id: ID!
          price: Float! @external
          isExpensive: Boolean! @requires(fields: "price")
          isAvailable: Boolean!
        }
        """,
        {},
        {
            "Mutation.delete": _step("delete", lambda _v, _args: 0),
            "Product.isExpensive": _expensive,
            "Product.isAvailable": lambda s, _i: s["id"] != "n2",
        },
    )
    c = KitSubgraph(
        "c",
        FED + "type Mutation { add(num: Int!, requestId: String!): Int! }",
        {},
        {"Mutation.add": _step("add", lambda v, args: v + args["num"])},
    )
    return [a, b, c]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


@pytest.fixture(autouse=True)
def fresh_state() -> None:
    STATE.update(value=0, products=[], log=[])


async def test_fields_of_three_subgraphs_in_order(gw: KitGateway) -> None:
    plan, body = await gw.run(
        'mutation { add(num: 2, requestId: "r") multiply(by: 3, requestId: "r") again: add(num: 1, requestId: "r") }'
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "c") {
      {
        add(num: 2, requestId: "r")
      }
    },
    Fetch(service: "a") {
      {
        multiply(by: 3, requestId: "r")
      }
    },
    Fetch(service: "c") {
      {
        again: add(num: 1, requestId: "r")
      }
    },
  },
}\
""")
    assert body == {"data": {"add": 2, "multiply": 6, "again": 7}}
    assert STATE["log"] == ["add", "multiply", "add"]


async def test_a_reset_in_the_middle(gw: KitGateway) -> None:
    plan, body = await gw.run(
        """mutation {
          first: add(num: 5, requestId: "r")
          delete(requestId: "r")
          second: add(num: 1, requestId: "r")
          multiply(by: 10, requestId: "r")
        }"""
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "c") {
      {
        first: add(num: 5, requestId: "r")
      }
    },
    Fetch(service: "b") {
      {
        delete(requestId: "r")
      }
    },
    Fetch(service: "c") {
      {
        second: add(num: 1, requestId: "r")
      }
    },
    Fetch(service: "a") {
      {
        multiply(by: 10, requestId: "r")
      }
    },
  },
}\
""")
    assert body == {"data": {"first": 5, "delete": 0, "second": 1, "multiply": 10}}
    assert STATE["log"] == ["add", "delete", "add", "multiply"]


async def test_the_same_subgraph_twice_not_next_to_each_other(gw: KitGateway) -> None:
    # a, c, a: the two multiplications must not be merged into one fetch around the add.
    plan, body = await gw.run(
        """mutation {
          one: multiply(by: 2, requestId: "r")
          add(num: 3, requestId: "r")
          two: multiply(by: 2, requestId: "r")
        }"""
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        one: multiply(by: 2, requestId: "r")
      }
    },
    Fetch(service: "c") {
      {
        add(num: 3, requestId: "r")
      }
    },
    Fetch(service: "a") {
      {
        two: multiply(by: 2, requestId: "r")
      }
    },
  },
}\
""")
    assert body == {"data": {"one": 0, "add": 3, "two": 6}}
    assert STATE["log"] == ["multiply", "add", "multiply"]


async def test_mutation_result_completed_through_another_subgraph(gw: KitGateway) -> None:
    plan, body = await gw.run(
        'mutation { addProduct(input: {name: "Hat", price: 120}) { id name isExpensive isAvailable } }'
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        addProduct(input: { name: "Hat", price: 120 }) {
          id
          name
          __typename
          price
        }
      }
    },
    Flatten(path: "addProduct") {
      Fetch(service: "b") {
        {
          ... on Product {
            __typename
            id
            price
          }
        } =>
        {
          ... on Product {
            isExpensive
            isAvailable
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "addProduct": {"id": "n1", "name": "Hat", "isExpensive": True, "isAvailable": True}
        }
    }


async def test_entity_fetch_of_a_field_finishes_before_the_next_field(gw: KitGateway) -> None:
    plan, body = await gw.run(
        """mutation {
          first: addProduct(input: {name: "Hat", price: 120}) { id isExpensive }
          add(num: 1, requestId: "r")
          second: addProduct(input: {name: "Pen", price: 3}) { id isExpensive isAvailable }
        }"""
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Sequence {
      Fetch(service: "a") {
        {
          first: addProduct(input: { name: "Hat", price: 120 }) {
            id
            __typename
            price
          }
        }
      },
      Flatten(path: "first") {
        Fetch(service: "b") {
          {
            ... on Product {
              __typename
              id
              price
            }
          } =>
          {
            ... on Product {
              isExpensive
            }
          }
        },
      },
    },
    Fetch(service: "c") {
      {
        add(num: 1, requestId: "r")
      }
    },
    Sequence {
      Fetch(service: "a") {
        {
          second: addProduct(input: { name: "Pen", price: 3 }) {
            id
            __typename
            price
          }
        }
      },
      Flatten(path: "second") {
        Fetch(service: "b") {
          {
            ... on Product {
              __typename
              id
              price
            }
          } =>
          {
            ... on Product {
              isExpensive
              isAvailable
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
            "first": {"id": "n1", "isExpensive": True},
            "add": 1,
            "second": {"id": "n2", "isExpensive": False, "isAvailable": False},
        }
    }
    assert STATE["log"] == [
        "addProduct:n1",
        "isExpensive:n1",
        "add",
        "addProduct:n2",
        "isExpensive:n2",
    ]


async def test_mutation_with_variables_used_by_two_subgraphs(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "mutation ($n: Int!, $id: String!) { add(num: $n, requestId: $id) multiply(by: $n, requestId: $id) }",
        {"n": 4, "id": "req-1"},
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "c") {
      {
        add(num: $n, requestId: $id)
      }
    },
    Fetch(service: "a") {
      {
        multiply(by: $n, requestId: $id)
      }
    },
  },
}\
""")
    assert body == {"data": {"add": 4, "multiply": 16}}
    assert [r.variables for r in gw["c"].requests] == [{"n": 4, "id": "req-1"}]


async def test_typename_and_aliases_of_one_field_in_a_mutation(gw: KitGateway) -> None:
    plan, body = await gw.run(
        'mutation { __typename x: add(num: 1, requestId: "r") y: add(num: 1, requestId: "r") }'
    )
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "c") {
    {
      x: add(num: 1, requestId: "r")
      y: add(num: 1, requestId: "r")
    }
  },
}\
""")
    assert body == {"data": {"__typename": "Mutation", "x": 1, "y": 2}}


async def test_mutation_then_a_query_sees_its_effect(gw: KitGateway) -> None:
    _, created = await gw.run('mutation { addProduct(input: {name: "Cup", price: 101}) { id } }')
    assert created == {"data": {"addProduct": {"id": "n1"}}}
    plan, body = await gw.run("{ products { name isExpensive } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        products {
          name
          __typename
          id
          price
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "b") {
        {
          ... on Product {
            __typename
            id
            price
          }
        } =>
        {
          ... on Product {
            isExpensive
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"products": [{"name": "Cup", "isExpensive": True}]}}
