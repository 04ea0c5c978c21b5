"""Authorization in the graph: the supergraph's ``@authenticated``, ``@requiresScopes`` and
``@policy``, enforced before planning (docs/authorization.md).

    requirements.py  the directives read from the supergraph (``Rules``)
    sites.py         where an operation meets them (computed once per operation)
    policies.py      the named ``@policy`` callables from configuration
    decision.py      one caller's outcome: denied sites, errors, the plan for it
    prune.py         the operation without the denied fields (what is planned)
    step.py          ``AuthorizationStep`` and ``authorize`` (called by the pipeline)
"""

from gateway.authz.config import AuthorizationConfig
from gateway.authz.decision import ALLOWED, UNAUTHORIZED, Access
from gateway.authz.requirements import Requirement, Rules, read_rules
from gateway.authz.step import AUTHORIZER, AuthorizationStep, Authorizer, authorize

__all__ = [
    "ALLOWED",
    "AUTHORIZER",
    "UNAUTHORIZED",
    "Access",
    "AuthorizationConfig",
    "AuthorizationStep",
    "Authorizer",
    "Requirement",
    "Rules",
    "authorize",
    "read_rules",
]
