"""One request's authorization outcome: which sites are denied, the plan for that outcome,
and the errors the response carries.

Plans are cached per outcome (``Access.key``: the denied sites), never per caller: every
caller denied the same fields shares one plan, and one who is denied nothing shares the
plan of the operation as written.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.authz.prune import is_empty, prune
from gateway.authz.redact import redact
from gateway.authz.requirements import Requirement
from gateway.authz.sites import Site, SiteId, Sites
from gateway.planning.operation import NormalizedOperation
from gateway.planning.plan import QueryPlan
from gateway.planning.planner import Planner
from gateway.request import Identity
from gateway.types import JSONObject

#: The stable code of an error for a field removed by authorization (Apollo's).
UNAUTHORIZED = "UNAUTHORIZED_FIELD_OR_TYPE"


@dataclass(frozen=True, slots=True)
class Access:
    """What one caller may run of one operation."""

    denied: frozenset[SiteId] = frozenset()
    errors: tuple[JSONObject, ...] = ()
    #: The plan cache's part for this outcome (empty when nothing is denied).
    key: tuple[str, ...] = ()

    def redact(self, data: JSONObject) -> None:
        """Remove the denied fields from the fetched ``data`` (``redact.py`` says why)."""
        if self.denied:
            redact(data, self.denied)

    def plan(self, planner: Planner, operation: NormalizedOperation) -> QueryPlan:
        """The plan for this outcome: the pruned operation planned, the full one kept for
        shaping. Nothing left to fetch (every root field denied): no fetch at all."""
        if not self.denied:
            return planner.plan(operation)
        pruned = prune(operation, self.denied)
        if is_empty(pruned.root):
            return QueryPlan(None, operation)
        plan = planner.plan(pruned)
        return QueryPlan(plan.node, operation, plan.has_introspection, plan.client_keys)


#: Nothing denied.
ALLOWED = Access()


@dataclass(frozen=True, slots=True)
class Caller:
    """The facts requirements are checked against, for one request."""

    authenticated: bool
    scopes: frozenset[str]
    policies: frozenset[str]

    @classmethod
    def of(cls, identity: Identity | None, policies: frozenset[str]) -> Caller:
        if identity is None:
            return cls(False, frozenset(), frozenset())
        return cls(not identity.anonymous, frozenset(identity.scopes), policies)

    def meets(self, requirement: Requirement) -> bool:
        if requirement.authenticated and not self.authenticated:
            return False
        if requirement.scopes is not None and not any(g <= self.scopes for g in requirement.scopes):
            return False
        return requirement.policies is None or any(g <= self.policies for g in requirement.policies)


def decide(sites: Sites, caller: Caller) -> Access:
    """Walk the sites: a denied site is removed with everything below it (one error)."""
    denied: list[Site] = []
    stack = list(sites.roots)
    while stack:
        site = stack.pop()
        if site.requirement is not None and not caller.meets(site.requirement):
            denied.append(site)
            continue
        stack.extend(site.children)
    if not denied:
        return ALLOWED
    errors: dict[tuple[str, ...], JSONObject] = {}
    for site in sorted(denied, key=lambda s: s.path):
        path = _error_path(site.path)
        errors.setdefault(path, _error(path))
    ids = frozenset(s.id for s in denied)
    key = tuple(sorted(f"{'.'.join(path)}:{coordinate}" for path, coordinate in ids))
    return Access(ids, tuple(errors.values()), key)


def _error_path(path: tuple[str, ...]) -> tuple[str, ...]:
    # A path ends on the field; "@" levels after it (a list field) are not part of it.
    end = len(path)
    while end and path[end - 1] == "@":
        end -= 1
    return path[:end]


def _error(path: tuple[str, ...]) -> JSONObject:
    return {
        "message": "Unauthorized field or type",
        "path": list(path),
        "extensions": {"code": UNAUTHORIZED},
    }
