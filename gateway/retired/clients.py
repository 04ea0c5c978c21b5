"""Which retired fields a client may not see, from its name and version headers.

Computed once from the configuration: every (client name, version) pair listed anywhere
maps to the fields hidden from it; every other client — another version, no headers at
all — gets all retired fields hidden. A request costs two header reads and a dict lookup,
and the sets handed out come from this finite table only, so the schema views built from
them (``views.py``) are bounded by the configuration, never by what clients send.

The headers are what the client says it is: a retired field is a compatibility shim, not
access control (a client can claim any version). Keep secrets behind ``@authenticated``,
``@requiresScopes`` or ``@policy`` (docs/authorization.md).
"""

from __future__ import annotations

from collections.abc import Mapping

from gateway.retired.config import RetiredConfig

__all__ = ["CLIENT_NAME", "CLIENT_VERSION", "Retirements"]

#: Apollo's client-awareness headers (Apollo iOS, Kotlin and Client send them).
CLIENT_NAME = "apollographql-client-name"
CLIENT_VERSION = "apollographql-client-version"


class Retirements:
    """The retired fields and the app versions each one is still served to."""

    def __init__(self, config: RetiredConfig) -> None:
        #: Every retired field coordinate (``Type.field``).
        self.fields: frozenset[str] = frozenset(entry.field for entry in config.fields)
        granted: dict[tuple[str, str], set[str]] = {}
        for entry in config.fields:
            for client, versions in entry.clients.items():
                for version in versions:
                    granted.setdefault((client.strip(), version.strip()), set()).add(entry.field)
        # Equal sets are shared, so views can be keyed on them cheaply.
        shared: dict[frozenset[str], frozenset[str]] = {self.fields: self.fields}
        self._hidden: dict[tuple[str, str], frozenset[str]] = {}
        for pair, fields in granted.items():
            hidden = self.fields - fields
            self._hidden[pair] = shared.setdefault(hidden, hidden)

    def __bool__(self) -> bool:
        return bool(self.fields)

    def hidden(self, client: str | None, version: str | None) -> frozenset[str]:
        """The retired fields hidden from ``client`` at ``version`` (all of them unless
        that exact pair is listed)."""
        if client is None or version is None:
            return self.fields
        return self._hidden.get((client.strip(), version.strip()), self.fields)

    def hidden_for(self, headers: Mapping[str, str]) -> frozenset[str]:
        """``hidden`` for a request's headers (names lower-cased)."""
        return self.hidden(headers.get(CLIENT_NAME), headers.get(CLIENT_VERSION))

    def listed(self, field: str) -> list[tuple[str, str]]:
        """The (client, version) pairs still served ``field``, sorted."""
        return sorted(pair for pair, hidden in self._hidden.items() if field not in hidden)
