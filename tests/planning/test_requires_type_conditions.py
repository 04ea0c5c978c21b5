# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""`@requires` through type conditions: a requirement like
`address { ... on WorkAddress { id } }` must reach the requiring subgraph as exactly that
selection, object by object: a `HomeAddress` carries no `id` in its representation even
when the client (or another requirement) selects `id` on every address, or the subgraph
computes a value where the right answer is null. After Hive Router's requires-with-fragments
fixture (a requirement with fields on the interface and on each implementation)."""

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
    ["mail", "people"],
    """
interface Account
  @join__type(graph: MAIL)
  @join__type(graph: PEOPLE)
{
  displayName: String!
  accountType: String!
}

type AdminAccount implements Account
  @join__implements(graph: MAIL, interface: "Account")
  @join__implements(graph: PEOPLE, interface: "Account")
  @join__type(graph: MAIL)
  @join__type(graph: PEOPLE)
{
  displayName: String!
  accountType: String!
  adminLevel: Int!
}

interface Address
  @join__type(graph: MAIL)
  @join__type(graph: PEOPLE)
{
  id: ID!
}

type GuestAccount implements Account
  @join__implements(graph: MAIL, interface: "Account")
  @join__implements(graph: PEOPLE, interface: "Account")
  @join__type(graph: MAIL)
  @join__type(graph: PEOPLE)
{
  displayName: String!
  accountType: String!
  guestToken: String!
}

type HomeAddress implements Address
  @join__implements(graph: MAIL, interface: "Address")
  @join__implements(graph: PEOPLE, interface: "Address")
  @join__type(graph: MAIL)
  @join__type(graph: PEOPLE)
{
  id: ID!
  street: String!
}

type Mailbox
  @join__type(graph: MAIL, key: "id")
{
  id: ID!
  owner: Person!
}

type Person
  @join__type(graph: MAIL, key: "id")
  @join__type(graph: PEOPLE, key: "id")
{
  id: ID!
  name: String! @join__field(graph: PEOPLE)
  address: Address @join__field(graph: MAIL, external: true) @join__field(graph: PEOPLE)
  profile: Account @join__field(graph: MAIL, external: true) @join__field(graph: PEOPLE)
  officeLabel: String @join__field(graph: MAIL, requires: "address { ... on WorkAddress { id } }")
  deliveryNote: String @join__field(graph: MAIL, requires: "address { ... on WorkAddress { floor } ... on HomeAddress { street } }")
  permissions: [String!] @join__field(graph: MAIL, requires: "profile { displayName ... on GuestAccount { guestToken accountType } ... on AdminAccount { adminLevel accountType } }")
}

type Query
  @join__type(graph: MAIL)
  @join__type(graph: PEOPLE)
{
  people: [Person!]! @join__field(graph: PEOPLE)
  mailboxes: [Mailbox!]! @join__field(graph: MAIL)
}

