"""``python -m gateway persisted report`` and ``release``: per app release, what a
supergraph change breaks and why — with real supergraphs from the project's composer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from gateway.commands.persisted import main
from gateway.composition import SubgraphSource, compose
from gateway.persisted import build_manifest

ROOT = Path(__file__).resolve().parents[2]

V1 = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
type Query {
  course(id: ID!): Course
  courses(first: Int): [Course!]!
  search(text: String!): [Course!]!
}
type Course @key(fields: "id") {
  id: ID!
  code: String!
  legacyCode: String! @deprecated(reason: "Use code.")
}
"""
# The next supergraph: legacyCode removed, courses needs a school, search takes a list.
V2 = (
    V1.replace('  legacyCode: String! @deprecated(reason: "Use code.")\n', "")
    .replace("courses(first: Int)", "courses(first: Int, school: String!)")
    .replace("search(text: String!)", "search(text: [String!]!)")
)

LEGACY = 'query Legacy { course(id: "c1") { id legacyCode } }'
SEARCH = "query Search($text: String!) { search(text: $text) { id } }"
LIST = "query List { courses(first: 5) { id code } }"
DETAIL = "query Detail($id: ID!) { course(id: $id) { id code } }"


def supergraph(tmp_path: Path, sdl: str, name: str) -> Path:
    result = compose([SubgraphSource("catalogue", "http://catalogue.invalid/graphql", sdl)])
    assert result.supergraph_sdl is not None, result.errors
    path = tmp_path / f"{name}.graphql"
    path.write_text(result.supergraph_sdl, encoding="utf-8")
    return path


