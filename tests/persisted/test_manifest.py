"""Apollo's manifest format: read, checked, reloaded when the file changes."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from gateway.persisted import Manifest, ManifestError, ManifestFile, build_manifest, operation_id

HOME = "query Home { me { id } }"
SAVE = "mutation Save($id: ID!) { completeLesson(lessonId: $id) { id } }"


def manifest_json(*ops: tuple[str, str, str]) -> str:
    return json.dumps(build_manifest(ops))


def test_build_and_parse_round_trip() -> None:
    data = build_manifest([("Home", "query", HOME), ("Save", "mutation", SAVE)])
    assert data["format"] == "apollo-persisted-query-manifest"
    assert data["version"] == 1
    assert data["operations"][0] == {
        "id": operation_id(HOME),
        "name": "Home",
        "type": "query",
        "body": HOME,
    }
    manifest = Manifest.parse(json.dumps(data))
    assert len(manifest) == 2
    assert operation_id(SAVE) in manifest
    listed = manifest.get(operation_id(HOME))
    assert listed is not None and listed.name == "Home" and listed.body == HOME


def good_entry() -> dict[str, Any]:
    return {"id": operation_id(HOME), "name": "Home", "type": "query", "body": HOME}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("not json", "not valid JSON"),
        ([], "must be a JSON object"),
        ({"format": "other", "version": 1, "operations": []}, "format must be"),
        (
            {"format": "apollo-persisted-query-manifest", "version": 2, "operations": []},
            "version 1",
        ),
        (
            {"format": "apollo-persisted-query-manifest", "version": 1},
            "'operations' must be a list",
        ),
        (
            {"format": "apollo-persisted-query-manifest", "version": 1, "operations": [1]},
            "#0 must be",
        ),
        (
            {
                "format": "apollo-persisted-query-manifest",
                "version": 1,
                "operations": [{**good_entry(), "body": None}],
            },
            "string 'body'",
        ),
        (
            {
                "format": "apollo-persisted-query-manifest",
                "version": 1,
                "operations": [{**good_entry(), "type": "fragment"}],
            },
            "(Home): type must be",
        ),
        (
            {
                "format": "apollo-persisted-query-manifest",
                "version": 1,
                "operations": [{**good_entry(), "id": "ABC"}],
            },
            "(Home): id must be 64",
        ),
        (
            {
                "format": "apollo-persisted-query-manifest",
                "version": 1,
                "operations": [{**good_entry(), "body": HOME + " "}],
            },
            "(Home): id is not the SHA-256",
        ),
    ],
)
def test_broken_manifests_are_refused_naming_the_problem(data: Any, message: str) -> None:
    text = data if isinstance(data, str) else json.dumps(data)
    with pytest.raises(ManifestError) as caught:
        Manifest.parse(text)
    assert message in str(caught.value)


def test_the_file_is_reloaded_when_it_changes(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(manifest_json(("Home", "query", HOME)))
    source = ManifestFile(path, reload_seconds=0)
    assert operation_id(HOME) in source.current()
    assert operation_id(SAVE) not in source.current()

    path.write_text(manifest_json(("Home", "query", HOME), ("Save", "mutation", SAVE)))
    os.utime(path, ns=(1, 1))  # a different mtime even on coarse-grained file systems
    assert operation_id(SAVE) in source.current()


def test_a_broken_new_file_keeps_the_old_manifest(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(manifest_json(("Home", "query", HOME)))
    source = ManifestFile(path, reload_seconds=0)
    path.write_text('{"format": "apollo-persisted-query-manifest", "version": 1, "operat')
    assert operation_id(HOME) in source.current()
    assert "not reloaded" in caplog.text
    # fixed again: picked up
    path.write_text(manifest_json(("Save", "mutation", SAVE)))
    os.utime(path, ns=(2, 2))
    assert operation_id(SAVE) in source.current()
    assert operation_id(HOME) not in source.current()


def test_reload_checks_are_rate_limited(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(manifest_json(("Home", "query", HOME)))
    source = ManifestFile(path, reload_seconds=3600)
    path.write_text(manifest_json(("Save", "mutation", SAVE)))
    os.utime(path, ns=(3, 3))
    assert operation_id(HOME) in source.current()  # not looked at again within the hour
    never = ManifestFile(path, reload_seconds=None)
    path.write_text(manifest_json(("Home", "query", HOME)))
    os.utime(path, ns=(4, 4))
    assert operation_id(SAVE) in never.current()


def test_a_missing_file_fails_at_start(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        ManifestFile(tmp_path / "absent.json")
