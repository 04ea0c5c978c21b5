"""Configuration of subscriptions over graphql-transport-ws (docs/subscriptions.md).

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
    #: Seconds to open an upstream subscription (connect, `connection_init`, ack).
    upstream_connect_timeout_seconds: float = Field(default=10.0, gt=0)
