"""Policies from configuration: dotted paths checked at start-up; a policy that fails or
answers anything but True refuses (never a 500); each is called once per request."""

from __future__ import annotations

import re
from typing import Any

import pytest
from pydantic import ValidationError

from gateway.authz import AuthorizationConfig
from gateway.authz.policies import PolicyLoadError, evaluate, load_policies
from gateway.request import Identity

CALLS: list[str] = []


def broken(identity: Identity) -> bool:
    CALLS.append("broken")
    raise RuntimeError("the policy service is down")


def truthy(identity: Identity) -> Any:
    CALLS.append("truthy")
    return "yes"  # not True: refuses


async def granting(identity: Identity) -> bool:
    CALLS.append("granting")
    return identity.user_id == "u1"


def test_a_policy_path_must_be_module_colon_function() -> None:
    with pytest.raises(ValidationError, match="not 'module:function'"):
        AuthorizationConfig(policies={"p": "tests.authz.test_policies.granting"})


def test_a_policy_that_cannot_be_imported_stops_the_gateway() -> None:
    with pytest.raises(PolicyLoadError, match=re.escape("authorization.policies.p")):
        load_policies({"p": "tests.authz.test_policies:missing"})
    with pytest.raises(PolicyLoadError, match="not callable"):
        load_policies({"p": "tests.authz.test_policies:CALLS"})


async def test_only_true_grants_and_a_failing_policy_refuses() -> None:
    CALLS.clear()
    policies = load_policies(
        {
            "broken": "tests.authz.test_policies:broken",
            "truthy": "tests.authz.test_policies:truthy",
            "granting": "tests.authz.test_policies:granting",
        }
    )
    names = ["broken", "truthy", "granting", "unknown"]
    assert await evaluate(policies, names, Identity(user_id="u1")) == {"granting"}
    assert await evaluate(policies, names, Identity(user_id="u2")) == frozenset()
    assert CALLS == ["broken", "truthy", "granting"] * 2
