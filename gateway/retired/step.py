"""The retired-fields step: tells the pipeline which fields the request's client may not
see (``context.state[HIDDEN_FIELDS]``), at ``request_received`` — before the document is
validated against that client's view of the schema (``views.py``).

An application may add a later step that changes the set (say, from a claim of the
verified identity instead of the headers); the pipeline only reads it.
"""

from __future__ import annotations

import logging

from gateway.request import RequestContext
from gateway.retired.clients import Retirements
from gateway.retired.config import RetiredConfig
from gateway.retired.views import HIDDEN_FIELDS
from gateway.steps import Step

__all__ = ["RetiredFieldsStep"]

log = logging.getLogger("gateway.retired")


class RetiredFieldsStep(Step):
    """Hides the retired fields from every client but the listed app versions."""

    def __init__(self, config: RetiredConfig) -> None:
        self.retirements = Retirements(config)
        for entry in config.fields:
            listed = ", ".join(f"{c}@{v}" for c, v in self.retirements.listed(entry.field))
            log.info("retired field %s served only to: %s", entry.field, listed or "nobody")

    async def request_received(self, context: RequestContext) -> None:
        context.state[HIDDEN_FIELDS] = self.retirements.hidden_for(context.headers)
