"""The identity headers the gateway forwards to subgraphs, signed so that only it can.

    x-user-id                       the user id
    x-user-roles                    roles, comma-separated
    x-user-scopes                   scopes, space-separated
    x-gateway-identity-expires      Unix seconds after which the identity is void
    x-gateway-identity-signature    v1=<hex HMAC-SHA256 over the four headers above>

The signed text is ``v1`` and the four values, one per line, so no value can be moved into
another. The identity expires with the client's token (a websocket is closed then), so
a captured set of headers is worth no more than the token it came from. Subgraphs verify
with the same secret (``subgraphs._shared.identity``) and refuse identity headers that
are unsigned, badly signed or expired. These header names are always removed from
client requests: only the gateway sets them.
"""

from __future__ import annotations

import hashlib
import hmac

from gateway.request import Identity

USER_ID = "x-user-id"
ROLES = "x-user-roles"
SCOPES = "x-user-scopes"
EXPIRES = "x-gateway-identity-expires"
SIGNATURE = "x-gateway-identity-signature"
#: Every header that carries identity: removed from client requests, set by the gateway.
IDENTITY_HEADERS = (USER_ID, ROLES, SCOPES, EXPIRES, SIGNATURE)
#: An identity with no expiry (should not happen: tokens must carry ``exp``) is signed
#: for this many seconds.
DEFAULT_LIFETIME_SECONDS = 300


def signed_text(user_id: str, roles: str, scopes: str, expires: str) -> bytes:
    """What the signature covers (the subgraphs rebuild the same text)."""
    return "\n".join(("v1", user_id, roles, scopes, expires)).encode()


def signature(secret: bytes, text: bytes) -> str:
    return "v1=" + hmac.new(secret, text, hashlib.sha256).hexdigest()


def identity_headers(identity: Identity, secret: bytes, now: float) -> dict[str, str]:
    """The signed headers forwarding ``identity`` (none for an anonymous caller)."""
    if identity.user_id is None:
        return {}
    expires_at = identity.expires_at or now + DEFAULT_LIFETIME_SECONDS
    values = {
        USER_ID: identity.user_id,
        ROLES: ",".join(identity.roles),
        SCOPES: " ".join(identity.scopes),
        EXPIRES: str(int(expires_at)),
    }
    text = signed_text(values[USER_ID], values[ROLES], values[SCOPES], values[EXPIRES])
    values[SIGNATURE] = signature(secret, text)
    return values
