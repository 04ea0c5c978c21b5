"""The authorization step: binds the caller's authorizer to each request.

Authorization changes the plan, so it is not a hook around the request: ``Gateway.prepare``
asks ``authorize`` for the outcome just before planning (HTTP and the websocket alike).
The step's part is to say who decides: at ``validated`` it puts its ``Authorizer`` in the
request's ``state`` (an application may put its own there in a later step).
"""

from __future__ import annotations

from typing import Any

from cachetools import LRUCache
from graphql import OperationDefinitionNode

from gateway.authz.config import AuthorizationConfig
from gateway.authz.decision import ALLOWED, UNAUTHORIZED, Access, Caller, decide
from gateway.authz.policies import Policy, evaluate, load_policies
from gateway.authz.sites import Sites, find_sites
from gateway.documents import ValidDocument
from gateway.errors import RequestError
from gateway.planning.operation import normalize
from gateway.request import RequestContext
from gateway.steps import Step
from gateway.supergraph import Supergraph

#: Outcomes remembered per operation (by the caller's facts).
_OUTCOMES_PER_OPERATION = 64
#: ``RequestContext.state`` key of the request's ``Authorizer``.
AUTHORIZER = "authorization"


class Authorizer:
    """Decides what a caller may run of an operation (``access``)."""

    def __init__(self, config: AuthorizationConfig, cache_size: int = 1000) -> None:
        self.enabled = config.enabled
        self.policies: dict[str, Policy] = load_policies(config.policies)
        # Sites per (supergraph, document, operation, @skip/@include values): the same
        # key as the plan's without the outcome.
        self._sites: LRUCache[tuple[str, str, str | None, tuple[bool, ...]], Sites] = LRUCache(
            maxsize=cache_size
        )

    async def access(
        self,
        context: RequestContext,
        supergraph: Supergraph,
        document: ValidDocument,
        operation: OperationDefinitionNode,
        variables: dict[str, Any],
    ) -> Access:
        if not self.enabled or not supergraph.authorization:
            return ALLOWED
        sites = self.sites(supergraph, document, operation, variables)
        if not sites.roots:
            return ALLOWED
        identity = context.identity
        granted: frozenset[str] = frozenset()
        if sites.policy_names and identity is not None:
            granted = await evaluate(self.policies, sites.policy_names, identity)
        caller = Caller.of(identity, granted)
        # Callers with the same facts get the same outcome: remembered per operation (a
        # few outcomes each; the table is bounded so varied scopes cannot grow it).
        access = sites.outcomes.get(caller)
        if access is None:
            if len(sites.outcomes) >= _OUTCOMES_PER_OPERATION:
                sites.outcomes.clear()
            access = sites.outcomes[caller] = decide(sites, caller)
        return access

    def sites(
        self,
        supergraph: Supergraph,
        document: ValidDocument,
        operation: OperationDefinitionNode,
        variables: dict[str, Any],
    ) -> Sites:
        name = operation.name.value if operation.name else None
        conditions = tuple(bool(variables.get(v)) for v in document.conditionals.get(name, ()))
        key = (supergraph.hash, document.signature, name, conditions)
        sites = self._sites.get(key)
        if sites is None:
            normalized = normalize(supergraph.api_schema, operation, document.fragments, variables)
            sites = self._sites[key] = find_sites(supergraph.authorization, normalized.root)
        return sites


class AuthorizationStep(Step):
    """Puts the gateway's ``Authorizer`` in each request's state (module docstring)."""

    def __init__(self, config: AuthorizationConfig, cache_size: int = 1000) -> None:
        self.authorizer = Authorizer(config, cache_size)

    async def validated(self, context: RequestContext, document: ValidDocument) -> None:
        context.state.setdefault(AUTHORIZER, self.authorizer)


#: Used when no step bound an authorizer: no policies, so it grants only what the
#: caller's identity (authentication, scopes) alone allows.
_FALLBACK = Authorizer(AuthorizationConfig())


async def authorize(
    context: RequestContext,
    supergraph: Supergraph,
    document: ValidDocument,
    operation: OperationDefinitionNode,
    variables: dict[str, Any],
) -> Access:
    """The request's authorization outcome (``Gateway.prepare`` calls it before planning).

    A subscription whose root field is denied is refused (``UnauthorizedSubscription``):
    there is no stream to open, so nothing to answer ``null`` in."""
    if not supergraph.authorization:
        return ALLOWED  # the supergraph declares no requirement: nothing to check
    authorizer: Authorizer = context.state.get(AUTHORIZER, _FALLBACK)
    access = await authorizer.access(context, supergraph, document, operation, variables)
    subscription = operation.operation.value == "subscription"
    if subscription and any(_is_root(path) for path, _ in access.denied):
        raise UnauthorizedSubscription("Unauthorized field or type")
    return access


def _is_root(path: tuple[str, ...]) -> bool:
    return sum(1 for key in path if key != "@") == 1


class UnauthorizedSubscription(RequestError):
    """A subscription to a root field the caller may not see."""

    code = UNAUTHORIZED
    status = 403