type WorkAddress implements Address
  @join__implements(graph: MAIL, interface: "Address")
  @join__implements(graph: PEOPLE, interface: "Address")
  @join__type(graph: MAIL)
  @join__type(graph: PEOPLE)
{
  id: ID!
  floor: Int!
}
""",
)

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@external", "@requires", "@shareable"])\n'
)

TYPES = """
interface Address { id: ID! }
type WorkAddress implements Address @shareable { id: ID! floor: Int! }
type HomeAddress implements Address @shareable { id: ID! street: String! }
interface Account { displayName: String! accountType: String! }
type AdminAccount implements Account @shareable { displayName: String! accountType: String! adminLevel: Int! }
type GuestAccount implements Account @shareable { displayName: String! accountType: String! guestToken: String! }
"""


def _office(source: dict[str, Any], _info: Any) -> str | None:
    # Only a work address is required with its id: any id here means an office.
    address = source.get("address")
    return f"office {address['id']}" if address and "id" in address else None


def _delivery(source: dict[str, Any], _info: Any) -> str | None:
    address = source.get("address")
    if not address:
        return None
    if "floor" in address:
        return f"floor {address['floor']}"
    return f"door on {address['street']}" if "street" in address else "unknown"


def _permissions(source: dict[str, Any], _info: Any) -> list[str] | None:
    profile = source.get("profile")
    if not profile:
        return None
    out = [f"{profile['accountType']}:{profile['displayName']}"]
    if "adminLevel" in profile:
        out.append(f"level:{profile['adminLevel']}")
    if "guestToken" in profile:
        out.append(f"token:{profile['guestToken']}")
    return out


def make_subgraphs() -> list[KitSubgraph]:
    people = KitSubgraph(
        "people",
        FED
        + TYPES
        + """
        type Query { people: [Person!]! }
        type Person @key(fields: "id") { id: ID! name: String! address: Address profile: Account }
        """,
        {
            "Person": [
                {
                    "id": "p1",
                    "name": "Ann",
                    "address": {"__typename": "WorkAddress", "id": "w1", "floor": 3},
                    "profile": {
                        "__typename": "AdminAccount",
                        "displayName": "Ann",
                        "accountType": "admin",
                        "adminLevel": 5,
                    },
                },
                {
                    "id": "p2",
                    "name": "Bob",
                    "address": {"__typename": "HomeAddress", "id": "h1", "street": "Elm"},
                    "profile": {
                        "__typename": "GuestAccount",
                        "displayName": "Bob",
                        "accountType": "guest",
                        "guestToken": "t-2",
                    },
                },
                {"id": "p3", "name": "Cy", "address": None, "profile": None},
            ]
        },
        {"Query.people": lambda _s, _i: people.rows("Person")},
    )
    mail = KitSubgraph(
        "mail",
        FED
        + TYPES
        + """
        type Query { mailboxes: [Mailbox!]! }
        type Mailbox @key(fields: "id") { id: ID! owner: Person! }
        type Person @key(fields: "id") {
          id: ID!
          address: Address @external
          profile: Account @external
          officeLabel: String @requires(fields: "address { ... on WorkAddress { id } }")
          deliveryNote: String @requires(fields: "address { ... on WorkAddress { floor } ... on HomeAddress { street } }")
          permissions: [String!] @requires(fields: "profile { displayName ... on GuestAccount { guestToken accountType } ... on AdminAccount { adminLevel accountType } }")
        }
        """,
        {
            "Mailbox": [
                {"id": "m1", "owner": {"id": "p2"}},
                {"id": "m2", "owner": {"id": "p1"}},
            ]
        },
        {
            "Query.mailboxes": lambda _s, _i: mail.rows("Mailbox"),
            "Person.officeLabel": _office,
            "Person.deliveryNote": _delivery,
            "Person.permissions": _permissions,
        },
    )
    return [mail, people]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


OFFICE_REPRESENTATIONS = {
    "representations": [
        {"__typename": "Person", "id": "p1", "address": {"__typename": "WorkAddress", "id": "w1"}},
        {"__typename": "Person", "id": "p2", "address": {"__typename": "HomeAddress"}},
        {"__typename": "Person", "id": "p3", "address": None},
    ]
}


async def test_requirement_under_one_type_condition(gw: KitGateway) -> None:
    plan, body = await gw.run("{ people { officeLabel } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "people") {
      {
        people {
          __typename
          id
          address {
            __typename
            ... on WorkAddress {
              id
            }
          }
        }
      }
    },
    Flatten(path: "people.@") {
      Fetch(service: "mail") {
        {
          ... on Person {
            __typename
            id
            address {
              ... on WorkAddress {
                id
              }
            }
          }
        } =>
        {
          ... on Person {
            officeLabel
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "people": [{"officeLabel": "office w1"}, {"officeLabel": None}, {"officeLabel": None}]
        }
    }
    assert gw["mail"].requests[0].variables == OFFICE_REPRESENTATIONS


async def test_client_selects_the_conditioned_field_on_every_type(gw: KitGateway) -> None:
    # The client's `address { id }` must not leak the home address's id into the
    # requirement: the office label of a home address is null.
    plan, body = await gw.run("{ people { address { id } officeLabel } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "people") {
      {
        people {
          address {
            __typename
            ... on HomeAddress {
              id
            }
            ... on WorkAddress {
              id
            }
          }
          __typename
          id
        }
      }
    },
    Flatten(path: "people.@") {
      Fetch(service: "mail") {
        {
          ... on Person {
            __typename
            id
            address {
              ... on WorkAddress {
                id
              }
            }
          }
        } =>
        {
          ... on Person {
            officeLabel
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "people": [
                {"address": {"id": "w1"}, "officeLabel": "office w1"},
                {"address": {"id": "h1"}, "officeLabel": None},
                {"address": None, "officeLabel": None},
            ]
        }
    }
    assert gw["mail"].requests[0].variables == OFFICE_REPRESENTATIONS


async def test_client_selects_the_field_under_the_other_type_condition(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ people { address { ... on HomeAddress { id street } } officeLabel } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "people") {
      {
        people {
          address {
            __typename
            ... on HomeAddress {
              id
              street
            }
            ... on WorkAddress {
              id
            }
          }
          __typename
          id
        }
      }
    },
    Flatten(path: "people.@") {
      Fetch(service: "mail") {
        {
          ... on Person {
            __typename
            id
            address {
              ... on WorkAddress {
                id
              }
            }
          }
        } =>
        {
          ... on Person {
            officeLabel
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "people": [
                {"address": {}, "officeLabel": "office w1"},
                {"address": {"id": "h1", "street": "Elm"}, "officeLabel": None},
                {"address": None, "officeLabel": None},
            ]
        }
    }
    assert gw["mail"].requests[0].variables == OFFICE_REPRESENTATIONS


async def test_requirement_with_a_different_field_per_type(gw: KitGateway) -> None:
    plan, body = await gw.run("{ people { name deliveryNote } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "people") {
      {
        people {
          name
          __typename
          id
          address {
            __typename
            ... on HomeAddress {
              street
            }
            ... on WorkAddress {
              floor
            }
          }
        }
      }
    },
    Flatten(path: "people.@") {
      Fetch(service: "mail") {
        {
          ... on Person {
            __typename
            id
            address {
              ... on HomeAddress {
                street
              }
              ... on WorkAddress {
                floor
              }
            }
          }
        } =>
        {
          ... on Person {
            deliveryNote
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "people": [
                {"name": "Ann", "deliveryNote": "floor 3"},
                {"name": "Bob", "deliveryNote": "door on Elm"},
                {"name": "Cy", "deliveryNote": None},
            ]
        }
    }
    assert gw["mail"].requests[0].variables == {
        "representations": [
            {
                "__typename": "Person",
                "id": "p1",
                "address": {"__typename": "WorkAddress", "floor": 3},
            },
            {
                "__typename": "Person",
                "id": "p2",
                "address": {"__typename": "HomeAddress", "street": "Elm"},
            },
            {"__typename": "Person", "id": "p3", "address": None},
        ]
    }


async def test_two_requirements_with_different_type_conditions_on_one_field(
    gw: KitGateway,
) -> None:
    # officeLabel wants a work address's id, deliveryNote a home address's street: each
    # representation has exactly what its own type's conditions select.
    plan, body = await gw.run("{ people { officeLabel deliveryNote } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "people") {
      {
        people {
          __typename
          id
          address {
            __typename
            ... on HomeAddress {
              street
            }
            ... on WorkAddress {
              id
              floor
            }
          }
        }
      }
    },
    Parallel {
      Flatten(path: "people.@") {
        Fetch(service: "mail") {
          {
            ... on Person {
              __typename
              id
              address {
                ... on WorkAddress {
                  id
                }
              }
            }
          } =>
          {
            ... on Person {
              officeLabel
            }
          }
        },
      },
      Flatten(path: "people.@") {
        Fetch(service: "mail") {
          {
            ... on Person {
              __typename
              id
              address {
                ... on HomeAddress {
                  street
                }
                ... on WorkAddress {
                  floor
                }
              }
            }
          } =>
          {
            ... on Person {
              deliveryNote
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
            "people": [
                {"officeLabel": "office w1", "deliveryNote": "floor 3"},
                {"officeLabel": None, "deliveryNote": "door on Elm"},
                {"officeLabel": None, "deliveryNote": None},
            ]
        }
    }


async def test_requirement_with_interface_fields_and_fragments(gw: KitGateway) -> None:
    plan, body = await gw.run("{ people { permissions } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "people") {
      {
        people {
          __typename
          id
          profile {
            __typename
            ... on AdminAccount {
              displayName
              adminLevel
              accountType
            }
            ... on GuestAccount {
              displayName
              guestToken
              accountType
            }
          }
        }
      }
    },
    Flatten(path: "people.@") {
      Fetch(service: "mail") {
        {
          ... on Person {
            __typename
            id
            profile {
              ... on AdminAccount {
                displayName
                adminLevel
                accountType
              }
              ... on GuestAccount {
                displayName
                guestToken
                accountType
              }
            }
          }
        } =>
        {
          ... on Person {
            permissions
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "people": [
                {"permissions": ["admin:Ann", "level:5"]},
                {"permissions": ["guest:Bob", "token:t-2"]},
                {"permissions": None},
            ]
        }
    }
    assert gw["mail"].requests[0].variables == {
        "representations": [
            {
                "__typename": "Person",
                "id": "p1",
                "profile": {
                    "__typename": "AdminAccount",
                    "displayName": "Ann",
                    "adminLevel": 5,
                    "accountType": "admin",
                },
            },
            {
                "__typename": "Person",
                "id": "p2",
                "profile": {
                    "__typename": "GuestAccount",
                    "displayName": "Bob",
                    "guestToken": "t-2",
                    "accountType": "guest",
                },
            },
            {"__typename": "Person", "id": "p3", "profile": None},
        ]
    }


async def test_requirement_with_fragments_next_to_the_client_fields(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ people { profile { accountType ... on AdminAccount { adminLevel } } permissions } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "people") {
      {
        people {
          profile {
            __typename
            ... on AdminAccount {
              accountType
              adminLevel
              displayName
            }
            ... on GuestAccount {
              accountType
              displayName
              guestToken
            }
          }
          __typename
          id
        }
      }
    },
    Flatten(path: "people.@") {
      Fetch(service: "mail") {
        {
          ... on Person {
            __typename
            id
            profile {
              ... on AdminAccount {
                displayName
                adminLevel
                accountType
              }
              ... on GuestAccount {
                displayName
                guestToken
                accountType
              }
            }
          }
        } =>
        {
          ... on Person {
            permissions
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "people": [
                {
                    "profile": {"accountType": "admin", "adminLevel": 5},
                    "permissions": ["admin:Ann", "level:5"],
                },
                {"profile": {"accountType": "guest"}, "permissions": ["guest:Bob", "token:t-2"]},
                {"profile": None, "permissions": None},
            ]
        }
    }


async def test_requirement_through_a_type_condition_below_an_entity(gw: KitGateway) -> None:
    # mail -> people (the address) -> mail (the label), all below mailboxes.owner.
    plan, body = await gw.run("{ mailboxes { id owner { name officeLabel } } }")
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "mail") {
      {
        mailboxes {
          id
          owner {
            __typename
            id
          }
        }
      }
    },
    Flatten(path: "mailboxes.@.owner") {
      Fetch(service: "people") {
        {
          ... on Person {
            __typename
            id
          }
        } =>
        {
          ... on Person {
            name
            address {
              __typename
              ... on WorkAddress {
                id
              }
            }
          }
        }
      },
    },
    Flatten(path: "mailboxes.@.owner") {
      Fetch(service: "mail") {
        {
          ... on Person {
            __typename
            id
            address {
              ... on WorkAddress {
                id
              }
            }
          }
        } =>
        {
          ... on Person {
            officeLabel
          }
        }
      },
    },
  },
}\
""")
    assert body == {
        "data": {
            "mailboxes": [
                {"id": "m1", "owner": {"name": "Bob", "officeLabel": None}},
                {"id": "m2", "owner": {"name": "Ann", "officeLabel": "office w1"}},
            ]
        }
    }
    assert gw["mail"].requests[-1].variables == {
        "representations": [
            {"__typename": "Person", "id": "p2", "address": {"__typename": "HomeAddress"}},
            {
                "__typename": "Person",
                "id": "p1",
                "address": {"__typename": "WorkAddress", "id": "w1"},
            },
        ]
    }
