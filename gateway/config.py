"""The gateway's configuration: one pydantic model per pipeline step, loaded from YAML with
environment overrides. Every field states its default and what leaving it unset means."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails

from gateway.auth.config import AuthConfig
from gateway.authz.config import AuthorizationConfig
from gateway.caching.config import CachingConfig
from gateway.engine_config import EngineConfig
from gateway.execution.resilience import CircuitBreakerConfig, RetryConfig
from gateway.http.config import ServerConfig
from gateway.limits.config import LimitsConfig
from gateway.observability.config import ObservabilityConfig
from gateway.persisted.config import PersistedConfig
from gateway.ratelimit.config import RateLimitsConfig
from gateway.retired.config import RetiredConfig
from gateway.subscriptions.config import SubscriptionsConfig


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SupergraphConfig(_Section):
    #: Path of the supergraph SDL file. Unset: compose from ``compose_from`` instead.
    path: str | None = "schema/supergraph.graphql"
    #: Subgraph URLs to compose from at start-up (dev). Unset/empty: read ``path``.
    compose_from: dict[str, str] = Field(default_factory=dict)
    #: Reload the supergraph when the file changes.
    watch: bool = True


class SubgraphConfig(_Section):
    #: Overrides the URL the supergraph gives for this subgraph. Unset: the supergraph's.
    url: str | None = None
    #: Per-subgraph request timeout in seconds. Unset: ``engine.subgraph_timeout_seconds``.
    timeout_seconds: float | None = None
    #: graphql-transport-ws URL for this subgraph's subscriptions. Unset: its HTTP URL
    #: with the ``ws``/``wss`` scheme.
    websocket_url: str | None = None
    #: This subgraph's circuit breaker. Unset: ``engine.circuit_breaker``.
    circuit_breaker: CircuitBreakerConfig | None = None
    #: This subgraph's retries of failed queries. Unset: ``engine.subgraph_retry``.
    retry: RetryConfig | None = None


class GatewayConfig(_Section):
    #: ``dev`` exposes plans and introspection helpers; ``production`` hides them.
    mode: Literal["dev", "production"] = "dev"
    supergraph: SupergraphConfig = Field(default_factory=SupergraphConfig)
    subgraphs: dict[str, SubgraphConfig] = Field(default_factory=dict)
    engine: EngineConfig = Field(default_factory=EngineConfig)
    limits: LimitsConfig = Field(default_factory=LimitsConfig)
    persisted: PersistedConfig = Field(default_factory=PersistedConfig)
    #: Subscriptions over websockets (graphql-transport-ws) at ``server.graphql_path``.
    subscriptions: SubscriptionsConfig = Field(default_factory=SubscriptionsConfig)
    #: Redis URL for shared stores (APQ, subscriptions fan-out). Unset: in-process stores.
    redis_url: str | None = None
    #: The HTTP front door: listen address, limits, batching, compression, GraphiQL.
    server: ServerConfig = Field(default_factory=ServerConfig)
    #: Authentication: bearer JWTs, the identity forwarded to subgraphs (docs/security.md).
    auth: AuthConfig = Field(default_factory=AuthConfig)
    #: Rate limits per caller (docs/security.md).
    rate_limits: RateLimitsConfig = Field(default_factory=RateLimitsConfig)
    #: Metrics, traces and request logs (docs/observability.md).
    observability: ObservabilityConfig = Field(default_factory=ObservabilityConfig)
    #: Authorization in the graph: @authenticated, @requiresScopes, @policy (docs/authorization.md).
    authorization: AuthorizationConfig = Field(default_factory=AuthorizationConfig)
    #: Retired fields still served to listed old app versions (docs/persisted-queries.md).
    retired: RetiredConfig = Field(default_factory=RetiredConfig)
    #: HTTP caching from the graph's @cacheControl hints and the response cache (docs/caching.md).
    caching: CachingConfig = Field(default_factory=CachingConfig)

    @property
    def graphiql_enabled(self) -> bool:
        """``server.graphiql``, or its mode-dependent default when unset."""
        if self.server.graphiql is None:
            return self.mode == "dev"
        return self.server.graphiql


class ConfigError(Exception):
    """The configuration is invalid; the message names each bad key and what is wrong."""


#: Environment variables ``GATEWAY_<SECTION>__<KEY>=value`` override the file's values;
#: ``__`` separates nesting levels, names are case-insensitive.
ENV_PREFIX = "GATEWAY_"
#: The one ``GATEWAY_*`` variable that is not an override: the config file's path.
ENV_CONFIG_FILE = "GATEWAY_CONFIG"


def load_config(
    path: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None
) -> GatewayConfig:
    """The configuration from a YAML file (optional) and ``GATEWAY_*`` overrides.

    An override's value is read as a YAML scalar or flow collection (``4001``, ``true``,
    ``[a, b]``), so it has the type the file would give it. Raises ``ConfigError`` naming
    every bad key, what is wrong, and where the value came from.
    """
    env = os.environ if environ is None else environ
    data: dict[str, Any] = _read_file(path) if path is not None else {}
    origins: dict[tuple[str, ...], str] = {}
    for name, raw in sorted(env.items()):
        upper = name.upper()
        if not upper.startswith(ENV_PREFIX) or upper == ENV_CONFIG_FILE:
            continue
        keys = tuple(part.lower() for part in upper[len(ENV_PREFIX) :].split("__"))
        if not all(keys):
            raise ConfigError(f"{name}: empty key segment (use one '__' between levels)")
        _set_nested(data, keys, _parse_env_value(raw))
        origins[keys] = name
    try:
        return GatewayConfig.model_validate(data)
    except ValidationError as exc:
        lines = [_describe(error, origins) for error in exc.errors()]
        where = f" ({os.fspath(path)})" if path is not None else ""
        raise ConfigError(f"invalid configuration{where}:\n  " + "\n  ".join(lines)) from None


def _read_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as file:
            loaded = yaml.safe_load(file)
    except FileNotFoundError:
        raise ConfigError(f"config file {os.fspath(path)}: not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {os.fspath(path)}: cannot be read: {exc}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"config file {os.fspath(path)}: not valid YAML: {exc}") from None
    if loaded is None:  # an empty file: every default
        return {}
    if not isinstance(loaded, dict):
        kind = type(loaded).__name__
        raise ConfigError(f"config file {os.fspath(path)}: must be a mapping, not {kind}")
    return loaded


def _parse_env_value(raw: str) -> Any:
    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError:
        return raw
    # A value YAML reads as a mapping ("a: b") is surely meant as text.
    return raw if isinstance(value, dict) else value


def _set_nested(data: dict[str, Any], keys: tuple[str, ...], value: Any) -> None:
    node = data
    for key in keys[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = node[key] = {}
        node = child
    node[keys[-1]] = value


def _describe(error: ErrorDetails, origins: dict[tuple[str, ...], str]) -> str:
    loc = tuple(str(part) for part in error["loc"])
    key = ".".join(loc) or "(top level)"
    if error["type"] == "extra_forbidden":
        message = "unknown option"
    else:
        message = f"{error['msg']} (got {error['input']!r})"
    source = next((env for keys, env in origins.items() if loc[: len(keys)] == keys), None)
    return f"{key}: {message}" + (f" [from {source}]" if source else "")


# -- the options reference (docs/configuration.md is generated from this) ---------------


def options_markdown() -> str:
    """Every option as a Markdown table: name, default, and its ``#:`` comment.

    ``python -m gateway.config`` prints it; ``make config-docs`` puts it in
    docs/configuration.md, so the reference cannot drift from the models.
    """
    lines = ["| Option | Default | Meaning |", "| --- | --- | --- |"]
    for path, default, meaning in _option_rows(GatewayConfig(), ""):
        lines.append(f"| `{path}` | {default} | {meaning} |")
    return "\n".join(lines) + "\n"


def _option_rows(section: BaseModel, prefix: str) -> list[tuple[str, str, str]]:
    comments = _field_comments(type(section))
    rows: list[tuple[str, str, str]] = []
    for name in type(section).model_fields:
        path = f"{prefix}{name}"
        value = getattr(section, name)
        meaning = comments.get(name, "")
        if isinstance(value, BaseModel):
            if meaning:
                rows.append((path, "", f"*Section.* {meaning}"))
            rows.extend(_option_rows(value, f"{path}."))
        elif name == "subgraphs" and isinstance(section, GatewayConfig):
            rows.append((f"{path}", "`{}`", "Per-subgraph settings, keyed by subgraph name."))
            rows.extend(_option_rows(SubgraphConfig(), f"{path}.<name>."))
        else:
            rows.append((path, _default_text(value), meaning))
    return rows


def _default_text(value: Any) -> str:
    if value is None:
        return "unset"
    if isinstance(value, str):
        return f"`{value}`"
    text = (
        yaml.safe_dump(value, default_flow_style=True, width=10_000)
        .strip()
        .removesuffix("...")
        .strip()
    )
    return f"`{text}`"


def _field_comments(model: type[BaseModel]) -> dict[str, str]:
    """The ``#:`` comment lines above each field in the model's source."""
    import inspect

    comments: dict[str, str] = {}
    pending: list[str] = []
    for line in inspect.getsource(model).splitlines():
        stripped = line.strip()
        if stripped.startswith("#:"):
            pending.append(stripped[2:].strip())
            continue
        name = stripped.split(":", 1)[0]
        if pending and name.isidentifier() and name in model.model_fields:
            comments[name] = " ".join(pending).replace("``", "`").replace("|", "\\|")
        pending = []
    return comments


if __name__ == "__main__":
    print(options_markdown(), end="")
