"""Configuration of authorization: the named policies ``@policy`` refers to."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

_DOTTED = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")


class AuthorizationConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Enforce the supergraph's ``@authenticated``, ``@requiresScopes`` and ``@policy``
    #: before planning. Off: the directives are ignored and only the subgraphs' own checks
    #: apply.
    enabled: bool = True
    #: The policies ``@policy(policies:)`` names: policy name -> ``module:function``, a
    #: callable given the caller's ``Identity`` and returning a bool (or an awaitable of
    #: one). Unset/empty: every field or type under ``@policy`` is refused (an unknown
    #: policy never grants).
    policies: dict[str, str] = Field(default_factory=dict)

    @field_validator("policies")
    @classmethod
    def _dotted_paths(cls, value: dict[str, str]) -> dict[str, str]:
        for name, path in value.items():
            if not _DOTTED.match(path):
                raise ValueError(f"policy {name!r}: {path!r} is not 'module:function'")
        return value
