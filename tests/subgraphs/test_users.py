"""The users subgraph: queries, the profile mutation, entity references, bad input."""

from __future__ import annotations

import httpx

from tests.subgraphs.helpers import RunningSubgraphs, as_user, codes, gql

ME = "{ me { id name email locale role avatarUrl(size: 64) } }"


async def test_me_returns_the_caller(subgraphs: RunningSubgraphs, client: httpx.AsyncClient):
    learner = subgraphs.data.users[10]
    body = await gql(client, subgraphs.urls["users"], ME, headers=as_user(learner["id"]))
    assert body == {
        "data": {
            "me": {
                "id": learner["id"],
                "name": learner["name"],
                "email": learner["email"],
                "locale": learner["locale"],
                "role": "LEARNER",
                "avatarUrl": f"https://avatars.learning.example/{learner['id']}.png?size=64",
            }
        }
    }


async def test_me_is_unauthenticated_without_identity(
    subgraphs: RunningSubgraphs, client: httpx.AsyncClient
):
    body = await gql(client, subgraphs.urls["users"], "{ me { id } }")
    assert body["data"] == {"me": None}
    assert codes(body) == ["UNAUTHENTICATED"]


async def test_email_is_visible_to_self_and_admins_only(
    subgraphs: RunningSubgraphs, client: httpx.AsyncClient
):
    other = subgraphs.data.users[20]
    query = "query($id: ID!) { user(id: $id) { id name email } }"
    variables = {"id": other["id"]}
    as_other_learner = await gql(
        client, subgraphs.urls["users"], query, variables, as_user("usr_0030")
    )
    assert as_other_learner["data"] == {
        "user": {"id": other["id"], "name": other["name"], "email": None}
    }
    assert codes(as_other_learner) == ["FORBIDDEN"]
    as_admin = await gql(
        client, subgraphs.urls["users"], query, variables, as_user("usr_0001", "ADMIN")
    )
    assert as_admin == {
        "data": {"user": {"id": other["id"], "name": other["name"], "email": other["email"]}}
    }


async def test_unknown_user_is_not_found(subgraphs: RunningSubgraphs, client: httpx.AsyncClient):
    body = await gql(client, subgraphs.urls["users"], '{ user(id: "usr_9999") { id } }')
    assert body["data"] == {"user": None}
    assert codes(body) == ["NOT_FOUND"]


async def test_users_connection_pages_through_everyone(
    subgraphs: RunningSubgraphs, client: httpx.AsyncClient
):
    query = """query($after: String) { users(first: 25, after: $after) {
        edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }"""
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        body = await gql(client, subgraphs.urls["users"], query, {"after": after})
        page = body["data"]["users"]
        seen += [edge["node"]["id"] for edge in page["edges"]]
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
        assert after == page["edges"][-1]["cursor"]
    assert seen == sorted(u["id"] for u in subgraphs.data.users)
    assert pages == 3  # 60 users in pages of 25


async def test_users_connection_rejects_bad_arguments(
    subgraphs: RunningSubgraphs, client: httpx.AsyncClient
):
    url = subgraphs.urls["users"]
    for args in (
        "first: 0",
        "first: 101",
        "first: -5",
        'after: "not a cursor!"',
        'after: "Y291cnNlOmNyc18wMDAx"',
    ):  # a valid cursor, of courses
        body = await gql(client, url, f"{{ users({args}) {{ edges {{ cursor }} }} }}")
        assert body["data"] is None, args
        assert codes(body) == ["BAD_USER_INPUT"], args


async def test_avatar_size_out_of_range(subgraphs: RunningSubgraphs, client: httpx.AsyncClient):
    body = await gql(
        client, subgraphs.urls["users"], ME.replace("64", "4096"), headers=as_user("usr_0010")
    )
    assert body["data"] == {"me": None}
    assert codes(body) == ["BAD_USER_INPUT"]


UPDATE = """mutation($input: UpdateProfileInput!) {
    updateProfile(input: $input) { id name locale } }"""


async def test_update_profile_changes_own_profile(
    subgraphs: RunningSubgraphs, client: httpx.AsyncClient
):
    url, who = subgraphs.urls["users"], as_user("usr_0012")
    body = await gql(client, url, UPDATE, {"input": {"name": "  Ada L.  ", "locale": "pt-BR"}}, who)
    assert body == {
        "data": {"updateProfile": {"id": "usr_0012", "name": "Ada L.", "locale": "pt-BR"}}
    }
    again = await gql(client, url, "{ me { name locale } }", headers=who)
    assert again == {"data": {"me": {"name": "Ada L.", "locale": "pt-BR"}}}


async def test_update_profile_bad_input_changes_nothing(
    subgraphs: RunningSubgraphs, client: httpx.AsyncClient
):
    url, who = subgraphs.urls["users"], as_user("usr_0012")
    before = await gql(client, url, "{ me { name locale } }", headers=who)
    bad_inputs = [
        {"name": "   "},
        {"name": "x" * 101},
        {"name": "bell\x07"},
        {"locale": "english"},
        {"name": "Fine Name", "locale": "EN_us"},  # one bad field: nothing is written
        {},
    ]
    for bad in bad_inputs:
        body = await gql(client, url, UPDATE, {"input": bad}, who)
        assert body["data"] is None, bad
        assert codes(body) == ["BAD_USER_INPUT"], bad
    assert await gql(client, url, "{ me { name locale } }", headers=who) == before


async def test_update_profile_needs_a_user(subgraphs: RunningSubgraphs, client: httpx.AsyncClient):
    body = await gql(client, subgraphs.urls["users"], UPDATE, {"input": {"name": "Mallory"}})
    assert codes(body) == ["UNAUTHENTICATED"]


async def test_entities_resolve_users_in_order_with_null_for_unknown(
    subgraphs: RunningSubgraphs, client: httpx.AsyncClient
):
    query = """query($r: [_Any!]!) { _entities(representations: $r) {
        ... on User { id name role } } }"""
    reps = [{"__typename": "User", "id": i} for i in ("usr_0003", "usr_0404", "usr_0001")]
    body = await gql(client, subgraphs.urls["users"], query, {"r": reps})
    by_id = {u["id"]: u for u in subgraphs.data.users}
    assert body == {
        "data": {
            "_entities": [
                {"id": "usr_0003", "name": by_id["usr_0003"]["name"], "role": "INSTRUCTOR"},
                None,
                {"id": "usr_0001", "name": by_id["usr_0001"]["name"], "role": "ADMIN"},
            ]
        }
    }
