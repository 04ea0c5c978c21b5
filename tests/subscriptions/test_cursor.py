"""Which subscription root fields resume, and the root fetch rewritten so they can
(gateway/subscriptions/cursor.py): schemas inline, the rewritten text checked whole."""

from __future__ import annotations

from graphql import build_schema, parse, print_ast

from gateway.subscriptions.cursor import Resumable, resumable

SCHEMA = build_schema(
    """
    type Query { a: Int }
    type Event { n: Int! cursor: String! at: Meta }
    type Meta { cursor: String }
    type Subscription {
      events(after: String, kind: String): Event!
      plain(kind: String): Event!
      many(after: String): [Event!]!
      nocursor(after: String): Meta2
    }
    type Meta2 { n: Int }
    """
)


def rewrite(operation: str, variables: dict[str, object] | None = None) -> Resumable | None:
    return resumable({}, SCHEMA, operation, variables or {}, "after", "cursor")


def same(text: str, expected: str) -> bool:
    return print_ast(parse(text)) == print_ast(parse(expected))


def test_a_field_with_after_and_a_cursor_gets_the_cursor_and_a_variable() -> None:
    found = rewrite('subscription S { events(kind: "x") { n } }')
    assert found is not None
    assert same(
        found.operation,
        'subscription S($_gw_after: String) { events(kind: "x", after: $_gw_after) '
        "{ n _gw_cursor: cursor } }",
    )
    assert found.variable == "_gw_after" and found.initial is None


def test_the_clients_variable_is_kept_and_its_value_is_the_start() -> None:
    found = rewrite(
        "subscription S($from: String) { e: events(after: $from) { cursor } }", {"from": "c7"}
    )
    assert found is not None
    assert same(
        found.operation,
        "subscription S($from: String) { e: events(after: $from) { cursor _gw_cursor: cursor } }",
    )
    assert (found.variable, found.initial, found.response_key) == ("from", "c7", "e")


def test_a_literal_after_becomes_the_gateways_variable() -> None:
    found = rewrite('subscription { events(after: "c3") { n } }')
    assert found is not None
    assert found.initial == "c3" and found.variable == "_gw_after"
    assert '"c3"' not in found.operation


def test_the_gateways_variable_name_avoids_the_clients() -> None:
    found = rewrite("subscription($_gw_after: String) { events(kind: $_gw_after) { n } }")
    assert found is not None and found.variable == "_gw_after1"


def test_fields_that_cannot_resume() -> None:
    assert rewrite("subscription { plain { n } }") is None  # no `after`
    assert rewrite("subscription { many { n } }") is None  # a list of events
    assert rewrite("subscription { nocursor { n } }") is None  # no `cursor` field


def test_take_cursor_removes_the_gateways_cursor_only() -> None:
    found = rewrite("subscription { events { n cursor } }")
    assert found is not None
    event = {"data": {"events": {"n": 1, "cursor": "c1", "_gw_cursor": "c1"}}}
    assert found.take_cursor(event) == "c1"
    assert event == {"data": {"events": {"n": 1, "cursor": "c1"}}}
    assert found.take_cursor({"data": None}) is None


def test_the_rewrite_is_made_once_per_plan_and_the_start_per_subscriber() -> None:
    operation = "subscription S($from: String) { events(after: $from) { n } }"
    memo: dict[str, object] = {}
    first = resumable(memo, SCHEMA, operation, {"from": "c1"}, "after", "cursor")
    second = resumable(memo, SCHEMA, operation, {"from": "c9"}, "after", "cursor")
    assert first is not None and second is not None
    assert len(memo) == 1
    assert second.operation is first.operation  # printed once, kept in the memo
    assert (first.initial, second.initial) == ("c1", "c9")


def test_a_root_field_that_does_not_resume_is_remembered_too() -> None:
    memo: dict[str, object] = {}
    plain = "subscription { plain { n } }"
    for _ in range(2):
        assert resumable(memo, SCHEMA, plain, {}, "after", "cursor") is None
    assert list(memo.values()) == [None]
