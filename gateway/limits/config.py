"""Configuration of operation limits and demand control."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class LimitsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
