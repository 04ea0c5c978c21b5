"""Per app release: which of its operations a supergraph breaks, and why.

Each release's operations are validated as that release's app will be served them: against
the API schema without the retired fields hidden from it (``gateway.retired``: a field
retired for every version but 3.0.0 still works for 3.0.0, and breaks 3.1.0 if 3.1.0
uses it), with the default operation limits. Each error says why in words a schema
change is described in ("field removed", "argument type changed", ...), from the
validation rule that found it.

``report`` is the data; ``python -m gateway persisted report`` (``persisted.py``) prints
it as text or JSON.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLError, GraphQLSchema, parse, specified_rules, validate
from graphql.validation import ASTValidationRule

from gateway.limits import LimitsConfig, limit_rules, split_warnings
from gateway.persisted.manifest import Manifest
from gateway.persisted.releases import CURRENT, Release
from gateway.retired import Retirements, view_schema, visible_coordinates
from gateway.supergraph import Supergraph
from gateway.types import JSONObject

__all__ = ["BrokenOperation", "ReleaseReport", "RetiredUse", "report"]

#: Why a validation rule refuses an operation that used to be valid: what changed.
REASONS = {
    "FieldsOnCorrectTypeRule": "field removed",
    "KnownArgumentNamesRule": "argument removed",
    "ProvidedRequiredArgumentsRule": "required argument added",
    "VariablesInAllowedPositionRule": "argument or input type changed",
    "ValuesOfCorrectTypeRule": "value no longer valid (enum value or input type changed)",
    "KnownTypeNamesRule": "type removed or renamed",
    "ScalarLeafsRule": "field type changed",
    "PossibleFragmentSpreadsRule": "type no longer possible here",
    "FragmentsOnCompositeTypesRule": "type changed kind",
    "VariablesAreInputTypesRule": "type is no longer an input type",
    "KnownDirectivesRule": "directive removed or moved",
    "OverlappingFieldsCanBeMergedRule": "field types changed (selections now conflict)",
}
#: The reason of an error only the release's view has: a field retired for it.
RETIRED = "retired field (not served to this release)"


@dataclass(frozen=True, slots=True)
class BrokenOperation:
    id: str
    name: str
    #: ``{"message", "locations", "rule", "reason"}`` per error.
    errors: list[JSONObject]


@dataclass(slots=True)
class ReleaseReport:
    #: ``<client>@<version>``, or ``current`` (the unreleased manifest).
    release: str
    supported: bool
    operations: int
    #: The retired fields hidden from this release.
    hidden: list[str]
    broken: list[BrokenOperation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.broken

    def to_json(self) -> JSONObject:
        return {
            "release": self.release,
            "supported": self.supported,
            "operations": self.operations,
            "hidden_fields": self.hidden,
            "ok": self.ok,
            "broken": [{"id": op.id, "name": op.name, "errors": op.errors} for op in self.broken],
        }


@dataclass(frozen=True, slots=True)
class RetiredUse:
    """A retired field, the releases still served it, and whether any is supported."""

    field: str
    listed: list[str]
    supported: list[str]

    @property
    def removable(self) -> bool:
        """No supported release is served the field: removing it breaks none."""
        return not self.supported

    def to_json(self) -> JSONObject:
        return {
            "field": self.field,
            "listed": self.listed,
            "supported": self.supported,
            "removable": self.removable,
        }


def report(
    supergraph_sdl: str,
    releases: Iterable[tuple[str, Manifest, bool]],
    retirements: Retirements,
    also_hidden: Iterable[str] = (),
) -> list[ReleaseReport]:
    """One report per ``(release, manifest, supported)``; ``also_hidden``: fields to treat
    as retired for every release (what would retiring them break?). Raises
    ``SupergraphError`` when the supergraph cannot be used."""
    api = Supergraph.parse(supergraph_sdl).api_schema
    rules = [*(_tagged(rule) for rule in specified_rules), *limit_rules(LimitsConfig())]
    extra = frozenset(also_hidden)
    views: dict[tuple[str, ...], GraphQLSchema] = {}
    reports = []
    for name, manifest, supported in releases:
        if name == CURRENT:  # the next release: a new app, served no retired field
            hidden = retirements.fields | extra
        else:
            release = Release.parse(name)
            hidden = retirements.hidden(release.client, release.version) | extra
        key = tuple(sorted(visible_coordinates(api, hidden)))
        if key and key not in views:
            views[key] = view_schema(api, key)
        view = views.get(key)
        result = ReleaseReport(name, supported, len(manifest), list(key))
        for operation in sorted(manifest.operations.values(), key=lambda op: (op.name, op.id)):
            errors = _errors(api, view, operation.body, rules)
            if errors:
                result.broken.append(BrokenOperation(operation.id, operation.name, errors))
        reports.append(result)
    return reports


def retired_uses(
    retirements: Retirements, supported: Iterable[str], fields: Iterable[str]
) -> list[RetiredUse]:
    """For each retired field: the releases listed for it, and which are supported."""
    still = set(supported)
    uses = []
    for name in sorted(fields):
        listed = [f"{client}@{version}" for client, version in retirements.listed(name)]
        uses.append(RetiredUse(name, listed, [r for r in listed if r in still]))
    return uses


def _errors(
    api: GraphQLSchema,
    view: GraphQLSchema | None,
    body: str,
    rules: list[type[ASTValidationRule]],
) -> list[JSONObject]:
    try:
        document = parse(body)
    except GraphQLError as error:
        return [_error(error, "syntax error")]
    errors, _warnings = split_warnings(validate(api, document, rules))
    if errors:
        return [_error(e, _reason(e)) for e in errors]
    if view is None:
        return []
    errors, _warnings = split_warnings(validate(view, document, rules))
    return [_error(e, RETIRED) for e in errors]


def _reason(error: GraphQLError) -> str:
    extensions = error.extensions or {}
    rule = extensions.get("rule")
    if isinstance(rule, str):
        return REASONS.get(rule, "invalid operation")
    if "code" in extensions:
        return f"operation limit ({extensions['code']})"
    return "invalid operation"


def _error(error: GraphQLError, reason: str) -> JSONObject:
    extensions = error.extensions or {}
    return {
        "message": error.message,
        "locations": [{"line": loc.line, "column": loc.column} for loc in error.locations or ()],
        "rule": extensions.get("rule") or extensions.get("code"),
        "reason": reason,
    }


def _tagged(rule: type[ASTValidationRule]) -> type[ASTValidationRule]:
    """``rule``, its errors marked with its name (``extensions["rule"]``)."""

    def report_error(self: ASTValidationRule, error: GraphQLError) -> None:
        error.extensions = {**(error.extensions or {}), "rule": rule.__name__}
        rule.report_error(self, error)

    tagged: Any = type(rule.__name__, (rule,), {"report_error": report_error})
    result: type[ASTValidationRule] = tagged
    return result
