"""Loading the configuration: YAML file, ``GATEWAY_*`` overrides, and errors that name the
key, what is wrong, and where the bad value came from."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from gateway.config import ConfigError, GatewayConfig, load_config, options_markdown
from gateway.http.config import ServerConfig


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "gateway.yaml"
    path.write_text(text)
    return path


def test_defaults_without_file_or_environment() -> None:
    config = load_config(None, {})
    assert config == GatewayConfig()
    assert config.server.port == 4000
    assert config.server.host == "127.0.0.1"
    assert config.server.batching.enabled is False  # off unless asked for
    assert config.graphiql_enabled is True  # dev mode


def test_file_values(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
mode: production
supergraph:
  path: schema/other.graphql
  watch: false
subgraphs:
  users:
    url: http://users.internal:4001/graphql
    timeout_seconds: 5
server:
  port: 8080
  batching:
    max_size: 10
  compression:
    min_size: 2048
""",
    )
    config = load_config(path, {})
    assert config.mode == "production"
    assert config.supergraph.path == "schema/other.graphql"
    assert config.supergraph.watch is False
    assert config.subgraphs["users"].url == "http://users.internal:4001/graphql"
    assert config.subgraphs["users"].timeout_seconds == 5
    assert config.server.port == 8080
    assert config.server.batching.max_size == 10
    assert config.server.compression.min_size == 2048
    assert config.graphiql_enabled is False  # production mode


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "server:\n  port: 8080\n  host: 0.0.0.0\n")
    env = {
        "GATEWAY_SERVER__PORT": "4001",
        "GATEWAY_SERVER__BATCHING__ENABLED": "false",
        "GATEWAY_SUBGRAPHS__COURSES__URL": "http://127.0.0.1:4102/graphql",
        "GATEWAY_ENGINE__FORWARD_HEADERS": "[authorization, x-request-id]",
        "gateway_mode": "production",
        "GATEWAY_REDIS_URL": "redis://127.0.0.1:6379/0",
        "GATEWAY_CONFIG": "ignored: it names the file",
        "UNRELATED": "1",
    }
    config = load_config(path, env)
    assert config.server.port == 4001
    assert config.server.host == "0.0.0.0"  # the file's, not overridden
    assert config.server.batching.enabled is False
    assert config.subgraphs["courses"].url == "http://127.0.0.1:4102/graphql"
    assert config.engine.forward_headers == ["authorization", "x-request-id"]
    assert config.mode == "production"
    assert config.redis_url == "redis://127.0.0.1:6379/0"


def test_empty_file_means_defaults(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, ""), {}) == GatewayConfig()


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [
        (
            "server:\n  port: 70000\n",
            {},
            "server.port: Input should be less than or equal to 65535",
        ),
        ("server:\n  prot: 4000\n", {}, "server.prot: unknown option"),
        ("mode: staging\n", {}, "mode: Input should be 'dev' or 'production' (got 'staging')"),
        (
            "",
            {"GATEWAY_SERVER__PORT": "abc"},
            "server.port: Input should be a valid integer, unable to parse string as an integer "
            "(got 'abc') [from GATEWAY_SERVER__PORT]",
        ),
        (
            "",
            {"GATEWAY_SERVER__BATCHING__MAX_SIZE": "0"},
            "server.batching.max_size: Input should be greater than or equal to 1 (got 0) "
            "[from GATEWAY_SERVER__BATCHING__MAX_SIZE]",
        ),
        ("", {"GATEWAY_NOPE": "1"}, "nope: unknown option [from GATEWAY_NOPE]"),
        ("server: 5\n", {}, "server: Input should be a valid dictionary or instance of"),
    ],
)
def test_invalid_values_name_the_key(
    tmp_path: Path, text: str, env: dict[str, str], expected: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        load_config(write(tmp_path, text), env)
    assert expected in str(raised.value)
    assert str(tmp_path / "gateway.yaml") in str(raised.value)


def test_every_error_is_reported_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, "server:\n  port: -1\n  workers: 0\n")
    with pytest.raises(ConfigError) as raised:
        load_config(path, {})
    lines = str(raised.value).splitlines()
    assert lines[1].strip().startswith("server.port:")
    assert lines[2].strip().startswith("server.workers:")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("server: [unclosed\n", "not valid YAML"),
        ("- a\n- b\n", "must be a mapping, not list"),
        ("just text\n", "must be a mapping, not str"),
    ],
)
def test_unreadable_files(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected):
        load_config(write(tmp_path, text), {})


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"gateway\.yaml: not found"):
        load_config(tmp_path / "gateway.yaml", {})


def test_empty_key_segment() -> None:
    with pytest.raises(ConfigError, match="GATEWAY_SERVER____PORT: empty key segment"):
        load_config(None, {"GATEWAY_SERVER____PORT": "1"})


def _paths(model: type[BaseModel], prefix: str) -> list[str]:
    paths = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            paths.extend(_paths(annotation, f"{prefix}{name}."))
        else:
            paths.append(f"{prefix}{name}")
    return paths


def test_every_server_option_is_documented() -> None:
    docs = (Path(__file__).parent.parent.parent / "docs" / "configuration.md").read_text()
    reference = options_markdown()
    for path in _paths(ServerConfig, "server."):
        row = next(line for line in reference.splitlines() if line.startswith(f"| `{path}` |"))
        assert row in docs, f"{path}: run `make config-docs`"
        assert row.split("|")[3].strip(), f"{path} has no #: comment"
