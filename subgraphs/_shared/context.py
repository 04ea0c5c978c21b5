"""The per-request context every resolver sees: identity, database, broker, DataLoaders."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

from starlette.requests import HTTPConnection
from strawberry.extensions import SchemaExtension

from subgraphs._shared.broker import Broker
from subgraphs._shared.db import Database
from subgraphs._shared.identity import Identity, IdentityVerifier

L = TypeVar("L")


class SubgraphContext(Generic[L]):
    """Built once per HTTP request, or once per websocket connection.

    ``connection_params`` is filled by Strawberry when a graphql-transport-ws client
    sends ``connection_init``; identity keys there take precedence over the handshake
    headers. ``loaders`` are created per operation (see ``FreshLoaders``) so batching
    spans one operation and nothing cached outlives it.
    """

    def __init__(
        self,
        request: HTTPConnection,
        response: Any,
        database: Database,
        broker: Broker,
        make_loaders: Callable[[Database], L],
        verifier: IdentityVerifier | None = None,
    ) -> None:
        self.request = request
        self.verifier = verifier if verifier is not None else IdentityVerifier(None)
        self.response = response
        self.database = database
        self.broker = broker
        self.connection_params: dict[str, object] | None = None
        self._make_loaders = make_loaders
        self._loaders: L | None = None

    @property
    def identity(self) -> Identity:
        """The caller, verified (``IdentityVerifier``): UNAUTHENTICATED when an identity
        is claimed without the gateway's signature."""
        if self.connection_params:
            from_payload = self.verifier.identity(self.connection_params)
            if from_payload.user_id is not None:
                return from_payload
        return self.verifier.identity(self.request.headers)

    @property
    def loaders(self) -> L:
        if self._loaders is None:
            self._loaders = self._make_loaders(self.database)
        return self._loaders

    def reset_loaders(self) -> None:
        self._loaders = None


class FreshLoaders(SchemaExtension):
    """Give each operation its own DataLoaders (a websocket reuses one context)."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        if isinstance(context, SubgraphContext):
            context.reset_loaders()
        yield
