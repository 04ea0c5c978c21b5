"""The platform's ``@policy`` callables, run by the gateway (``authorization.policies``).

A policy sees only the caller (the verified ``Identity``), before anything is fetched: it
cannot know which user an ``email`` belongs to. So ``self_or_admin`` is the gateway's half
of the rule — a signed-in caller (who may be that user) or an admin; the users subgraph's
ownership check (the user themself or an admin) stays and decides per user.
"""

from __future__ import annotations

from gateway.request import Identity

ADMIN = "ADMIN"
#: ``authorization.policies`` for the platform: what ``make dev``, the deploy config and
#: the tests give the gateway.
POLICIES = {
    "admin": "subgraphs.policies:admin",
    "self_or_admin": "subgraphs.policies:self_or_admin",
}


def admin(identity: Identity) -> bool:
    """The caller has the ADMIN role."""
    return ADMIN in identity.roles


def self_or_admin(identity: Identity) -> bool:
    """The caller is signed in (possibly the user in question) or an admin."""
    return not identity.anonymous or admin(identity)
