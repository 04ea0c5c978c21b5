"""``PersistedQueries.resolve``: the operation text a request runs, per the configured mode.

    request                      apq / log-unknown              allowlist
    ---------------------------  -----------------------------  ---------------------------
    id in the manifest           the manifest's text            the manifest's text
    id only, stored by APQ       the stored text                PERSISTED_QUERY_NOT_IN_LIST
    id only, unknown             PersistedQueryNotFound (200)   PERSISTED_QUERY_NOT_IN_LIST
    id + text                    verify, store, run             run if in the manifest,
                                                                else NOT_IN_LIST (no store)
    text only                    run                            run if it is a manifest
                                                                text (unless require_id),
                                                                else NOT_IN_LIST / ONLY

A wrong id/text pair is always PERSISTED_QUERY_HASH_MISMATCH; a broken extension always a
clear PERSISTED_QUERY_* error. In ``log-unknown`` mode, every operation outside the
manifest is counted (``stats["unknown"]``) and its first sighting logged. A trusted tool
presenting the bypass header's secret may run free-form text in ``allowlist`` mode.

An operation found in the manifest (the union of the current one and the supported app
releases', ``releases.py``) leaves the releases holding it in ``context.state[RELEASES]``.
"""

from __future__ import annotations

import hmac
import logging
from collections import Counter
from pathlib import Path

from cachetools import LRUCache

from gateway.errors import BadRequest
from gateway.persisted.config import PersistedConfig
from gateway.persisted.errors import (
    PersistedQueryHashMismatch,
    PersistedQueryNotFound,
    PersistedQueryNotInList,
    PersistedQueryOnly,
)
from gateway.persisted.extension import requested_id
from gateway.persisted.hashing import operation_id
from gateway.persisted.manifest import Manifest, ManifestFile
from gateway.persisted.redis_store import RedisStore
from gateway.persisted.releases import Release, ReleaseManifests
from gateway.persisted.store import APQStore, MemoryStore
from gateway.request import GraphQLParams, RequestContext

__all__ = ["RELEASES", "PersistedQueries"]

#: ``RequestContext.state`` key: the app releases whose manifests hold the operation
#: (``tuple[str, ...]``, e.g. ``("current", "learning-ios@3.1.0")``), when it is a
#: manifest operation.
RELEASES = "persisted.releases"

log = logging.getLogger("gateway.persisted")


