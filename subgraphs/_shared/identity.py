"""The caller's identity, as forwarded (and signed) by the gateway.

The gateway authenticates the client and forwards who it is in headers:
``x-user-id`` (the user's id), ``x-user-roles`` (comma-separated role names: LEARNER,
INSTRUCTOR, ADMIN), ``x-user-scopes`` (space-separated), and two that make them
trustworthy: ``x-gateway-identity-expires`` (Unix seconds) and
``x-gateway-identity-signature`` (``v1=`` + hex HMAC-SHA256, with the secret shared with
the gateway, over ``v1``, the id, roles, scopes and expiry, one per line).

``IdentityVerifier`` accepts identity only with a valid, unexpired signature: anything
else that claims an identity is refused (UNAUTHENTICATED), so a client that reaches a
subgraph directly cannot pose as a user. No identity headers at all is an anonymous
caller. The secret comes from ``IDENTITY_SECRET`` (the gateway's
``auth.signing_secret``); without it every claimed identity is refused.

Over a websocket the same keys may come in the handshake headers or in the
``connection_init`` payload (the payload wins: it is what the gateway sends when it opens
one upstream connection per client).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum

from subgraphs._shared.errors import Forbidden, Unauthenticated

USER_ID_HEADER = "x-user-id"
USER_ROLES_HEADER = "x-user-roles"
USER_SCOPES_HEADER = "x-user-scopes"
EXPIRES_HEADER = "x-gateway-identity-expires"
SIGNATURE_HEADER = "x-gateway-identity-signature"
MAX_USER_ID_LENGTH = 64
#: The environment variable holding the secret shared with the gateway.
SECRET_ENV = "IDENTITY_SECRET"


class Role(Enum):
    LEARNER = "LEARNER"
    INSTRUCTOR = "INSTRUCTOR"
    ADMIN = "ADMIN"


@dataclass(frozen=True)
class Identity:
    """Who is calling: ``user_id`` is None for an anonymous caller."""

    user_id: str | None = None
    roles: frozenset[Role] = frozenset()
    scopes: frozenset[str] = frozenset()

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


def _signed_text(user_id: str, roles: str, scopes: str, expires: str) -> bytes:
    return "\n".join(("v1", user_id, roles, scopes, expires)).encode()


def sign_identity(
    secret: bytes,
    user_id: str,
    roles: tuple[str, ...] = ("LEARNER",),
    scopes: tuple[str, ...] = (),
    expires: int | None = None,
) -> dict[str, str]:
    """The signed identity headers the gateway would send (tools and tests use it)."""
    values = {
        USER_ID_HEADER: user_id,
        USER_ROLES_HEADER: ",".join(roles),
        USER_SCOPES_HEADER: " ".join(scopes),
        EXPIRES_HEADER: str(expires if expires is not None else int(time.time()) + 300),
    }
    text = _signed_text(*values.values())
    values[SIGNATURE_HEADER] = "v1=" + hmac.new(secret, text, hashlib.sha256).hexdigest()
    return values


class IdentityVerifier:
    """Reads the caller's identity, accepting only what the gateway signed."""

    def __init__(self, secret: bytes | None, clock: Callable[[], float] = time.time) -> None:
        self.secret = secret
        self._clock = clock

    @classmethod
    def from_environment(cls) -> IdentityVerifier:
        secret = os.environ.get(SECRET_ENV)
        return cls(secret.encode() if secret else None)

    def identity(self, values: Mapping[str, object]) -> Identity:
        """The verified identity in headers or a ``connection_init`` payload; ANONYMOUS
        when none is claimed; UNAUTHENTICATED when one is claimed without a valid
        signature."""
        lowered = {str(k).lower(): v for k, v in values.items()}
        claimed = [lowered.get(n) for n in (USER_ID_HEADER, SIGNATURE_HEADER)]
        if all(value is None for value in claimed):
            return ANONYMOUS
        if self.secret is None:
            raise Unauthenticated(
                "This subgraph accepts identity only as signed by the gateway "
                f"({SECRET_ENV} is not set)."
            )
        parts = [lowered.get(n, "") for n in (USER_ID_HEADER, USER_ROLES_HEADER)]
        parts += [lowered.get(n, "") for n in (USER_SCOPES_HEADER, EXPIRES_HEADER)]
        signature = lowered.get(SIGNATURE_HEADER)
        if not all(isinstance(p, str) for p in parts) or not isinstance(signature, str):
            raise Unauthenticated("The identity headers are not signed by the gateway.")
        user_id, roles, scopes, expires = (str(p) for p in parts)
        expected = hmac.new(
            self.secret, _signed_text(user_id, roles, scopes, expires), hashlib.sha256
        ).hexdigest()
        if not hmac.compare_digest(signature.encode(), f"v1={expected}".encode()):
            raise Unauthenticated("The identity headers are not signed by the gateway.")
        if not expires.isdigit() or int(expires) <= self._clock():
            raise Unauthenticated("The signed identity has expired.")
        identity = identity_from(lowered)
        return Identity(
            user_id=identity.user_id,
            roles=identity.roles,
            scopes=frozenset(s for s in scopes.split(" ") if s),
        )
