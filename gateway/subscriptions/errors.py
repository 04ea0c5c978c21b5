"""Errors of subscriptions, each with a stable ``extensions.code``.

    GatewayError
    ├── TooManySubscriptions    TOO_MANY_SUBSCRIPTIONS (400) — over the per-connection limit
    ├── CallerSubscriptionLimit TOO_MANY_SUBSCRIPTIONS_PER_CALLER (429) — over the caller's
    ├── GatewaySubscriptionLimit SUBSCRIPTIONS_EXHAUSTED (503) — over this gateway's limit
    ├── UnsupportedSubscription SUBSCRIPTION_PLAN_UNSUPPORTED — no single upstream root
    ├── SlowConsumer            SUBSCRIPTION_SLOW_CONSUMER (503) — fell too far behind
    └── SubscriptionFailed      the stream ended in errors: the subgraph's own (its code
                                kept, as for HTTP fetches), or SUBGRAPH_FETCH_FAILED when
                                the upstream websocket failed (resumes included)

Over graphql-transport-ws each is one ``error`` message for the operation's id, except
``SlowConsumer``, which closes the connection (4410).
"""

from __future__ import annotations

from gateway.errors import ErrorList, GatewayError, RequestError
from gateway.types import JSONObject


class TooManySubscriptions(RequestError):
    code = "TOO_MANY_SUBSCRIPTIONS"


class CallerSubscriptionLimit(RequestError):
    code = "TOO_MANY_SUBSCRIPTIONS_PER_CALLER"
    status = 429


class GatewaySubscriptionLimit(RequestError):
    code = "SUBSCRIPTIONS_EXHAUSTED"
    status = 503


class UnsupportedSubscription(RequestError):
    code = "SUBSCRIPTION_PLAN_UNSUPPORTED"


class SlowConsumer(GatewayError):
    """The subscriber fell ``subscriber_queue_size`` events behind and was dropped."""

    code = "SUBSCRIPTION_SLOW_CONSUMER"
    status = 503


class SubscriptionFailed(GatewayError):
    """The stream ended with these GraphQL errors (already in the client's form)."""

    code = "SUBGRAPH_FETCH_FAILED"
    status = 502

    def __init__(self, errors: list[JSONObject]) -> None:
        super().__init__(str(errors[0].get("message")) if errors else "Subscription failed")
        self.errors = errors

    def to_graphql_list(self) -> list[JSONObject]:
        return self.errors


def upstream_failed(subgraph: str, reason: str) -> SubscriptionFailed:
    """The upstream websocket failed (connect, handshake, protocol, closed mid-stream)."""
    return SubscriptionFailed(
        [
            {
                "message": f"Subscription to '{subgraph}' failed: {reason}",
                "extensions": {"code": "SUBGRAPH_FETCH_FAILED", "service": subgraph},
            }
        ]
    )


def graphql_errors(error: GatewayError) -> list[JSONObject]:
    """The entries of an ``error`` message's payload for ``error``."""
    if isinstance(error, ErrorList | SubscriptionFailed):
        return error.to_graphql_list()
    return [error.to_graphql()]
