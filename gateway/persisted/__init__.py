"""Persisted queries: Apollo APQ, the manifest allowlist, and their stores.

The pipeline's first step: ``text = await persisted.resolve(params, context)`` gives the
operation text to parse (from the request, the manifest or the APQ store) or raises a
``RequestError`` (``PersistedQueryNotFound`` is the APQ protocol's request for the text).
"""

from gateway.persisted.config import PersistedConfig
from gateway.persisted.errors import (
    PersistedQueryError,
    PersistedQueryHashMismatch,
    PersistedQueryInvalidHash,
    PersistedQueryMalformed,
    PersistedQueryNotFound,
    PersistedQueryNotInList,
    PersistedQueryOnly,
    PersistedQueryVersion,
)
from gateway.persisted.hashing import is_operation_id, operation_id
from gateway.persisted.manifest import (
    Manifest,
    ManifestError,
    ManifestFile,
    ManifestOperation,
    build_manifest,
)
from gateway.persisted.redis_store import RedisStore
from gateway.persisted.resolver import PersistedQueries
from gateway.persisted.store import APQStore, MemoryStore

__all__ = [
    "APQStore",
    "Manifest",
    "ManifestError",
    "ManifestFile",
    "ManifestOperation",
    "MemoryStore",
    "PersistedConfig",
    "PersistedQueries",
    "PersistedQueryError",
    "PersistedQueryHashMismatch",
    "PersistedQueryInvalidHash",
    "PersistedQueryMalformed",
    "PersistedQueryNotFound",
    "PersistedQueryNotInList",
    "PersistedQueryOnly",
    "PersistedQueryVersion",
    "RedisStore",
    "build_manifest",
    "is_operation_id",
    "operation_id",
]
