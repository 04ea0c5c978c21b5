"""Configuration of persisted queries."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class PersistedConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
