"""Production hardening (``mode: production``): no introspection, no field suggestions.

- ``validated``: an operation that selects ``__schema`` or ``__type`` (anywhere,
  fragments included) is refused with ``INTROSPECTION_DISABLED`` (400). ``__typename``
  stays allowed: clients need it.
- ``response_ready``: graphql-core's "Did you mean ...?" suggestions are cut from every
  error message, so a client cannot discover the schema by misspelling fields.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from cachetools import LRUCache
from graphql import FieldNode, InlineFragmentNode, SelectionSetNode

from gateway.errors import RequestError
from gateway.request import Outcome, RequestContext
from gateway.steps.base import Step

if TYPE_CHECKING:
    from gateway.documents import ValidDocument

_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")
_INTROSPECTION_FIELDS = frozenset(("__schema", "__type"))


class IntrospectionDisabled(RequestError):
    code = "INTROSPECTION_DISABLED"


class ProductionStep(Step):
    def __init__(self) -> None:
        # Documents are few and requests many: walk each document once.
        self._introspects: LRUCache[str, bool] = LRUCache(maxsize=4096)

    async def validated(self, context: RequestContext, document: ValidDocument) -> None:
        introspects = self._introspects.get(document.signature)
        if introspects is None:
            introspects = self._introspects[document.signature] = _selects_introspection(document)
        if introspects:
            raise IntrospectionDisabled("Introspection is disabled on this gateway.")

    async def response_ready(self, context: RequestContext, outcome: Outcome) -> None:
        errors = outcome.body.get("errors")
        if not isinstance(errors, list):
            return
        cleaned = []
        for error in errors:
            message = error.get("message") if isinstance(error, dict) else None
            if isinstance(message, str) and "Did you mean" in message:
                error = {**error, "message": strip_suggestions(message)}
            cleaned.append(error)
        # A copy: the body may be shared with deduplicated requests.
        outcome.body = {**outcome.body, "errors": cleaned}


def strip_suggestions(message: str) -> str:
    """``message`` without graphql-core's "Did you mean ...?" sentence."""
    return _SUGGESTION.sub("", message)


def _selects_introspection(document: ValidDocument) -> bool:
    selection_sets: list[SelectionSetNode] = []
    for definition in document.document.definitions:  # operations and fragments
        selection_set = getattr(definition, "selection_set", None)
        if isinstance(selection_set, SelectionSetNode):
            selection_sets.append(selection_set)
    while selection_sets:
        for selection in selection_sets.pop().selections:
            if isinstance(selection, FieldNode):
                if selection.name.value in _INTROSPECTION_FIELDS:
                    return True
                if selection.selection_set is not None:
                    selection_sets.append(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                selection_sets.append(selection.selection_set)
    return False