def manifest(path: Path, *bodies: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    operations = [(body.split()[1].split("(")[0], "query", body) for body in bodies]
    path.write_text(json.dumps(build_manifest(operations)), encoding="utf-8")
    return path


@pytest.fixture
def app(tmp_path: Path) -> dict[str, Path]:
    """Three releases of learning-ios and the current manifest; both supergraphs."""
    releases = tmp_path / "releases"
    manifest(releases / "learning-ios" / "1.0.0.json", LEGACY, SEARCH)
    manifest(releases / "learning-ios" / "2.0.0.json", LIST)
    manifest(releases / "learning-ios" / "3.0.0.json", DETAIL)
    return {
        "releases": releases,
        "current": manifest(tmp_path / "manifest.json", DETAIL),
        "v1": supergraph(tmp_path, V1, "v1"),
        "v2": supergraph(tmp_path, V2, "v2"),
    }


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    status = main(["report", *args, "--json"])
    document: dict[str, Any] = json.loads(capsys.readouterr().out)
    return status, document


def broken(document: dict[str, Any]) -> dict[str, list[tuple[str, str, str]]]:
    """release -> [(operation, rule, reason)] of its broken operations."""
    return {
        r["release"]: [
            (op["name"], e["rule"], e["reason"]) for op in r["broken"] for e in op["errors"]
        ]
        for r in document["releases"]
    }


def test_the_report_says_per_release_what_breaks_and_why(
    app: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    status, document = run_json(
        capsys,
        "--supergraph",
        str(app["v2"]),
        "--manifest",
        str(app["current"]),
        "--releases",
        str(app["releases"]),
    )
    assert status == 1 and document["ok"] is False
    assert broken(document) == {
        "current": [],
        "learning-ios@1.0.0": [
            ("Legacy", "FieldsOnCorrectTypeRule", "field removed"),
            ("Search", "VariablesInAllowedPositionRule", "argument or input type changed"),
        ],
        "learning-ios@2.0.0": [
            ("List", "ProvidedRequiredArgumentsRule", "required argument added"),
        ],
        "learning-ios@3.0.0": [],
    }
    legacy = document["releases"][1]["broken"][0]
    assert legacy["errors"][0]["message"] == "Cannot query field 'legacyCode' on type 'Course'."
    assert legacy["errors"][0]["locations"] == [{"line": 1, "column": 38}]
    assert [r["supported"] for r in document["releases"]] == [True] * 4
    assert [r["operations"] for r in document["releases"]] == [1, 2, 1, 1]


def test_only_supported_releases_decide_the_exit_status(
    app: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--supergraph", str(app["v2"]), "--releases", str(app["releases"])]
    status, document = run_json(capsys, *args, "--supported", "learning-ios@3.0.0")
    assert status == 0 and document["ok"] is True
    supported = {r["release"]: (r["supported"], r["ok"]) for r in document["releases"]}
    assert supported == {
        "learning-ios@1.0.0": (False, False),  # still reported, as information
        "learning-ios@2.0.0": (False, False),
        "learning-ios@3.0.0": (True, True),
    }
    status, _ = run_json(capsys, *args, "--supported", "learning-ios@2.0.0")
    assert status == 1


def test_text_output(app: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    status = main(
        [
            "report",
            "--supergraph",
            str(app["v2"]),
            "--releases",
            str(app["releases"]),
            "--supported",
            "learning-ios@2.0.0",
            "learning-ios@3.0.0",
        ]
    )
    assert status == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "learning-ios@1.0.0 (unsupported): 2 of 2 break"
    assert lines[1].startswith("  BROKEN Legacy (")
    assert lines[1].endswith(
        "field removed: Cannot query field 'legacyCode' on type 'Course'. at 1:38"
    )
    assert lines[3] == "learning-ios@2.0.0 (supported): 1 of 1 break"
    assert lines[5] == "learning-ios@3.0.0 (supported): 1 operations valid"
    assert lines[-1] == "1 supported release(s) break: learning-ios@2.0.0"


def config(
    path: Path, app: dict[str, Path], clients: dict[str, list[str]], **persisted: Any
) -> Path:
    text = json.dumps(  # JSON is YAML
        {
            "persisted": {"releases_dir": str(app["releases"]), **persisted},
            "retired": {"fields": [{"field": "Course.legacyCode", "clients": clients}]},
        }
    )
    path.write_text(text, encoding="utf-8")
    return path


def test_a_retired_field_breaks_only_the_releases_not_listed(
    app: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 1.1.0 also uses legacyCode, but only 1.0.0 is listed in the retirement.
    manifest(app["releases"] / "learning-ios" / "1.1.0.json", LEGACY)
    listed = config(tmp_path / "gateway.yaml", app, {"learning-ios": ["1.0.0"]})
    status, document = run_json(capsys, "--supergraph", str(app["v1"]), "--config", str(listed))
    assert status == 1
    result = broken(document)
    assert result["learning-ios@1.0.0"] == []
    assert result["learning-ios@1.1.0"] == [
        ("Legacy", "FieldsOnCorrectTypeRule", "retired field (not served to this release)")
    ]
    hidden = {r["release"]: r["hidden_fields"] for r in document["releases"]}
    assert hidden["learning-ios@1.0.0"] == [] and hidden["learning-ios@2.0.0"] == [
        "Course.legacyCode"
    ]
    assert document["retired"] == [
        {
            "field": "Course.legacyCode",
            "listed": ["learning-ios@1.0.0"],
            "supported": ["learning-ios@1.0.0"],
            "removable": False,
        }
    ]


def test_a_retired_field_is_removable_once_no_listed_release_is_supported(
    app: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = config(
        tmp_path / "gateway.yaml",
        app,
        {"learning-ios": ["1.0.0"]},
        supported_releases=["learning-ios@2.0.0", "learning-ios@3.0.0"],
    )
    status, document = run_json(capsys, "--supergraph", str(app["v1"]), "--config", str(path))
    assert status == 0
    assert document["retired"][0]["removable"] is True
    # and removing it (V2 has more changes: only its removal matters to 3.0.0)
    status, _ = run_json(
        capsys,
        "--supergraph",
        str(app["v2"]),
        "--config",
        str(path),
        "--supported",
        "learning-ios@3.0.0",
    )
    assert status == 0


def test_retire_asks_which_releases_use_a_field(
    app: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    status, document = run_json(
        capsys,
        "--supergraph",
        str(app["v1"]),
        "--releases",
        str(app["releases"]),
        "--retire",
        "Course.legacyCode",
    )
    assert status == 1
    users = [r["release"] for r in document["releases"] if not r["ok"]]
    assert users == ["learning-ios@1.0.0"]


def test_unusable_inputs_exit_2(
    app: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    v1, releases = str(app["v1"]), str(app["releases"])
    assert main(["report", "--supergraph", v1]) == 2
    assert "nothing to report" in capsys.readouterr().err
    assert (
        main(
            [
                "report",
                "--supergraph",
                v1,
                "--releases",
                releases,
                "--supported",
                "learning-ios@9.9.9",
            ]
        )
        == 2
    )
    assert "9.9.9.json" in capsys.readouterr().err
    assert (
        main(["report", "--supergraph", v1, "--releases", releases, "--supported", "nonsense"]) == 2
    )
    assert "is not a release" in capsys.readouterr().err
    assert main(["report", "--supergraph", str(tmp_path / "absent"), "--releases", releases]) == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text("retired: {fields: [{field: nope}]}")
    assert main(["report", "--supergraph", v1, "--config", str(bad)]) == 2
    assert "not a field coordinate" in capsys.readouterr().err


def test_the_command_line_runs_as_a_module(app: dict[str, Path]) -> None:
    command = [
        sys.executable,
        "-m",
        "gateway",
        "persisted",
        "report",
        "--supergraph",
        str(app["v2"]),
        "--releases",
        str(app["releases"]),
        "--json",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 1, done.stderr
    document = json.loads(done.stdout)
    assert [r["ok"] for r in document["releases"]] == [False, False, True]


def test_release_records_the_current_manifest_once(
    app: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    args = [
        "release",
        "--client",
        "learning-ios",
        "--version",
        "3.1.0",
        "--manifest",
        str(app["current"]),
        "--releases",
        str(app["releases"]),
    ]
    assert main(args) == 0
    target = app["releases"] / "learning-ios" / "3.1.0.json"
    assert target.read_bytes() == app["current"].read_bytes()
    assert main(args) == 0  # the same manifest again: nothing to do
    assert "already records" in capsys.readouterr().out
    manifest(app["current"], DETAIL, LIST)  # the app changed; 3.1.0 has shipped
    assert main(args) == 1
    assert "a shipped release never changes" in capsys.readouterr().err
    assert main([*args[:3], "--version", "../../x", *args[5:]]) == 2


def test_the_platform_s_releases_keep_working_on_its_supergraph(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, document = run_json(
        capsys,
        "--supergraph",
        str(ROOT / "schema" / "supergraph.graphql"),
        "--manifest",
        str(ROOT / "persisted_queries" / "manifest.json"),
        "--releases",
        str(ROOT / "persisted_queries" / "releases"),
    )
    assert status == 0, document
    assert [r["release"] for r in document["releases"]][:2] == ["current", "learning-ios@3.1.0"]
