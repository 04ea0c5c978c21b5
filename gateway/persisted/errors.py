"""Client errors of persisted queries, each with a stable code and HTTP status.

    RequestError
    └── PersistedQueryError
        ├── PersistedQueryNotFound        PERSISTED_QUERY_NOT_FOUND, 200 — the message is
        │                                 exactly "PersistedQueryNotFound": Apollo clients
        │                                 match it and retry with the operation text
        ├── PersistedQueryHashMismatch    PERSISTED_QUERY_HASH_MISMATCH, 400
        ├── PersistedQueryInvalidHash     PERSISTED_QUERY_INVALID_HASH, 400
        ├── PersistedQueryVersion         PERSISTED_QUERY_UNSUPPORTED_VERSION, 400
        ├── PersistedQueryMalformed       PERSISTED_QUERY_MALFORMED, 400
        ├── PersistedQueryNotInList       PERSISTED_QUERY_NOT_IN_LIST, 404 (unknown id) or
        │                                 403 (text that is not a manifest operation)
        ├── PersistedQueryOnly            PERSISTED_QUERY_ONLY, 400 — free-form text where
        │                                 only ids are accepted
        └── PersistedQueryStoreUnavailable  PERSISTED_QUERY_STORE_UNAVAILABLE, 503 — Redis
                                          failed and ``redis_failure_mode`` is ``closed``

The not-found answer is HTTP 200 on purpose: it is the protocol's request for the text,
and Apollo Client's persisted-query link retries on it whatever the status, while some
older clients and CDNs treat a 4xx as final.
"""

from __future__ import annotations

from gateway.errors import RequestError


class PersistedQueryError(RequestError):
    code = "PERSISTED_QUERY_ERROR"


class PersistedQueryNotFound(PersistedQueryError):
    code = "PERSISTED_QUERY_NOT_FOUND"
    status = 200

    def __init__(self) -> None:
        super().__init__("PersistedQueryNotFound")


class PersistedQueryHashMismatch(PersistedQueryError):
    code = "PERSISTED_QUERY_HASH_MISMATCH"


class PersistedQueryInvalidHash(PersistedQueryError):
    code = "PERSISTED_QUERY_INVALID_HASH"


class PersistedQueryVersion(PersistedQueryError):
    code = "PERSISTED_QUERY_UNSUPPORTED_VERSION"


class PersistedQueryMalformed(PersistedQueryError):
    code = "PERSISTED_QUERY_MALFORMED"


class PersistedQueryNotInList(PersistedQueryError):
    code = "PERSISTED_QUERY_NOT_IN_LIST"
    status = 404


class PersistedQueryOnly(PersistedQueryError):
    code = "PERSISTED_QUERY_ONLY"


class PersistedQueryStoreUnavailable(PersistedQueryError):
    code = "PERSISTED_QUERY_STORE_UNAVAILABLE"
    status = 503
