"""Configuration of persisted queries: Apollo APQ, the manifest allowlist, their stores.

Modes:

- ``apq`` (the dev default): anything runs; Apollo's Automatic Persisted Queries are on
  (a hash the gateway has not seen asks the client for the text, then it is stored);
  manifest operations also run by id.
- ``allowlist``: only operations of the manifest run, sent by id (or, unless
  ``require_id``, as their exact text). Free-form text and unknown ids are refused;
  APQ registration is refused. A ``manifest`` is required.
- ``log-unknown``: like ``apq``, and every operation not in the manifest is logged and
  counted — run it before switching a deployment to ``allowlist``.

The APQ store is Redis when the gateway has a ``redis_url`` (shared by all replicas,
entries expire after ``apq_ttl_seconds``), an in-process LRU otherwise.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator


class PersistedConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    #: ``apq``, ``allowlist`` or ``log-unknown`` (see the module docstring).
    mode: Literal["apq", "allowlist", "log-unknown"] = "apq"
    #: Path of the manifest (Apollo's ``apollo-persisted-query-manifest`` JSON). Unset:
    #: no manifest (only ``apq`` then makes sense).
    manifest: str | None = None
    #: How often, at most, to look whether the manifest file changed (seconds; it is
    #: reloaded when it did). ``0``: on every request. Unset: never reload.
    manifest_reload_seconds: float | None = Field(default=2.0, ge=0)
    #: In ``allowlist`` mode, refuse even the exact text of a manifest operation: clients
    #: must send ids.
    require_id: bool = False
    #: How long an APQ entry lives in the store (seconds). Unset: no expiry (the memory
    #: store still evicts least-recently-used entries).
    apq_ttl_seconds: int | None = Field(default=86_400, ge=1)
    #: Entries of the in-process APQ store (LRU).
    memory_store_size: int = Field(default=4096, ge=1)
    #: Bytes (estimated: texts, ids and bookkeeping) the in-process APQ store may hold;
    #: the least recently used entries go first when either bound is reached.
    memory_store_max_bytes: int = Field(default=32 * 1024 * 1024, ge=1024)
    #: Prefix of APQ keys in Redis (the hash follows).
    redis_key_prefix: str = "gateway:apq:"
    #: Longest operation text accepted for APQ registration, in bytes (larger ones still
    #: run, but are not stored).
    max_stored_query_bytes: int = Field(default=262_144, ge=1)
    #: Request header that lets trusted internal tools send free-form operations in
    #: ``allowlist`` mode when its value is ``bypass_secret``. Unset: no bypass.
    bypass_header: str | None = None
    #: The bypass header's secret. Unset: no bypass.
    bypass_secret: SecretStr | None = None

    @model_validator(mode="after")
    def _check(self) -> PersistedConfig:
        if self.mode == "allowlist" and self.manifest is None:
            raise ValueError("persisted.mode 'allowlist' needs persisted.manifest")
        if (self.bypass_header is None) != (self.bypass_secret is None):
            raise ValueError("set both persisted.bypass_header and persisted.bypass_secret")
        if self.bypass_secret is not None and len(self.bypass_secret.get_secret_value()) < 16:
            raise ValueError("persisted.bypass_secret must have at least 16 characters")
        return self
