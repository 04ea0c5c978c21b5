"""``python -m gateway persisted check|manifest``."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gateway.commands.persisted import collect_operations, main
from gateway.persisted import build_manifest

ROOT = Path(__file__).resolve().parents[2]
SUPERGRAPH = ROOT / "schema" / "supergraph.graphql"
MANIFEST = ROOT / "persisted_queries" / "manifest.json"


def test_check_passes_for_the_app_on_our_supergraph(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--supergraph", str(SUPERGRAPH), "--manifest", str(MANIFEST)]) == 0
    assert capsys.readouterr().out == "9 of 9 operations valid\n"


def test_check_names_each_operation_a_schema_change_breaks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sdl = SUPERGRAPH.read_text(encoding="utf-8")
    # the progress team renames Course.myProgress, and users lose their avatars
    changed = sdl.replace("  myProgress:", "  myCourseProgress:")
    changed = re.sub(r'\s*"""\s*Square avatar[^"]*"""\s*avatarUrl[^\n]*', "", changed)
    assert changed.count("myCourseProgress") == 1 and "avatarUrl" not in changed
    path = tmp_path / "supergraph.graphql"
    path.write_text(changed, encoding="utf-8")
    assert main(["check", "--supergraph", str(path), "--manifest", str(MANIFEST)]) == 1
    out = capsys.readouterr().out.splitlines()
    broken = [line.split(" ")[1] for line in out if line.startswith("BROKEN")]
    assert broken == [
        "CourseCatalogue",
        "CourseDetail",
        "CourseDetail",
        "Home",
        "Profile",
    ]
    assert any("Cannot query field 'myProgress' on type 'Course'" in line for line in out)
    assert out[-1] == "5 of 9 operations valid"


def test_check_reports_unreadable_inputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / "absent")
    assert main(["check", "--supergraph", missing, "--manifest", str(MANIFEST)]) == 2
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "nope"}')
    assert main(["check", "--supergraph", str(SUPERGRAPH), "--manifest", str(bad)]) == 2
    broken_sdl = tmp_path / "broken.graphql"
    broken_sdl.write_text("type {")
    assert main(["check", "--supergraph", str(broken_sdl), "--manifest", str(MANIFEST)]) == 2
    err = capsys.readouterr().err
    assert "format must be" in err and "cannot be used" in err


def test_check_reports_operations_that_do_not_parse(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = tmp_path / "m.json"
    manifest.write_text(json.dumps(build_manifest([("Broken", "query", "query Broken {")])))
    assert main(["check", "--supergraph", str(SUPERGRAPH), "--manifest", str(manifest)]) == 1
    assert "BROKEN Broken" in capsys.readouterr().out


def test_manifest_writes_checks_and_refuses_bad_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ops = tmp_path / "ops"
    ops.mkdir()
    (ops / "A.graphql").write_text("# comment\nquery A { me { id } }\n")
    output = tmp_path / "manifest.json"
    assert main(["manifest", "--dir", str(ops), "--output", str(output), "--check"]) == 1
    assert main(["manifest", "--dir", str(ops), "--output", str(output)]) == 0
    data = json.loads(output.read_text())
    assert [(op["name"], op["type"], op["body"]) for op in data["operations"]] == [
        ("A", "query", "query A {\n  me {\n    id\n    __typename\n  }\n}")
    ]
    assert main(["manifest", "--dir", str(ops), "--output", str(output), "--check"]) == 0
    (ops / "B.graphql").write_text("query A { me { name } }")
    assert main(["manifest", "--dir", str(ops), "--output", str(output)]) == 2
    (ops / "B.graphql").write_text("query B { me { name } } query C { me { id } }")
    assert main(["manifest", "--dir", str(ops), "--output", str(output)]) == 2
    (ops / "B.graphql").write_text("{ me { name } }")
    assert main(["manifest", "--dir", str(ops), "--output", str(output)]) == 2
    err = capsys.readouterr().err
    assert "used twice: A" in err and "exactly one named operation" in err


def test_usage_errors_exit_2() -> None:
    assert main([]) == 2
    assert main(["check"]) == 2


def test_runs_as_a_module() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gateway", "persisted", "manifest", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout


def test_bodies_get_typename_like_apollo_clients_cache_adds_it(tmp_path: Path) -> None:
    (tmp_path / "Q.graphql").write_text(
        "query Q { me { id __typename ...F } __schema { types { name } } }"
        " fragment F on User { name enrollments { nodes { id } } }"
    )
    [(_, _, body)] = collect_operations(tmp_path)
    assert body == (
        "query Q {\n"
        "  me {\n    id\n    __typename\n    ...F\n  }\n"  # already there: not added twice
        "  __schema {\n    types {\n      name\n      __typename\n    }\n    __typename\n  }\n"
        "}\n\n"
        "fragment F on User {\n  name\n  enrollments {\n    nodes {\n      id\n"
        "      __typename\n    }\n    __typename\n  }\n  __typename\n}"
    )
    [(_, _, plain)] = collect_operations(tmp_path, add_typename=False)
    assert "__typename" not in plain.replace("id\n    __typename\n    ...F", "")
