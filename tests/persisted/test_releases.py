"""Release manifests: the layout, their union with the current manifest, reloads, and the
release the resolver says an operation belongs to."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from pydantic import ValidationError

from gateway.persisted import (
    RELEASES,
    ManifestError,
    ManifestFile,
    MemoryStore,
    PersistedConfig,
    PersistedQueries,
    Release,
    ReleaseManifests,
    build_manifest,
    find_releases,
    operation_id,
)
from gateway.request import GraphQLParams, RequestContext

A = "query A { me { id } }"
B = "query B { me { name } }"
C = "query C { me { email } }"


def write(path: Path, *bodies: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    operations = [(body.split()[1], "query", body) for body in bodies]
    path.write_text(json.dumps(build_manifest(operations)), encoding="utf-8")
    return path


def test_a_release_is_client_at_version_and_a_safe_path() -> None:
    release = Release.parse("learning-ios@3.1.0")
    assert (release.client, release.version, str(release)) == (
        "learning-ios",
        "3.1.0",
        "learning-ios@3.1.0",
    )
    assert release.path(Path("r")) == Path("r/learning-ios/3.1.0.json")
    for bad in ("learning-ios", "@3.1", "ios@", "../x@1", "a@../1", "a/b@1", "a@1/2", ""):
        with pytest.raises(ValueError, match="is not a release"):
            Release.parse(bad)


def test_find_releases_lists_client_folders_of_version_files(tmp_path: Path) -> None:
    write(tmp_path / "learning-ios" / "3.1.0.json", A)
    write(tmp_path / "learning-ios" / "3.0.0.json", A)
    write(tmp_path / "learning-android" / "3.0.0.json", A)
    (tmp_path / "README.md").write_text("not a release")
    (tmp_path / "learning-ios" / "notes.txt").write_text("not a release")
    assert [str(r) for r in find_releases(tmp_path)] == [
        "learning-android@3.0.0",
        "learning-ios@3.0.0",
        "learning-ios@3.1.0",
    ]


def test_the_union_knows_each_operation_s_releases(tmp_path: Path) -> None:
    current = ManifestFile(write(tmp_path / "manifest.json", A, C), None)
    write(tmp_path / "releases" / "ios" / "1.0.json", A, B)
    write(tmp_path / "releases" / "ios" / "2.0.json", A)
    manifests = ReleaseManifests(current, tmp_path / "releases", None, None)
    union = manifests.current()
    assert len(union) == 3
    assert union.releases_of(operation_id(A)) == ("current", "ios@1.0", "ios@2.0")
    assert union.releases_of(operation_id(B)) == ("ios@1.0",)
    assert union.releases_of(operation_id(C)) == ("current",)
    assert union.releases_of("0" * 64) == ()
    assert manifests.current() is union  # nothing changed: the same object


def test_only_the_supported_releases_are_served(tmp_path: Path) -> None:
    write(tmp_path / "ios" / "1.0.json", B)
    write(tmp_path / "ios" / "2.0.json", A)
    manifests = ReleaseManifests(None, tmp_path, [Release.parse("ios@2.0")], 0)
    assert operation_id(A) in manifests.current()
    assert operation_id(B) not in manifests.current()
    with pytest.raises(OSError):  # a supported release without its manifest: no start
        ReleaseManifests(None, tmp_path, [Release.parse("ios@3.0")], 0)


def test_new_and_removed_release_files_are_noticed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write(tmp_path / "ios" / "1.0.json", A)
    manifests = ReleaseManifests(None, tmp_path, None, 0)
    assert [str(r) for r in manifests.releases] == ["ios@1.0"]
    write(tmp_path / "ios" / "2.0.json", B)
    assert manifests.current().releases_of(operation_id(B)) == ("ios@2.0",)
    # a broken new file is logged once and skipped; the others keep being served
    (tmp_path / "ios" / "3.0.json").write_text("{half written")
    with caplog.at_level(logging.ERROR, logger="gateway.persisted"):
        for _ in range(3):
            assert len(manifests.current()) == 2
    assert sum("ios@3.0 not served" in r.message for r in caplog.records) == 1
    (tmp_path / "ios" / "1.0.json").unlink()
    assert operation_id(A) not in manifests.current()
    assert [str(r) for r in manifests.releases] == ["ios@2.0"]


def test_a_broken_release_file_refuses_the_start(tmp_path: Path) -> None:
    (tmp_path / "ios").mkdir()
    (tmp_path / "ios" / "1.0.json").write_text('{"format": "nope"}')
    with pytest.raises(ManifestError):
        ReleaseManifests(None, tmp_path, None, 0)


def test_config_of_releases() -> None:
    config = PersistedConfig(mode="allowlist", releases_dir="r")  # no current manifest
    assert config.supported_releases is None
    with pytest.raises(ValidationError, match="supported_releases needs"):
        PersistedConfig(supported_releases=["ios@1.0"])
    with pytest.raises(ValidationError, match="is not a release"):
        PersistedConfig(releases_dir="r", supported_releases=["ios-1.0"])
    with pytest.raises(ValidationError, match=r"needs persisted\.manifest or"):
        PersistedConfig(mode="allowlist")


async def test_the_resolver_says_which_releases_hold_the_operation(tmp_path: Path) -> None:
    current = write(tmp_path / "manifest.json", A)
    write(tmp_path / "releases" / "ios" / "1.0.json", A, B)
    config = PersistedConfig(
        mode="allowlist", manifest=str(current), releases_dir=str(tmp_path / "releases")
    )
    resolver = PersistedQueries.from_config(config)
    try:
        extension = {"persistedQuery": {"version": 1, "sha256Hash": operation_id(B)}}
        context = RequestContext()
        assert await resolver.resolve(GraphQLParams(extensions=extension), context) == B
        assert context.state[RELEASES] == ("ios@1.0",)
        context = RequestContext()
        assert await resolver.resolve(GraphQLParams(query=A), context) == A
        assert context.state[RELEASES] == ("current", "ios@1.0")
    finally:
        await resolver.close()
    assert isinstance(resolver.store, MemoryStore)
