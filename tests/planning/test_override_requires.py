"""`@override` next to `@requires` (after Hive Router's override_requires fixture): `name`
moved to b is required by fields of a and c, from every root; a progressive override
(`overrideLabel`) of `email` from c to b changes where the field and what requires it are
fetched only when its label is enabled."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from inline_snapshot import snapshot

from gateway.engine_config import EngineConfig
from tests.planning.header import supergraph
from tests.planning.helpers import KitGateway, KitSubgraph, kit_gateway

#: One event loop per module: the module-scoped kit servers and gateway live in it.
pytestmark = pytest.mark.asyncio(loop_scope="module")

SUPERGRAPH = supergraph(
    ["a", "b", "c"],
    """
type Query
  @join__type(graph: A)
  @join__type(graph: B)
  @join__type(graph: C)
{
  userInA: User @join__field(graph: A)
  userInB: User @join__field(graph: B)
  userInC: User @join__field(graph: C)
}

type User
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id")
  @join__type(graph: C, key: "id")
{
  id: ID!
  name: String!
    @join__field(graph: A, external: true)
    @join__field(graph: B, override: "a")
    @join__field(graph: C, external: true)
  aName: String! @join__field(graph: A, requires: "name")
  cName: String! @join__field(graph: C, requires: "name")
  email: String!
    @join__field(graph: A, external: true)
    @join__field(graph: B, override: "c", overrideLabel: "new-email")
    @join__field(graph: C, overrideLabel: "new-email")
  emailDomain: String! @join__field(graph: A, requires: "email")
}
""",
    version="0.5",
)

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7",'
    ' import: ["@key", "@external", "@requires", "@override"])\n'
)
NEW_EMAIL = EngineConfig(override_labels=["new-email"])


def make_subgraphs() -> list[KitSubgraph]:
    def root(subgraph: KitSubgraph) -> Any:
        return lambda _s, _i: subgraph.rows("User")[0]

    a = KitSubgraph(
        "a",
        FED
        + """
        type Query { userInA: User }
        type User @key(fields: "id") {
          id: ID!
          name: String! @external
          aName: String! @requires(fields: "name")
          email: String! @external
          emailDomain: String! @requires(fields: "email")
        }
        """,
        {"User": [{"id": "u1"}]},
        {
            "Query.userInA": lambda _s, _i: a.rows("User")[0],
            "User.aName": lambda s, _i: f"A:{s['name']}",
            "User.emailDomain": lambda s, _i: s["email"].split("@")[1],
        },
    )
    b = KitSubgraph(
        "b",
        FED
        + """
        type Query { userInB: User }
        type User @key(fields: "id") {
          id: ID!
          name: String! @override(from: "a")
          email: String! @override(from: "c", label: "new-email")
        }
        """,
        {"User": [{"id": "u1", "name": "Ann", "email": "ann@new.io"}]},
    )
    b.resolvers["Query.userInB"] = root(b)
    c = KitSubgraph(
        "c",
        FED
        + """
        type Query { userInC: User }
        type User @key(fields: "id") {
          id: ID!
          name: String! @external
          cName: String! @requires(fields: "name")
          email: String!
        }
        """,
        {"User": [{"id": "u1", "email": "ann@old.io"}]},
        {"User.cName": lambda s, _i: f"C:{s['name']}"},
    )
    c.resolvers["Query.userInC"] = root(c)
    return [a, b, c]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


ANN = {"id": "u1", "name": "Ann", "aName": "A:Ann", "cName": "C:Ann"}


async def test_overridden_field_required_by_two_subgraphs_from_three_roots(
    gw: KitGateway,
) -> None:
    plan, body = await gw.run(
        """{
          userInA { id name aName cName }
          userInB { id name aName cName }
          userInC { id name aName cName }
        }"""
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Parallel {
      Fetch(service: "a") {
        {
          userInA {
            id
            __typename
          }
        }
      },
      Fetch(service: "b") {
        {
          userInB {
            id
            name
            __typename
          }
        }
      },
      Fetch(service: "c") {
        {
          userInC {
            id
            __typename
          }
        }
      },
    },
    Parallel {
      Flatten(paths: ["userInA", "userInC"]) {
        Fetch(service: "b") {
          {
            ... on User {
              __typename
              id
            }
          } =>
          {
            ... on User {
              name
            }
          }
        },
      },
      Flatten(path: "userInB") {
        Fetch(service: "a") {
          {
            ... on User {
              __typename
              id
              name
            }
          } =>
          {
            ... on User {
              aName
            }
          }
        },
      },
      Flatten(path: "userInB") {
        Fetch(service: "c") {
          {
            ... on User {
              __typename
              id
              name
            }
          } =>
          {
            ... on User {
              cName
            }
          }
        },
      },
    },
    Parallel {
      Flatten(paths: ["userInA", "userInC"]) {
        Fetch(service: "a") {
          {
            ... on User {
              __typename
              id
              name
            }
          } =>
          {
            ... on User {
              aName
            }
          }
        },
      },
      Flatten(paths: ["userInA", "userInC"]) {
        Fetch(service: "c") {
          {
            ... on User {
              __typename
              id
              name
            }
          } =>
          {
            ... on User {
              cName
            }
          }
        },
      },
    },
  },
}\
""")
    assert body == {"data": {"userInA": ANN, "userInB": ANN, "userInC": ANN}}