class PersistedQueries:
    """Turns a request's ``query`` and ``extensions.persistedQuery`` into the text to run."""

    def __init__(
        self,
        config: PersistedConfig,
        store: APQStore,
        manifest: ManifestFile | ReleaseManifests | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.manifest = manifest
        #: Counters: manifest, apq_hit, apq_miss, apq_registered, unknown, refused, bypass.
        self.stats: Counter[str] = Counter()
        # ids already logged as unknown (bounded: an attacker can invent ids forever; ids
        # are 64 characters, so 10,000 of them are about 1.5 MB)
        self._logged_unknown: LRUCache[str, bool] = LRUCache(maxsize=10_000)
        if config.bypass_header is not None and config.bypass_secret is not None:
            self._bypass: tuple[str, bytes] | None = (
                config.bypass_header.lower(),
                config.bypass_secret.get_secret_value().encode(),
            )
        else:
            self._bypass = None

    @classmethod
    def from_config(cls, config: PersistedConfig, redis_url: str | None = None) -> PersistedQueries:
        """Redis store when ``redis_url`` is set, else in-process; manifest from its file."""
        store: APQStore
        if redis_url:
            store = RedisStore.from_url(
                redis_url,
                prefix=config.redis_key_prefix,
                ttl_seconds=config.apq_ttl_seconds,
                timeout_seconds=config.redis_timeout_seconds,
                failure_mode=config.redis_failure_mode,
            )
        else:
            store = MemoryStore(
                config.memory_store_size,
                config.apq_ttl_seconds,
                max_bytes=config.memory_store_max_bytes,
            )
        current = None
        if config.manifest is not None:
            current = ManifestFile(config.manifest, config.manifest_reload_seconds)
        manifest: ManifestFile | ReleaseManifests | None = current
        if config.releases_dir is not None:
            supported = config.supported_releases
            manifest = ReleaseManifests(
                current,
                Path(config.releases_dir),
                [Release.parse(name) for name in supported] if supported is not None else None,
                config.manifest_reload_seconds,
            )
        return cls(config, store, manifest)

    async def close(self) -> None:
        await self.store.close()

    async def resolve(self, params: GraphQLParams, context: RequestContext) -> str:
        """The operation text to run, or a ``RequestError`` saying why there is none."""
        wanted = requested_id(params.extensions)
        manifest = self.manifest.current() if self.manifest is not None else None
        text = params.query or None  # "" alongside an id means "no text", as in APQ
        if wanted is None:
            if text is None:
                raise BadRequest("The request has no query.", code="MISSING_QUERY")
            return self._text_only(text, manifest, context)
        if text is not None:
            return await self._id_and_text(wanted, text, manifest, context)
        return await self._id_only(wanted, manifest, context)

    async def _id_only(
        self, wanted: str, manifest: Manifest | None, context: RequestContext
    ) -> str:
        listed = manifest.get(wanted) if manifest is not None else None
        if listed is not None and manifest is not None:
            self.stats["manifest"] += 1
            _note_releases(manifest, wanted, context)
            return listed.body
        if self.config.mode == "allowlist":
            self.stats["refused"] += 1
            raise PersistedQueryNotInList(
                f"No operation with id {wanted} is in the persisted query list."
            )
        stored = await self.store.get(wanted)
        if stored is None:
            self.stats["apq_miss"] += 1
            raise PersistedQueryNotFound()
        self.stats["apq_hit"] += 1
        self._note_unknown(wanted)
        return stored

    async def _id_and_text(
        self, wanted: str, text: str, manifest: Manifest | None, context: RequestContext
    ) -> str:
        actual = operation_id(text)
        if actual != wanted:
            raise PersistedQueryHashMismatch(
                f"The sha256Hash {wanted} is not the SHA-256 of the query text ({actual})."
            )
        if manifest is not None and wanted in manifest:
            self.stats["manifest"] += 1
            _note_releases(manifest, wanted, context)
            return text
        if self.config.mode == "allowlist":
            if self._bypassed(context):
                self.stats["bypass"] += 1
                return text  # run, but never registered
            self.stats["refused"] += 1
            raise PersistedQueryNotInList(
                "This operation is not in the persisted query list, and registering "
                "operations is disabled.",
                status=403,
            )
        if len(text.encode("utf-8")) <= self.config.max_stored_query_bytes:
            await self.store.set(wanted, text)
            self.stats["apq_registered"] += 1
        self._note_unknown(wanted)
        return text

    def _text_only(self, text: str, manifest: Manifest | None, context: RequestContext) -> str:
        mode = self.config.mode
        if mode == "apq":
            return text
        actual = operation_id(text)
        listed = manifest is not None and actual in manifest
        if manifest is not None and listed:
            _note_releases(manifest, actual, context)
        if mode == "log-unknown":
            if not listed:
                self._note_unknown(actual)
            return text
        if listed and not self.config.require_id:
            self.stats["manifest"] += 1
            return text
        if self._bypassed(context):
            self.stats["bypass"] += 1
            return text
        self.stats["refused"] += 1
        if self.config.require_id:
            raise PersistedQueryOnly(
                "Only persisted operations run here: send the operation's id in "
                "extensions.persistedQuery.sha256Hash instead of its text."
            )
        raise PersistedQueryNotInList(
            "This operation is not in the persisted query list.", status=403
        )

    def _note_unknown(self, operation: str) -> None:
        """Count (and log once) an operation outside the manifest, in log-unknown mode."""
        if self.config.mode != "log-unknown":
            return
        manifest = self.manifest.current() if self.manifest is not None else None
        if manifest is not None and operation in manifest:
            return
        self.stats["unknown"] += 1
        if operation not in self._logged_unknown:
            self._logged_unknown[operation] = True
            log.warning("operation %s is not in the persisted query manifest", operation)

    def _bypassed(self, context: RequestContext) -> bool:
        if self._bypass is None:
            return False
        header, secret = self._bypass
        presented = context.headers.get(header)
        return presented is not None and hmac.compare_digest(presented.encode(), secret)


def _note_releases(manifest: Manifest, operation: str, context: RequestContext) -> None:
    releases = manifest.releases_of(operation)
    if releases:
        context.state[RELEASES] = releases
