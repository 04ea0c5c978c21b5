"""Composition errors: what went wrong, where, under Apollo's error code names.

Codes follow Apollo Federation's documented composition error codes (for example
``INVALID_FIELD_SHARING`` or ``FIELD_TYPE_MISMATCH``) so that people who know
``rover supergraph compose`` recognise them; the messages name the subgraph, the type
and the field concerned.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CompositionError:
    """One reason the subgraphs cannot be composed."""

    code: str
    message: str
    #: Subgraphs the error is about (empty when it is about the supergraph as a whole).
    subgraphs: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class CompositionFailed(Exception):
    """Raised inside a composition step to stop at the first error of that step."""

    def __init__(self, errors: list[CompositionError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors
