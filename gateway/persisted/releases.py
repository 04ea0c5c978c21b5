"""The manifests of the app releases still in users' hands, served together.

    persisted_queries/
      manifest.json                    the current one: what the next release will ship
      releases/
        learning-ios/3.0.0.json        what learning-ios 3.0.0 shipped (never edited)
        learning-ios/3.1.0.json
        learning-android/3.0.0.json

A release is ``<client name>@<version>``, the values its app sends in the
``apollographql-client-name`` and ``apollographql-client-version`` headers; its manifest is
Apollo's format, as the app's codegen wrote it when it shipped (``python -m gateway
persisted release`` copies the current one there). The gateway serves the union of the
current manifest and the manifests of the supported releases (``persisted.releases_dir``,
``persisted.supported_releases``), and knows which releases hold each operation
(``Manifest.releases_of``). ``python -m gateway persisted report`` says, per release, what
a new supergraph would break.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from gateway.persisted.manifest import Manifest, ManifestError, ManifestFile

__all__ = ["CURRENT", "Release", "ReleaseManifests", "find_releases"]

log = logging.getLogger("gateway.persisted")

#: The label of the current manifest's operations (``persisted.manifest``).
CURRENT = "current"
#: A client name or version: one safe path segment.
_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]*$")


@dataclass(frozen=True, slots=True, order=True)
class Release:
    """One shipped version of one app."""

    client: str
    version: str

    @classmethod
    def parse(cls, name: str) -> Release:
        """``<client>@<version>``; raises ``ValueError`` for anything else."""
        client, at, version = name.partition("@")
        if not at or not _SEGMENT.match(client) or not _SEGMENT.match(version):
            raise ValueError(
                f"{name!r} is not a release like 'learning-ios@3.1.0' (letters, digits "
                "and . _ + - on each side of the @)"
            )
        return cls(client, version)

    @property
    def name(self) -> str:
        return f"{self.client}@{self.version}"

    def path(self, directory: Path) -> Path:
        """Where its manifest lives under ``directory``."""
        return directory / self.client / f"{self.version}.json"

    def __str__(self) -> str:
        return self.name


def find_releases(directory: Path) -> list[Release]:
    """Every release with a manifest under ``directory``, sorted (other files ignored)."""
    found = []
    for path in directory.glob("*/*.json"):
        client, version = path.parent.name, path.name.removesuffix(".json")
        if _SEGMENT.match(client) and _SEGMENT.match(version):
            found.append(Release(client, version))
    return sorted(found)


class ReleaseManifests:
    """The current manifest and the supported releases' manifests as one ``Manifest``
    (``current()``, the interface of ``ManifestFile``), each file reloaded when it changes.

    With no explicit list of supported releases, the directory is looked at again at most
    every ``reload_seconds``: a new release file is served from then on, a removed one no
    longer. A file that cannot be read at start refuses the start; later, it is logged and
    the previous state kept (a half-copied file must not stop the others being served).
    """

    def __init__(
        self,
        current: ManifestFile | None,
        directory: Path,
        supported: Iterable[Release] | None = None,
        reload_seconds: float | None = 2.0,
    ) -> None:
        self.directory = directory
        self.reload_seconds = reload_seconds
        self._current = current
        self._explicit = sorted(supported) if supported is not None else None
        self._files: dict[Release, ManifestFile] = {}
        for release in self._wanted():
            self._files[release] = ManifestFile(release.path(directory), reload_seconds)
        self._broken: dict[Release, float] = {}
        self._checked = time.monotonic()
        self._parts: list[tuple[str, Manifest]] = []
        self._union = Manifest({})
        self._rebuild()

    @property
    def releases(self) -> list[Release]:
        """The releases served now."""
        return sorted(self._files)

    def _wanted(self) -> list[Release]:
        if self._explicit is not None:
            return self._explicit
        return find_releases(self.directory)

    def current(self) -> Manifest:
        """The union, reloaded first if a file (or the directory) changed."""
        if self.reload_seconds is not None and self._explicit is None:
            now = time.monotonic()
            if now - self._checked >= self.reload_seconds:
                self._checked = now
                self._rescan()
        return self._rebuild()

    def _rescan(self) -> None:
        wanted = set(self._wanted())
        for gone in set(self._files) - wanted:
            del self._files[gone]
            log.info("release %s no longer served: its manifest is gone", gone)
        for release in sorted(wanted - set(self._files)):
            path = release.path(self.directory)
            try:
                changed = path.stat().st_mtime
            except OSError:
                continue
            if self._broken.get(release) == changed:
                continue  # still the file that failed: logged already
            try:
                self._files[release] = ManifestFile(path, self.reload_seconds)
            except (OSError, ManifestError) as error:
                self._broken[release] = changed
                log.error("release %s not served: %s: %s", release, path, error)
                continue
            self._broken.pop(release, None)
            log.info("release %s served from %s", release, path)

    def _rebuild(self) -> Manifest:
        labelled: list[tuple[str, Manifest]] = []
        if self._current is not None:
            labelled.append((CURRENT, self._current.current()))
        labelled.extend((release.name, self._files[release].current()) for release in self.releases)
        same = len(labelled) == len(self._parts) and all(
            label == old_label and manifest is old
            for (label, manifest), (old_label, old) in zip(labelled, self._parts, strict=True)
        )
        if not same:  # a file was reloaded, or a release came or went
            self._parts = labelled
            self._union = Manifest.union(labelled)
        return self._union
