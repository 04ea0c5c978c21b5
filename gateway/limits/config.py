"""Configuration of operation limits and demand control.

Every limit is checked before planning: the parser limits while the document is read,
the operation limits in the single validation pass, the cost right after validation.
A limit set to ``None`` is off. A limit in warn-only mode never refuses a request: the
violation is reported as a warning (logged, and exposed in ``extensions`` by the
pipeline) so a new limit can be rolled out by watching what it would have refused.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Limit(_Section):
    """One operation limit: a maximum and whether exceeding it only warns."""

    #: The largest accepted value. ``None``: no limit.
    max: int | None = Field(default=None, ge=0)
    #: Report a violation as a warning instead of refusing the operation.
    warn_only: bool = False


class CostConfig(_Section):
    """Demand control per the IBM GraphQL Cost Directives (``@cost``, ``@listSize``)."""

    #: The largest accepted estimated cost of one operation. ``None``: cost is estimated
    #: (and can be exposed) but never refused.
    max: int | None = Field(default=10_000, ge=0)
    #: Report an operation over ``max`` as a warning instead of refusing it.
    warn_only: bool = False
    #: Size assumed for a list field without ``@listSize`` (or whose ``@listSize`` gives
    #: neither ``assumedSize`` nor a slicing argument the request set).
    default_list_size: int = Field(default=10, ge=0)
    #: Request header that asks for the estimated cost in the response's ``extensions``
    #: (any non-empty value). ``None``: only ``expose_always`` exposes it.
    expose_header: str | None = "x-gateway-cost"
    #: Always add the estimated cost to ``extensions``.
    expose_always: bool = False


class LimitsConfig(_Section):
    """Parser limits, operation limits and demand control.

    The defaults follow the leading routers (Apollo Router's parser limits are 15,000
    tokens and 500 levels) and are generous for a hand-written client operation — except
    the token limit: graphql-core parses in pure Python (~7 µs a token, validation more),
    so it is about half Apollo's (docs/limits.md, "Loop stalls", has the measurements).
    """

    #: Longest document, in characters, the parser reads. ``None``: no limit (the HTTP
    #: layer's body limit still applies). graphql-core lexes strings and comments a
    #: character at a time: a 256 Ki-character block string costs ~0.2 s.
    parser_max_length: int | None = Field(default=131_072, ge=1)
    #: Most lexical tokens (comments excluded) a document may have. Large real client
    #: operations have a few thousand.
    parser_max_tokens: int = Field(default=8_000, ge=1)
    #: Deepest nesting of ``{`` ``(`` ``[`` a document may have. graphql-core's parser
    #: refuses more than 200 levels on its own, so values above 200 act as 200.
    parser_max_nesting: int = Field(default=500, ge=1)
    #: Most operations one document may define (counted before parsing). ``None``: no
    #: limit. Thousands of tiny operations stay under the token limit yet cost the parser
    #: and the spec's validation rules most of a second.
    parser_max_operations: int | None = Field(default=100, ge=1)
    #: Most fragments one document may define (counted before parsing, used or not).
    #: ``None``: no limit.
    parser_max_fragments: int | None = Field(default=100, ge=1)
    #: Deepest field nesting of an operation (``{ a { b } }`` has depth 2), fragments
    #: included.
    depth: Limit = Field(default_factory=lambda: Limit(max=32))
    #: Distinct fields (schema coordinates such as ``Course.title``) an operation selects,
    #: fragments included; a field selected several times counts once.
    height: Limit = Field(default_factory=lambda: Limit(max=200))
    #: Aliased fields in an operation, counted at every place a fragment is spread.
    aliases: Limit = Field(default_factory=lambda: Limit(max=30))
    #: Fields selected on the root type, counted at every place a fragment is spread.
    root_fields: Limit = Field(default_factory=lambda: Limit(max=20))
    #: Directive applications in an operation, counted at every place a fragment is spread.
    #: An enforced limit also caps the directives written in the whole document (unused
    #: fragments and every operation included, known directives or not), counted before
    #: parsing: an over-limit document gets one error.
    directives: Limit = Field(default_factory=lambda: Limit(max=50))
    #: Most selections (fields and fragment spreads, inline fragments' contents merged)
    #: in one selection set. It bounds the work of the spec's field-merging rule, which
    #: compares the selections of a set pairwise: 2,000 ``avatarUrl(size: N)`` in one set
    #: fit in the token limit and cost graphql-core seconds.
    width: Limit = Field(default_factory=lambda: Limit(max=100))
    #: Demand control.
    cost: CostConfig = Field(default_factory=CostConfig)
