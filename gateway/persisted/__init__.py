"""Persisted queries: Apollo APQ, the manifest allowlist (the current manifest and the
supported app releases'), and their stores.

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
from gateway.persisted.releases import CURRENT, Release, ReleaseManifests, find_releases
from gateway.persisted.resolver import RELEASES, PersistedQueries
from gateway.persisted.store import APQStore, MemoryStore

__all__ = [
    "CURRENT",
    "RELEASES",
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
    "Release",
    "ReleaseManifests",
    "build_manifest",
    "find_releases",
    "is_operation_id",
    "operation_id",
]
