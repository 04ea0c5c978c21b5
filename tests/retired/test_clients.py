"""``retired.fields``: the configuration, and which fields a client's headers hide."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from gateway.config import GatewayConfig
from gateway.retired import RetiredConfig, Retirements


def retirements(*fields: dict[str, object]) -> Retirements:
    return Retirements(RetiredConfig.model_validate({"fields": list(fields)}))


def test_a_client_is_served_the_fields_listed_for_its_exact_version() -> None:
    both = retirements(
        {
            "field": "Course.legacyCode",
            "clients": {"ios": ["3.0.0", "3.0.1"], "android": ["3.0.0"]},
        },
        {"field": "User.avatar", "clients": {"ios": ["3.0.0"]}},
    )
    everything = frozenset({"Course.legacyCode", "User.avatar"})
    assert both.fields == everything
    assert both.hidden("ios", "3.0.0") == frozenset()
    assert both.hidden("ios", "3.0.1") == {"User.avatar"}
    assert both.hidden("android", "3.0.0") == {"User.avatar"}
    assert both.hidden(" ios ", "3.0.1 ") == {"User.avatar"}  # header whitespace
    for client, version in (("ios", "3.0"), ("ios", "3.0.2"), ("web", "3.0.0"), ("IOS", "3.0.0")):
        assert both.hidden(client, version) == everything
    assert both.hidden(None, "3.0.0") == everything and both.hidden("ios", None) == everything
    headers = {"apollographql-client-name": "ios", "apollographql-client-version": "3.0.1"}
    assert both.hidden_for(headers) == {"User.avatar"}
    assert both.hidden_for({}) == everything
    assert both.listed("User.avatar") == [("ios", "3.0.0")]
    assert both.listed("Course.legacyCode") == [
        ("android", "3.0.0"),
        ("ios", "3.0.0"),
        ("ios", "3.0.1"),
    ]


def test_equal_hidden_sets_are_one_object() -> None:
    # views are looked up by these sets: equal ones share one entry
    shared = retirements(
        {"field": "A.a", "clients": {"ios": ["1", "2"]}},
        {"field": "B.b", "clients": {}},
    )
    assert shared.hidden("ios", "1") is shared.hidden("ios", "2")
    assert shared.hidden("web", "1") is shared.fields


def test_nothing_retired() -> None:
    assert not Retirements(RetiredConfig())
    assert Retirements(RetiredConfig()).hidden_for({}) == frozenset()
    assert GatewayConfig().retired.fields == []


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"field": "legacyCode"}, "not a field coordinate"),
        ({"field": "Course.legacy.code"}, "not a field coordinate"),
        ({"field": "Course.legacyCode", "clients": {"ios": [" "]}}, "must not be blank"),
        ({"field": "Course.legacyCode", "clients": {"": ["1"]}}, "must not be blank"),
        ({"field": "Course.legacyCode", "versions": ["1"]}, "Extra inputs"),
    ],
)
def test_bad_settings_are_refused(entry: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        RetiredConfig.model_validate({"fields": [entry]})


def test_a_field_is_retired_once() -> None:
    with pytest.raises(ValidationError, match="listed twice"):
        RetiredConfig.model_validate({"fields": [{"field": "A.a"}, {"field": "A.a"}]})
