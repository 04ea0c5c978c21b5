"""Configuration of subscriptions (docs/subscriptions.md).

The per-subgraph websocket URL lives with the other per-subgraph settings
(``subgraphs.<name>.websocket_url``).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class SubscriptionsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Accept websocket connections (graphql-transport-ws) at `server.graphql_path`. Off:
    #: the upgrade is refused (HTTP 403) and subscriptions over HTTP say they are disabled.
    enabled: bool = True
    #: Seconds a client has after the websocket opens to send `connection_init`; later,
    #: the socket is closed with 4408.
    connection_init_timeout_seconds: float = Field(default=3.0, gt=0)
    #: Most subscriptions one connection may run at once; one more gets an `error`
    #: message with code `TOO_MANY_SUBSCRIPTIONS` (the connection stays open).
    max_subscriptions_per_connection: int = Field(default=16, ge=1)
    #: Most subscriptions one caller (the authenticated user; an anonymous caller: its IP
    #: address) may run at once on this gateway, over every connection and transport; one
    #: more is refused with `TOO_MANY_SUBSCRIPTIONS_PER_CALLER`. Unset: no limit.
    max_subscriptions_per_caller: int | None = Field(default=64, ge=1)
    #: Most subscriptions this gateway process runs at once (every caller, every
    #: transport); one more is refused with `SUBSCRIPTIONS_EXHAUSTED`. Unset: no limit.
    max_subscriptions: int | None = Field(default=20_000, ge=1)
    #: Seconds to open an upstream subscription (connect, `connection_init`, ack).
    upstream_connect_timeout_seconds: float = Field(default=10.0, gt=0)
    #: Events one subscriber may fall behind its shared upstream stream by (results
    #: waiting to be sent to it); one more and it is dropped with
    #: `SUBSCRIPTION_SLOW_CONSUMER` (a websocket is closed with 4410).
    subscriber_queue_size: int = Field(default=64, ge=1)
    #: Seconds between the gateway's keep-alive `ping` messages on an acknowledged
    #: graphql-transport-ws connection (clients answer `pong`). Unset: no pings.
    keep_alive_seconds: float | None = Field(default=12.0, gt=0)
    #: A subscription root field is resumable when it takes this argument (the last
    #: cursor seen) and its type has the field `resume_cursor_field`: when its upstream
    #: breaks, the gateway subscribes again with the last cursor it delivered.
    resume_argument: str = "after"
    #: The field of a resumable subscription's event type that carries its cursor.
    resume_cursor_field: str = "cursor"
    #: Attempts to subscribe again after a resumable upstream broke, before the
    #: subscribers get `SUBGRAPH_FETCH_FAILED`; 0: never resume.
    resume_attempts: int = Field(default=8, ge=0)
    #: The delay before the first attempt; each next one doubles it (up to
    #: `resume_backoff_max_seconds`), half of it random (jitter: replicas that lost the
    #: same subgraph do not come back at the same instant).
    resume_backoff_seconds: float = Field(default=0.2, gt=0)
    #: The longest delay between two attempts.
    resume_backoff_max_seconds: float = Field(default=5.0, gt=0)
