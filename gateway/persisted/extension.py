"""Read ``extensions.persistedQuery`` (Apollo APQ) from a request, strictly.

    {"persistedQuery": {"version": 1, "sha256Hash": "<64 lowercase hex digits>"}}

Anything else under that key is refused with a clear error rather than ignored: a client
that sends a broken extension would otherwise run (or fail to run) something else than
it meant to.
"""

from __future__ import annotations

from typing import Any

from gateway.persisted.errors import (
    PersistedQueryInvalidHash,
    PersistedQueryMalformed,
    PersistedQueryVersion,
)
from gateway.persisted.hashing import is_operation_id

__all__ = ["SUPPORTED_VERSION", "requested_id"]

SUPPORTED_VERSION = 1


def requested_id(extensions: Any) -> str | None:
    """The operation id the request names, or None when it uses no persisted query."""
    if extensions is None:
        return None
    if not isinstance(extensions, dict):
        raise PersistedQueryMalformed("The request's 'extensions' must be a JSON object.")
    extension = extensions.get("persistedQuery")
    if extension is None:
        return None
    if not isinstance(extension, dict):
        raise PersistedQueryMalformed("'extensions.persistedQuery' must be a JSON object.")
    version = extension.get("version")
    if version != SUPPORTED_VERSION or isinstance(version, bool):
        raise PersistedQueryVersion(
            f"Unsupported persisted query version {_show(version)}: only version "
            f"{SUPPORTED_VERSION} is supported."
        )
    digest = extension.get("sha256Hash")
    if digest is None:
        raise PersistedQueryMalformed("'extensions.persistedQuery.sha256Hash' is missing.")
    if not is_operation_id(digest):
        raise PersistedQueryInvalidHash(
            "'extensions.persistedQuery.sha256Hash' must be the SHA-256 of the operation "
            f"as 64 lowercase hex digits; got {_show(digest)}."
        )
    result: str = digest
    return result


def _show(value: Any) -> str:
    """A short, safe rendering of a client value for an error message."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
