"""Configuration of retired fields: fields the graph has moved on from, still served to the
app versions in users' hands that use them.

    retired:
      fields:
        - field: Course.legacyCode
          reason: use Course.code
          clients:                      # apollographql-client-name: [client-version, ...]
            learning-ios: ["3.0.0", "3.0.1"]
            learning-android: ["3.0.0"]

Versions are **exact lists**, not ranges, on purpose: the version header is free text
each platform writes its own way ("3.0.1", "3.0.1 (412)", "3.1.0-beta.2"), so a range
would need a version grammar every app must follow, and a range like ``<3.1`` also admits
builds nobody shipped (betas, forks, a typo). The versions that use a field are the
releases whose manifests contain it — a finite list ``python -m gateway persisted report``
prints — and the field can be removed once every version listed here is unsupported.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["RetiredConfig", "RetiredField"]

_COORDINATE = re.compile(r"^[_A-Za-z][_0-9A-Za-z]*\.[_A-Za-z][_0-9A-Za-z]*$")


class RetiredField(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    #: The field, as ``Type.field``: an object or interface field of the API schema
    #: (retiring an interface's field retires it on every implementation too).
    field: str
    #: The app versions still served the field: client name (the
    #: ``apollographql-client-name`` header) -> exact versions (the
    #: ``apollographql-client-version`` header). Empty: no client sees the field.
    clients: dict[str, list[str]] = Field(default_factory=dict)
    #: Why it was retired, what replaces it (for people reading the configuration).
    reason: str | None = None

    @field_validator("field")
    @classmethod
    def _coordinate(cls, value: str) -> str:
        if not _COORDINATE.match(value):
            raise ValueError(f"{value!r} is not a field coordinate like 'Type.field'")
        return value

    @field_validator("clients")
    @classmethod
    def _versions(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for client, versions in value.items():
            if not client.strip() or any(not v.strip() for v in versions):
                raise ValueError(f"client {client!r}: names and versions must not be blank")
        return value


class RetiredConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Fields hidden from every client except the listed app versions: invisible to the
    #: others (validation says "Cannot query field", introspection omits them) while the
    #: supergraph, and so planning, keeps them. Each entry: ``field`` (``Type.field``),
    #: ``clients`` (client name -> exact versions served it), ``reason``. Empty: nothing
    #: is retired. docs/persisted-queries.md has the workflow.
    fields: list[RetiredField] = Field(default_factory=list)

    @field_validator("fields")
    @classmethod
    def _once_each(cls, value: list[RetiredField]) -> list[RetiredField]:
        seen: set[str] = set()
        for entry in value:
            if entry.field in seen:
                raise ValueError(f"{entry.field} is listed twice")
            seen.add(entry.field)
        return value