async def test_requirement_of_an_overridden_field_from_the_requiring_root(
    gw: KitGateway,
) -> None:
    plan, body = await gw.run("{ userInC { cName } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "c") {
      {
        userInC {
          __typename
          id
        }
      }
    },
    Flatten(path: "userInC") {
      Fetch(service: "b") {
        {
          ... on User {
            __typename
            id
          }
        } =>
        {
          ... on User {
            name
          }
        }
      },
    },
    Flatten(path: "userInC") {
      Fetch(service: "c") {
        {
          ... on User {
            __typename
            id
            name
          }
        } =>
        {
          ... on User {
            cName
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"userInC": {"cName": "C:Ann"}}}
    # c for the user, b for the name, c for cName.
    assert {name: len(r) for name, r in gw.sent().items()} == {"b": 1, "c": 2}


async def test_label_off_the_field_stays_in_the_old_subgraph(gw: KitGateway) -> None:
    plan, body = await gw.run("{ userInA { email } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        userInA {
          __typename
          id
        }
      }
    },
    Flatten(path: "userInA") {
      Fetch(service: "c") {
        {
          ... on User {
            __typename
            id
          }
        } =>
        {
          ... on User {
            email
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"userInA": {"email": "ann@old.io"}}}
    assert sorted(gw.sent()) == ["a", "c"]


async def test_label_off_the_requirement_comes_from_the_old_subgraph(gw: KitGateway) -> None:
    plan, body = await gw.run("{ userInB { emailDomain } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "b") {
      {
        userInB {
          __typename
          id
        }
      }
    },
    Flatten(path: "userInB") {
      Fetch(service: "c") {
        {
          ... on User {
            __typename
            id
          }
        } =>
        {
          ... on User {
            email
          }
        }
      },
    },
    Flatten(path: "userInB") {
      Fetch(service: "a") {
        {
          ... on User {
            __typename
            id
            email
          }
        } =>
        {
          ... on User {
            emailDomain
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"userInB": {"emailDomain": "old.io"}}}


async def test_label_on_the_field_comes_from_the_new_subgraph() -> None:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs(), engine=NEW_EMAIL) as gw:
        plan, body = await gw.run("{ userInA { email } }")
        sent = sorted(gw.sent())
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "a") {
      {
        userInA {
          __typename
          id
        }
      }
    },
    Flatten(path: "userInA") {
      Fetch(service: "b") {
        {
          ... on User {
            __typename
            id
          }
        } =>
        {
          ... on User {
            email
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"userInA": {"email": "ann@new.io"}}}
    assert sent == ["a", "b"]


async def test_label_on_the_requirement_comes_from_the_new_subgraph() -> None:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs(), engine=NEW_EMAIL) as gw:
        plan, body = await gw.run("{ userInC { email emailDomain } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "c") {
      {
        userInC {
          __typename
          id
        }
      }
    },
    Flatten(path: "userInC") {
      Fetch(service: "b") {
        {
          ... on User {
            __typename
            id
          }
        } =>
        {
          ... on User {
            email
          }
        }
      },
    },
    Flatten(path: "userInC") {
      Fetch(service: "a") {
        {
          ... on User {
            __typename
            id
            email
          }
        } =>
        {
          ... on User {
            emailDomain
          }
        }
      },
    },
  },
}\
""")
    assert body == {"data": {"userInC": {"email": "ann@new.io", "emailDomain": "new.io"}}}


async def test_label_on_from_the_new_subgraph_root_needs_no_jump_for_the_field() -> None:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs(), engine=NEW_EMAIL) as gw:
        plan, body = await gw.run("{ userInB { name email } }")
        sent = sorted(gw.sent())
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "b") {
    {
      userInB {
        name
        email
      }
    }
  },
}\
""")
    assert body == {"data": {"userInB": {"name": "Ann", "email": "ann@new.io"}}}
    assert sent == ["b"]
