"""The caller's identity, as forwarded by the gateway.

The gateway authenticates the client and forwards who it is in two headers:
``x-user-id`` (the user's id) and ``x-user-roles`` (comma-separated role names:
LEARNER, INSTRUCTOR, ADMIN). Subgraphs trust these headers; they must only be reachable
through the gateway. Over a websocket the same keys may come in the handshake headers or
in the ``connection_init`` payload (the payload wins: it is what the gateway sends when it
opens one upstream connection per client).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from subgraphs._shared.errors import Forbidden, Unauthenticated

USER_ID_HEADER = "x-user-id"
USER_ROLES_HEADER = "x-user-roles"
MAX_USER_ID_LENGTH = 64


class Role(Enum):
    LEARNER = "LEARNER"
    INSTRUCTOR = "INSTRUCTOR"
    ADMIN = "ADMIN"


@dataclass(frozen=True)
class Identity:
    """Who is calling: ``user_id`` is None for an anonymous caller."""

    user_id: str | None = None
    roles: frozenset[Role] = frozenset()

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    def require_user(self) -> str:
        """The caller's user id; UNAUTHENTICATED when anonymous."""
        if self.user_id is None:
            raise Unauthenticated("This operation needs a signed-in user.")
        return self.user_id

    def require_self_or_admin(self, user_id: str) -> str:
        """Allow the user themself or an admin; the caller's id, or FORBIDDEN."""
        caller = self.require_user()
        if caller != user_id and not self.is_admin:
            raise Forbidden("You may only access your own data.")
        return caller


ANONYMOUS = Identity()


def identity_from(values: Mapping[str, object]) -> Identity:
    """Read an identity from headers or a ``connection_init`` payload (keys case-insensitive)."""
    lowered = {str(k).lower(): v for k, v in values.items()}
    raw_id = lowered.get(USER_ID_HEADER)
    if not isinstance(raw_id, str) or not raw_id.strip():
        return ANONYMOUS
    user_id = raw_id.strip()
    if len(user_id) > MAX_USER_ID_LENGTH:
        return ANONYMOUS
    raw_roles = lowered.get(USER_ROLES_HEADER)
    roles: set[Role] = set()
    if isinstance(raw_roles, str):
        for name in raw_roles.split(","):
            try:
                roles.add(Role(name.strip().upper()))
            except ValueError:
                continue  # an unknown role grants nothing
    return Identity(user_id=user_id, roles=frozenset(roles))
