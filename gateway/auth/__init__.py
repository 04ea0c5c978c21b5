"""Authentication: bearer JWTs verified against a JWKS, and the signed identity the
subgraphs receive. ``AuthenticationStep`` is the step the pipeline runs."""

from gateway.auth.config import AuthConfig
from gateway.auth.errors import Unauthenticated
from gateway.auth.step import AuthenticationStep

__all__ = ["AuthConfig", "AuthenticationStep", "Unauthenticated"]
