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

App releases: ``releases_dir`` holds the manifest each shipped app release carried
(``<client>/<version>.json``, ``gateway.persisted.releases``); their operations run beside
the current ``manifest``'s, and the gateway knows which releases hold each operation.

The APQ store is Redis when the gateway has a ``redis_url`` (shared by all replicas,
entries expire after ``apq_ttl_seconds``), an in-process LRU otherwise.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from gateway.persisted.releases import Release


class PersistedConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    #: ``apq``, ``allowlist`` or ``log-unknown`` (see the module docstring).
    mode: Literal["apq", "allowlist", "log-unknown"] = "apq"
    #: Path of the manifest (Apollo's ``apollo-persisted-query-manifest`` JSON). Unset:
    #: no manifest (only ``apq`` then makes sense).
    manifest: str | None = None
    #: Directory of the manifests of shipped app releases,
    #: ``<dir>/<client name>/<version>.json``: their operations run beside ``manifest``'s
    #: (docs/persisted-queries.md). Unset: no release manifests.
    releases_dir: str | None = None
    #: The releases still supported, as ``<client name>@<version>``: only theirs run (a
    #: missing file refuses the start). Unset: every release under ``releases_dir``, the
    #: directory looked at again as ``manifest_reload_seconds`` says.
    supported_releases: list[str] | None = None
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
    #: Timeout of one Redis command (and of connecting), in seconds.
    redis_timeout_seconds: float = Field(default=0.5, gt=0)
    #: When Redis fails: ``open`` treats a failed read as a miss and skips a failed write
    #: (clients resend the text); ``closed`` refuses the request with
    #: ``PERSISTED_QUERY_STORE_UNAVAILABLE`` (503). See docs/resilience.md.
    redis_failure_mode: Literal["open", "closed"] = "open"
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
        if self.mode == "allowlist" and self.manifest is None and self.releases_dir is None:
            raise ValueError(
                "persisted.mode 'allowlist' needs persisted.manifest or persisted.releases_dir"
            )
        if self.supported_releases is not None:
            if self.releases_dir is None:
                raise ValueError("persisted.supported_releases needs persisted.releases_dir")
            for name in self.supported_releases:
                Release.parse(name)  # a ValueError names the bad entry
        if (self.bypass_header is None) != (self.bypass_secret is None):
            raise ValueError("set both persisted.bypass_header and persisted.bypass_secret")
        if self.bypass_secret is not None and len(self.bypass_secret.get_secret_value()) < 16:
            raise ValueError("persisted.bypass_secret must have at least 16 characters")
        return self
