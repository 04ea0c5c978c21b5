"""``python -m gateway compose``: files or live subgraphs in, supergraph file out, exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from gateway.commands.compose import main
from gateway.composition import SubgraphSource, compose
from tests.composition.subgraph_apps import reviews_app, users_app
from tests.servers import ThreadedServer

FED = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'
USERS = FED + 'type Query { me: User } type User @key(fields: "id") { id: ID! name: String }'
COURSES = FED + 'type User @key(fields: "id") { id: ID! courses: [String] }'


def _write(tmp_path: Path, **files: str) -> list[str]:
    paths = []
    for name, sdl in files.items():
        path = tmp_path / f"{name}.graphql"
        path.write_text(sdl)
        paths.append(str(path))
    return paths


def test_files_compose_to_the_out_file_with_default_platform_urls(tmp_path: Path) -> None:
    out = tmp_path / "out" / "supergraph.graphql"
    files = _write(tmp_path, users=USERS, courses=COURSES)
    assert main(["--out", str(out), *files]) == 0
    expected = compose(
        [
            SubgraphSource("users", "http://127.0.0.1:4001/graphql", USERS),
            SubgraphSource("courses", "http://127.0.0.1:4002/graphql", COURSES),
        ]
    ).supergraph_sdl
    assert out.read_text() == expected


def test_url_option_and_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = _write(tmp_path, accounts=USERS)
    assert main(["--url", "accounts=http://accounts:8080/graphql", *files]) == 0
    out = capsys.readouterr().out
    assert 'ACCOUNTS @join__graph(name: "accounts", url: "http://accounts:8080/graphql")' in out


def test_a_subgraph_without_a_url_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = _write(tmp_path, accounts=USERS)
    assert main(files) == 1
    assert capsys.readouterr().err == (
        'compose: error: no URL for subgraph "accounts": pass --url accounts=URL\n'
    )


def test_composition_errors_exit_1_and_leave_the_out_file_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "supergraph.graphql"
    out.write_text("previous")
    files = _write(tmp_path, users=USERS, courses=FED + "type Query { me: String }")
    assert main(["--out", str(out), *files]) == 1
    assert out.read_text() == "previous"
    err = capsys.readouterr().err
    assert err.startswith("compose: composition failed with 2 error(s):\n")
    assert '  FIELD_TYPE_MISMATCH: Type of field "Query.me" is incompatible' in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "nothing to compose"),
        (["--from-url", "users"], "--from-url expects NAME=URL, got 'users'"),
        (["x.graphql", "--from-url", "a=http://a"], "either SDL files or --from-url"),
        (["missing/users.graphql"], "cannot read missing/users.graphql"),
    ],
)
def test_usage_errors(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 1
    assert message in capsys.readouterr().err


def test_from_running_subgraphs(tmp_path: Path) -> None:
    users = ThreadedServer(users_app()).start()
    reviews = ThreadedServer(reviews_app()).start()
    users_url, reviews_url = f"{users.url}/graphql", f"{reviews.url}/graphql"
    try:
        out = tmp_path / "supergraph.graphql"
        argv = ["--out", str(out), "--from-url", f"users={users_url}"]
        argv += ["--from-url", f"reviews={reviews_url}"]
        assert main(argv) == 0
        text = out.read_text()
    finally:
        users.stop()
        reviews.stop()
    assert f'USERS @join__graph(name: "users", url: "{users_url}")' in text
    assert "reviews: [Review!]! @join__field(graph: REVIEWS)" in text


def test_the_module_entry_point(tmp_path: Path) -> None:
    files = _write(tmp_path, users=USERS)
    done = subprocess.run(
        [sys.executable, "-m", "gateway", "compose", *files],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith('schema\n  @link(url: "https://specs.apollo.dev/link/v1.0")\n')


def test_from_a_subgraph_that_is_down(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.servers import bound_socket

    sock = bound_socket()  # bound, never listening: connections are refused
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/graphql"
    try:
        assert main(["--from-url", f"users={url}"]) == 1
    finally:
        sock.close()
    err = capsys.readouterr().err
    assert err.startswith(f'compose: error: subgraph "users" at {url}: ConnectError')
