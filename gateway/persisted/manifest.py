"""Apollo's persisted query manifest: read it, check it, reload it when the file changes.

    {"format": "apollo-persisted-query-manifest", "version": 1,
     "operations": [{"id": "<sha256 of body>", "name": "Home", "type": "query",
                     "body": "query Home { ... }"}]}

This is the format Apollo's iOS and Kotlin codegen and ``generate-persisted-query-manifest``
write, so their output drops in as it is. Every id must be the SHA-256 of its body (a
manifest that says otherwise is refused as a whole, naming the operation), so an id
names exactly one text.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gateway.persisted.hashing import is_operation_id, operation_id

__all__ = [
    "MANIFEST_FORMAT",
    "Manifest",
    "ManifestError",
    "ManifestFile",
    "ManifestOperation",
    "build_manifest",
]

MANIFEST_FORMAT = "apollo-persisted-query-manifest"
OPERATION_TYPES = ("query", "mutation", "subscription")
log = logging.getLogger("gateway.persisted")


class ManifestError(ValueError):
    """The manifest file cannot be used (an operator's error, not a client's)."""


@dataclass(frozen=True, slots=True)
class ManifestOperation:
    id: str
    name: str
    type: str
    body: str


@dataclass(frozen=True, slots=True)
class Manifest:
    """The operations of one manifest (or of several, ``union``), by id."""

    operations: dict[str, ManifestOperation]
    #: Per operation id, the app releases whose manifests hold it (``union``; empty for
    #: a single manifest).
    releases: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def union(cls, labelled: Iterable[tuple[str, Manifest]]) -> Manifest:
        """One manifest of all operations of ``(release, manifest)`` pairs, each knowing
        its releases (in the order given)."""
        operations: dict[str, ManifestOperation] = {}
        releases: dict[str, tuple[str, ...]] = {}
        for release, manifest in labelled:
            for key, operation in manifest.operations.items():
                operations.setdefault(key, operation)
                releases[key] = (*releases.get(key, ()), release)
        return cls(operations, releases)

    def releases_of(self, operation_id: str) -> tuple[str, ...]:
        """The releases holding the operation (``()``: unknown, or a single manifest)."""
        return self.releases.get(operation_id, ())

    @classmethod
    def parse(cls, text: str | bytes) -> Manifest:
        """Read and check a manifest's JSON text; raises ``ManifestError``."""
        try:
            data = json.loads(text)
        except ValueError as error:
            raise ManifestError(f"the manifest is not valid JSON: {error}") from None
        if not isinstance(data, dict):
            raise ManifestError("the manifest must be a JSON object")
        if data.get("format") != MANIFEST_FORMAT:
            raise ManifestError(f"the manifest's format must be {MANIFEST_FORMAT!r}")
        if data.get("version") != 1:
            raise ManifestError("only version 1 manifests are supported")
        entries = data.get("operations")
        if not isinstance(entries, list):
            raise ManifestError("the manifest's 'operations' must be a list")
        operations: dict[str, ManifestOperation] = {}
        for index, entry in enumerate(entries):
            operation = _operation(index, entry)
            operations.setdefault(operation.id, operation)
        return cls(operations)

    def get(self, operation_id: str) -> ManifestOperation | None:
        return self.operations.get(operation_id)

    def __contains__(self, operation_id: object) -> bool:
        return operation_id in self.operations

    def __len__(self) -> int:
        return len(self.operations)


def _operation(index: int, entry: Any) -> ManifestOperation:
    where = f"operation #{index}"
    if not isinstance(entry, dict):
        raise ManifestError(f"{where} must be a JSON object")
    fields: dict[str, str] = {}
    for key in ("id", "name", "type", "body"):
        value = entry.get(key)
        if not isinstance(value, str):
            raise ManifestError(f"{where} needs a string {key!r}")
        fields[key] = value
    where = f"operation #{index} ({fields['name']})"
    if fields["type"] not in OPERATION_TYPES:
        raise ManifestError(f"{where}: type must be one of {', '.join(OPERATION_TYPES)}")
    if not is_operation_id(fields["id"]):
        raise ManifestError(f"{where}: id must be 64 lowercase hex digits")
    if operation_id(fields["body"]) != fields["id"]:
        raise ManifestError(f"{where}: id is not the SHA-256 of its body")
    return ManifestOperation(**fields)


def build_manifest(operations: Iterable[tuple[str, str, str]]) -> dict[str, Any]:
    """The manifest JSON for (name, type, body) triples, ids computed, in the given order."""
    return {
        "format": MANIFEST_FORMAT,
        "version": 1,
        "operations": [
            {"id": operation_id(body), "name": name, "type": kind, "body": body}
            for name, kind, body in operations
        ],
    }


class ManifestFile:
    """A manifest loaded from a file and reloaded when the file changes.

    Whether it changed is looked up (one ``stat``) at most every ``reload_seconds``, when
    the manifest is asked for — no background task. A changed file that cannot be read
    (half written, invalid) keeps the previous manifest in service and logs the error.
    """

    def __init__(self, path: str | os.PathLike[str], reload_seconds: float | None = 2.0) -> None:
        self.path = Path(path)
        self.reload_seconds = reload_seconds
        self._signature = self._stat()
        self._manifest = Manifest.parse(self.path.read_bytes())  # the first load must work
        self._checked = time.monotonic()

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            info = self.path.stat()
        except OSError:
            return None
        return (info.st_mtime_ns, info.st_size, info.st_ino)

    def current(self) -> Manifest:
        """The manifest, reloaded first if the file changed since the last look."""
        if self.reload_seconds is None:
            return self._manifest
        now = time.monotonic()
        if now - self._checked < self.reload_seconds:
            return self._manifest
        self._checked = now
        signature = self._stat()
        if signature is None or signature == self._signature:
            return self._manifest
        try:
            manifest = Manifest.parse(self.path.read_bytes())
        except (OSError, ManifestError) as error:
            log.error("persisted query manifest %s not reloaded: %s", self.path, error)
            return self._manifest
        self._signature = signature
        self._manifest = manifest
        log.info("persisted query manifest %s reloaded: %d operations", self.path, len(manifest))
        return manifest
