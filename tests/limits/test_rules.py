"""``limit_rules``: configured rules in one validation pass, warnings apart from errors."""

from __future__ import annotations

from graphql import parse, specified_rules, validate

from gateway.limits import LimitsConfig, LimitWarning, OperationLimitExceeded, limit_rules
from gateway.limits.rule import AbortOnLimits
from tests.limits.helpers import SCHEMA, codes, run


def test_defaults_accept_an_ordinary_operation() -> None:
    document = """
    query Home { me { id name enrollments { progress course { id title modules { id } } } } }
    """
    assert run(document, LimitsConfig()) == ([], [])


def test_no_limits_set_means_no_rules() -> None:
    off = {"max": None}
    config = LimitsConfig.model_validate(
        {k: off for k in ("depth", "height", "aliases", "root_fields", "directives", "width")}
    )
    assert limit_rules(config) == []


def test_rules_are_configured_subclasses_ending_with_the_abort_rule() -> None:
    rules = limit_rules(LimitsConfig())
    assert [rule.__name__ for rule in rules] == [
        "MaxDepthRule",
        "MaxHeightRule",
        "MaxAliasesRule",
        "MaxRootFieldsRule",
        "MaxDirectivesRule",
        "MaxWidthRule",
        "AbortOnLimits",
    ]
    assert rules[-1] is AbortOnLimits


def test_several_limits_exceeded_are_all_reported_and_spec_rules_are_skipped() -> None:
    config = LimitsConfig.model_validate({"depth": {"max": 1}, "aliases": {"max": 0}})
    # 'nope' is not a field: the spec rules would report it, but validation ends first
    errors, _ = run("{ x: me { nope } }", config)
    assert codes(errors) == ["MAX_DEPTH_LIMIT", "MAX_ALIASES_LIMIT"]


def test_warnings_and_errors_in_the_same_pass() -> None:
    config = LimitsConfig.model_validate(
        {"depth": {"max": 1, "warn_only": True}, "aliases": {"max": 0}}
    )
    errors, warnings = run("{ x: me { id } }", config)
    assert codes(errors) == ["MAX_ALIASES_LIMIT"]
    assert codes(warnings) == ["MAX_DEPTH_LIMIT"]
    assert all(isinstance(w, LimitWarning) for w in warnings)


def test_spec_rules_still_report_when_limits_pass() -> None:
    errors = validate(
        SCHEMA, parse("{ me { nope } }"), [*specified_rules, *limit_rules(LimitsConfig())]
    )
    assert [e.message for e in errors] == [
        "Cannot query field 'nope' on type 'User'. Did you mean 'name'?"
    ]


def test_a_limit_error_converts_to_a_request_error_with_its_code() -> None:
    errors, _ = run(
        "{ me { enrollments { course { id } } } }",
        LimitsConfig.model_validate({"depth": {"max": 2}}),
    )
    error = OperationLimitExceeded.from_graphql(errors[0])
    assert error.status == 400
    assert error.to_graphql() == {
        "message": "Operation (anonymous) has depth 4, over the limit of 2.",
        "locations": [{"line": 1, "column": 1}],
        "extensions": {"code": "MAX_DEPTH_LIMIT", "limit": 2, "measured": 4},
    }
