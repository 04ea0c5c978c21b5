"""``auth`` configuration refuses unsafe settings; claims map to the identity per config."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from gateway.auth.config import AuthConfig, ClaimsConfig
from gateway.auth.errors import Unauthenticated
from gateway.auth.tokens import identity_from_claims
from tests.auth.helpers import AUDIENCE, ISSUER, TEST_SECRET

COMPLETE: dict[str, Any] = {
    "jwks_file": "jwks.json",
    "issuer": ISSUER,
    "audience": AUDIENCE,
    "signing_secret": TEST_SECRET,
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"algorithms": ["none"]}, "never none or HMAC"),
        ({"algorithms": ["RS256", "HS256"]}, "never none or HMAC"),
        ({"algorithms": []}, "at least one"),
        ({"issuer": None}, "issuer"),
        ({"audience": None}, "audience"),
        ({"signing_secret": None}, "signing_secret"),
        ({"signing_secret": "short"}, "at least 32"),
        ({"jwks_url": "https://idp.test/jwks"}, "not both"),
    ],
)
def test_unsafe_or_incomplete_settings_are_refused(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        AuthConfig.model_validate({**COMPLETE, **change})


def test_without_a_jwks_nothing_else_is_required() -> None:
    assert not AuthConfig().tokens_accepted
    assert AuthConfig.model_validate(COMPLETE).tokens_accepted


def test_default_claims() -> None:
    claims = {"sub": "usr_1", "roles": ["LEARNER", "ADMIN"], "scope": "a b", "exp": 100}
    identity = identity_from_claims(claims, ClaimsConfig(), leeway=5)
    assert (identity.user_id, identity.roles, identity.scopes) == (
        "usr_1",
        ("LEARNER", "ADMIN"),
        ("a", "b"),
    )
    assert identity.expires_at == 105


def test_configured_claims_nested_and_string_forms() -> None:
    mapping = ClaimsConfig(user_id="user.id", roles="realm.roles", scopes="scp")
    claims = {"user": {"id": 42}, "realm": {"roles": "LEARNER, INSTRUCTOR"}, "scp": ["x", "x"]}
    identity = identity_from_claims(claims, mapping)
    assert (identity.user_id, identity.roles, identity.scopes) == (
        "42",
        ("LEARNER", "INSTRUCTOR"),
        ("x",),
    )


@pytest.mark.parametrize("sub", [None, "", True, {"id": 1}, ["a"]])
def test_a_token_without_a_usable_user_id_is_unauthenticated(sub: Any) -> None:
    with pytest.raises(Unauthenticated):
        identity_from_claims({"sub": sub}, ClaimsConfig())
